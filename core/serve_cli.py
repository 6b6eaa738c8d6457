"""``linli serve``: the API under uvicorn."""

from __future__ import annotations

import click

from core.app import create_app
from core.logging import configure_logging
from core.metrics import metrics_server
from core.settings import get_settings

__all__ = ["register"]


def serve(host: str | None = None, port: int | None = None) -> None:
    import uvicorn


    settings = get_settings()
    app = create_app(settings)
    configure_logging("INFO")  # after the app (Litestar sets up its own); JSON lines
    if not settings.metrics_port:
        uvicorn.run(app, host=host or settings.host, port=port or settings.port,
                    log_config=None, access_log=False)  # linli.access logs each request
        return
    # /metrics on its own port (LINLI_METRICS_PORT, on LINLI_METRICS_HOST), same event loop
    import asyncio


    server = uvicorn.Server(uvicorn.Config(app, host=host or settings.host,
                                           port=port or settings.port, log_config=None,
                                           access_log=False))

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


def register(group: click.Group) -> None:
    @group.command("serve", help="启动 API 服务 / serve the API (LINLI_HOST, LINLI_PORT; "
                                 "/metrics: LINLI_METRICS_PORT or LINLI_METRICS_TOKEN)")
    @click.option("--host", default=None)
    @click.option("--port", type=int, default=None)
    def serve_cmd(host: str | None, port: int | None) -> None:
        serve(host, port)
