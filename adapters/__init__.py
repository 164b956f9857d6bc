"""Platform adapters: translate platform events into core calls and core views into messages."""
