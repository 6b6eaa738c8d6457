"""The ``linli`` command. Each area adds its commands from its own module (``register``)."""

from __future__ import annotations

import importlib

import click

__all__ = ["CLI_MODULES", "main"]

# Modules that define ``register(group: click.Group) -> None``.
CLI_MODULES = (
    "core.serve_cli",
    "tenants.cli",
    "core.people.cli",
    "core.identity.cli",
    "core.migrate",
    "core.demo",
    "core.schema.export",
    "core.events_cli",
    "core.jobs_cli",
    "core.audit_cli",
)


@click.group(help="邻里 Linli — 街道与乡镇的社区服务平台 / neighbourhood services platform")
def main() -> None:
    pass


for _name in CLI_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as _exc:
        if _exc.name and _name.startswith(_exc.name):
            continue
        raise
    _module.register(main)
