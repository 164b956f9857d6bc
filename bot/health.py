"""Health: named checks (the database, each platform) that `/healthz` runs.

A check is an async callable returning None when healthy or a short reason when not. A
check that raises or takes longer than `timeout` counts as down, so one stuck dependency
cannot hang the health endpoint. Results are cached for `ttl` seconds: a load balancer
polling every second must not turn into a database or Bot API call every second.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Check = Callable[[], Awaitable[str | None]]


@dataclass
class HealthReport:
    healthy: bool
    components: dict[str, str]  # name -> "ok" or the reason it is down

    def as_json(self) -> dict[str, object]:
        return {"status": "ok" if self.healthy else "down", "components": self.components}


@dataclass
class Health:
    timeout: float = 3.0
    ttl: float = 2.0
    clock: Callable[[], float] = time.monotonic
    _checks: dict[str, Check] = field(default_factory=dict)
    _cached: tuple[float, HealthReport] | None = None

    def add(self, name: str, check: Check) -> None:
        self._checks[name] = check
        self._cached = None

    def remove(self, name: str) -> None:
        self._checks.pop(name, None)
        self._cached = None

    async def report(self) -> HealthReport:
        now = self.clock()
        if self._cached is not None and now - self._cached[0] < self.ttl:
            return self._cached[1]
        names = list(self._checks)
        results = await asyncio.gather(*(self._run(self._checks[n]) for n in names))
        components = {name: reason or "ok" for name, reason in zip(names, results, strict=True)}
        report = HealthReport(all(r is None for r in results), components)
        self._cached = (now, report)
        return report

    async def _run(self, check: Check) -> str | None:
        try:
            return await asyncio.wait_for(check(), self.timeout)
        except TimeoutError:
            return f"no answer within {self.timeout:g} s"
        except Exception as error:  # a health check reports failures, it never raises
            return f"{type(error).__name__}: {error}"[:200]
