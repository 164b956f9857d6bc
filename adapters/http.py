"""The operations endpoint of `tutor run` (`TUTOR_HTTP=host:port`): `/healthz` and `/metrics`.

`/healthz` answers 200 with `{"status": "ok", ...}` when the database answers and every
configured platform is connected, 503 with the components that are down otherwise.
`/metrics` is the Prometheus text format of `bot.metrics`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from bot.config import parse_host_port
from bot.health import Health

log = logging.getLogger(__name__)


def build_app(health: Health) -> web.Application:
    async def healthz(_: web.Request) -> web.Response:
        report = await health.report()
        return web.json_response(report.as_json(), status=200 if report.healthy else 503)

    async def metrics(_: web.Request) -> web.Response:
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application(client_max_size=1024)  # nothing here takes a request body
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


@asynccontextmanager
async def serving(health: Health, listen: str) -> AsyncIterator[web.AppRunner]:
    """Serve /healthz and /metrics on `listen` until the block ends."""
    host, port = parse_host_port(listen)
    runner = web.AppRunner(build_app(health), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("health and metrics on http://%s:%d/healthz and /metrics", host, port)
    try:
        yield runner
    finally:
        await runner.cleanup()
