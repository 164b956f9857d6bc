"""The terminal adapter: a study session on stdin/stdout."""
