"""A TCP proxy that counts round trips between the client and the database server.

A round trip is a turn of the conversation: the client sends (one or more messages) and then
waits for the server. The proxy counts each client send that follows server data (or
starts a connection), which is exactly the number of times the client waits on the server.
"""

from __future__ import annotations

import asyncio
import contextlib


class RoundTripProxy:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.turns = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection(self.host, self.port)
        last = ["server"]  # who spoke last on this connection

        async def pump(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter, side: str
        ) -> None:
            try:
                while data := await reader.read(65536):
                    if side == "client" and last[0] != "client":
                        self.turns += 1
                    last[0] = side
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                writer.close()

        tasks = [
            asyncio.ensure_future(pump(client_r, server_w, "client")),
            asyncio.ensure_future(pump(server_r, client_w, "server")),
        ]
        self._tasks.update(tasks)
        for task in tasks:
            task.add_done_callback(self._tasks.discard)
        await asyncio.gather(*tasks, return_exceptions=True)
