"""Question banks: YAML -> validated models -> import (all-or-nothing, idempotent)."""
