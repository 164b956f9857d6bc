"""Keep Python's cycle collector off the hot path.

A full collection walks every object the process holds: after start-up that is the
modules of three frameworks and the question bank, a few milliseconds that land on
whichever answer or question happens to trigger it (they were most of the next question's
p99 in bench.steady). What start-up made lives as long as the process, so it is moved out
of the collector's view (`gc.freeze`, as the gc docs suggest for long-lived servers);
objects made later are collected as usual.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Freeze what exists now: call once the long-lived objects are built."""
    gc.collect()
    gc.freeze()


def release() -> None:
    """Hand frozen objects back to the collector (an app closed; tests start many)."""
    gc.unfreeze()
