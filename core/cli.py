"""The ``linli`` command. Each area adds its commands from its own module (``register``)."""

from __future__ import annotations

import os
from typing import Any

import click

from core import bootstrap_cli, migrate, serve_cli
from core.audit import cli as audit_cli
from core.console import cli as console_cli
from core.demo import service as demo
from core.events import cli as events_cli
from core.identity import cli as identity_cli
from core.jobs import cli as jobs_cli
from core.people import cli as people_cli
from core.plugin.cli import mount_plugin_commands
from core.privacy import cli as privacy_cli
from core.registry import get_registry
from core.schema import export as schema_export
from core.settings import SettingsError, default_var_dir, var_dir_from_env
from tenants import cli as tenants_cli

__all__ = ["CLI_MODULES", "main"]

# Modules that define ``register(group: click.Group) -> None``, in the order of ``--help``.
CLI_MODULES = (serve_cli, tenants_cli, people_cli, identity_cli, migrate, bootstrap_cli, demo,
               schema_export, events_cli, jobs_cli, audit_cli, privacy_cli, console_cli)


class _Main(click.Group):
    """The root group: a setting that is missing or invalid is one clear line, not a traceback.
    Plugins' commands (``linli_cli_commands``) are mounted as ``linli <plugin> …`` the first
    time a command outside core's is asked for (or the list is shown), so core's commands
    never load the plugins."""

    _plugins_mounted = False

    def _mount_plugins(self) -> None:
        if self._plugins_mounted:
            return
        self._plugins_mounted = True
        registry = get_registry()
        by_plugin: dict[str, list[click.Command]] = {}
        for plugin, command in registry.cli_commands():
            by_plugin.setdefault(plugin, []).append(command)
        for plugin, commands in sorted(by_plugin.items()):
            if plugin.replace("_", "-") in self.commands:
                raise click.ClickException(f"插件 {plugin} 的命令组与核心命令重名 / plugin "
                                           f"{plugin}'s command group clashes with a core command")
            meta = registry.meta(plugin)
            mount_plugin_commands(self, plugin, commands, f"{meta.title_zh} / {meta.title_en}")

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            self._mount_plugins()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        try:
            self._mount_plugins()
        except SettingsError:  # --help still lists core's commands; running one says why
            self._plugins_mounted = False
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:

        try:
            return super().invoke(ctx)
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from None


def _where() -> str:
    """The ``--help`` lines that say where configuration and data are looked for."""

    var_dir = var_dir_from_env()
    source = "LINLI_VAR_DIR" if os.environ.get("LINLI_VAR_DIR") else "默认 / default"
    return ("\b\n配置与数据 / configuration and data (与当前目录无关 / whatever the current "
            f"directory):\n  {var_dir}  ({source}; 未设置 LINLI_VAR_DIR 时为 / without "
            f"LINLI_VAR_DIR: {default_var_dir()})\n  数据库 / database: LINLI_DATABASE_URL, "
            f"默认 / default sqlite:///{var_dir}/linli.sqlite3\n  开发密钥 / development "
            "secrets: secret_key.txt, pii_key.txt there (LINLI_SECRET_KEY, LINLI_PII_KEY)")


@click.group(cls=_Main, epilog=_where(),
             help="邻里 Linli — 街道与乡镇的社区服务平台 / neighbourhood services platform")
def main() -> None:
    pass


for _module in CLI_MODULES:
    _module.register(main)
