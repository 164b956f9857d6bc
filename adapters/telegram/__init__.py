"""The Telegram adapter: python-telegram-bot in front of the core tutor.

Modules, one job each:

- ``callbacks``: the callback_data of inline buttons (encode, decode, refuse forgeries)
- ``render``: core views -> HTML text within Telegram's limits
- ``keyboards``: inline keyboards for questions and feedback
- ``handlers``: commands and button presses -> core calls -> messages
- ``uploads``: the admin ``/import`` of a YAML file
- ``errors``: the one error handler (apology, blocked users, logging)
- ``ratelimit``: one send budget per token, replies before the daily push; retries
- ``updates``: updates run concurrently, each chat's in order, each once; drain on stop
- ``webhook``: the webhook server (secret checked before the body is read, 1 MiB cap)
- ``redact``: keeps the bot token out of every log record
- ``app``: builds the Application and runs it (polling or webhook) in the current loop
- ``notifier``: the daily push through Telegram
"""

import os

# Opt in to PTB's documented future behaviour: durations (e.g. RetryAfter.retry_after) as
# datetime.timedelta, without a deprecation warning each time one is read.
os.environ.setdefault("PTB_TIMEDELTA", "true")
