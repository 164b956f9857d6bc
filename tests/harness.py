"""What the Telegram and Discord test harnesses share: the real core and platform, entered
on one stack, stopped and started again on the same database (a restart)."""

from __future__ import annotations

from contextlib import AsyncExitStack

from bot.app import App


class Restartable:
    """A subclass's `start` sets `core` and enters the platform on `_stack`."""

    core: App | None
    _stack: AsyncExitStack | None

    async def start(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None
        if self.core is not None:
            await self.core.close()
            self.core = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    @property
    def app(self) -> App:
        assert self.core is not None
        return self.core
