"""``linli serve``: the API under uvicorn."""

from __future__ import annotations

import click

__all__ = ["register"]


def serve(host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    from core.app import create_app
    from core.logging import configure_logging
    from core.settings import get_settings

    settings = get_settings()
    app = create_app(settings)
    configure_logging("INFO")  # after the app (Litestar sets up its own); JSON lines
    uvicorn.run(app, host=host or settings.host, port=port or settings.port, log_config=None,
                access_log=False)  # linli.access logs each request, with its id


def register(group: click.Group) -> None:
    @group.command("serve", help="启动 API 服务 / serve the API (LINLI_HOST, LINLI_PORT)")
    @click.option("--host", default=None)
    @click.option("--port", type=int, default=None)
    def serve_cmd(host: str | None, port: int | None) -> None:
        serve(host, port)
