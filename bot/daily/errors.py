"""What a Notifier raises when a send does not simply succeed."""

from __future__ import annotations


class DeliveryBlocked(Exception):
    """The user blocked the bot (Telegram 403): never retried; the user becomes inactive."""


class DeliveryRetryAfter(Exception):
    """The platform asked us to wait (Telegram 429)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class DeliveryUnknown(Exception):
    """The request left but no answer came back (a timeout): it may have arrived."""
