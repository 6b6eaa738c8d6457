"""The ``linli`` command. Each area adds its commands from its own module (``register``)."""

from __future__ import annotations

import click

from core import bootstrap_cli, migrate, serve_cli
from core.audit import cli as audit_cli
from core.demo import service as demo
from core.events import cli as events_cli
from core.identity import cli as identity_cli
from core.jobs import cli as jobs_cli
from core.people import cli as people_cli
from core.privacy import cli as privacy_cli
from core.schema import export as schema_export
from tenants import cli as tenants_cli

__all__ = ["CLI_MODULES", "main"]

# Modules that define ``register(group: click.Group) -> None``, in the order of ``--help``.
CLI_MODULES = (serve_cli, tenants_cli, people_cli, identity_cli, migrate, bootstrap_cli, demo,
               schema_export, events_cli, jobs_cli, audit_cli, privacy_cli)


@click.group(help="邻里 Linli — 街道与乡镇的社区服务平台 / neighbourhood services platform")
def main() -> None:
    pass


for _module in CLI_MODULES:
    _module.register(main)
