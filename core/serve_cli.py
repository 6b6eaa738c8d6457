"""``linli serve``: the API under uvicorn."""

from __future__ import annotations

import click

__all__ = ["register"]


def serve(host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    from core.app import create_app
    from core.settings import get_settings

    settings = get_settings()
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port,
                log_level="info")


def register(group: click.Group) -> None:
    @group.command("serve", help="启动 API 服务 / serve the API (LINLI_HOST, LINLI_PORT)")
    @click.option("--host", default=None)
    @click.option("--port", type=int, default=None)
    def serve_cmd(host: str | None, port: int | None) -> None:
        serve(host, port)
