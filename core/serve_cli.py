"""``linli serve``: the API under uvicorn."""

from __future__ import annotations

import asyncio
from typing import Any

import click
import uvicorn

from core.app import create_app
from core.logging import configure_logging
from core.metrics import metrics_server
from core.settings import Settings, get_settings

__all__ = ["register", "uvicorn_options"]


def serve(host: str | None = None, port: int | None = None) -> None:
    settings = get_settings()
    app = create_app(settings)
    configure_logging("INFO")  # after the app (Litestar sets up its own); JSON lines
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1 (its
    # FORWARDED_ALLOW_IPS default), so anyone on the host could pick the address throttling
    # counts; the app reads that header only from LINLI_TRUSTED_PROXIES (core.identity.throttle).
    options = uvicorn_options(settings, host, port)
    if not settings.metrics_port:
        uvicorn.run(app, **options)
        return
    # /metrics on its own port (LINLI_METRICS_PORT, on LINLI_METRICS_HOST), same event loop
    server = uvicorn.Server(uvicorn.Config(app, **options))

    async def both() -> None:
        async with metrics_server(app.state.linli, settings.metrics_host,
                                  settings.metrics_port):
            await server.serve()

    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows
        asyncio.run(both())
    else:
        uvloop.run(both())


def uvicorn_options(settings: Settings, host: str | None = None,
                    port: int | None = None) -> dict[str, Any]:
    """What ``linli serve`` passes to uvicorn besides the app."""
    return {"host": host or settings.host, "port": port or settings.port, "log_config": None,
            "access_log": False,  # linli.access logs each request, with its id
            "proxy_headers": False, "forwarded_allow_ips": ""}


def register(group: click.Group) -> None:
    @group.command("serve", help="启动 API 服务 / serve the API (LINLI_HOST, LINLI_PORT; "
                                 "/metrics: LINLI_METRICS_PORT or LINLI_METRICS_TOKEN)")
    @click.option("--host", default=None)
    @click.option("--port", type=int, default=None)
    def serve_cmd(host: str | None, port: int | None) -> None:
        serve(host, port)
