"""``linli serve``: the API under uvicorn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from core.settings import Settings

__all__ = ["register", "uvicorn_options"]


def serve(host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    from core.app import create_app
    from core.logging import configure_logging
    from core.settings import get_settings

    settings = get_settings()
    app = create_app(settings)
    configure_logging("INFO")  # after the app (Litestar sets up its own); JSON lines
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1 (its
    # FORWARDED_ALLOW_IPS default), so anyone on the host could pick the address throttling
    # counts; the app reads that header only from LINLI_TRUSTED_PROXIES (core.identity.throttle).
    uvicorn.run(app, **uvicorn_options(settings, host, port))


def uvicorn_options(settings: Settings, host: str | None = None,
                    port: int | None = None) -> dict[str, Any]:
    """What ``linli serve`` passes to ``uvicorn.run`` besides the app."""
    return {"host": host or settings.host, "port": port or settings.port, "log_config": None,
            "access_log": False,  # linli.access logs each request, with its id
            "proxy_headers": False, "forwarded_allow_ips": ""}


def register(group: click.Group) -> None:
    @group.command("serve", help="启动 API 服务 / serve the API (LINLI_HOST, LINLI_PORT)")
    @click.option("--host", default=None)
    @click.option("--port", type=int, default=None)
    def serve_cmd(host: str | None, port: int | None) -> None:
        serve(host, port)
