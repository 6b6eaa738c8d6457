"""``linli schema export [--output PATH]``: write the SDL of the composed schema.

The committed ``graphql/schema.graphql`` describes core plus the *built-in* plugins: those this
project's own ``pyproject.toml`` declares in the ``linli.plugins`` entry-point group. A
third-party plugin installed next to Linli adds its types to the served schema but not to the
committed file, so installing one never makes the drift test fail; ``--installed`` writes the
schema of everything installed instead (for a deployment's own clients).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from core.registry import ENTRY_POINT_GROUP, Registry, get_registry
from core.schema.compose import build_schema

__all__ = ["DEFAULT_PATH", "PYPROJECT", "builtin_plugins", "builtin_registry", "register",
           "schema_sdl"]

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql"
"""``graphql/schema.graphql`` at the repository root (the parent of ``core/``)."""
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
"""This project's own ``pyproject.toml``, which declares the built-in plugins."""


def builtin_plugins(pyproject: Path = PYPROJECT) -> frozenset[str]:
    """Names of the plugins this project ships (its ``linli.plugins`` entry points)."""
    import tomllib

    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    group = data.get("project", {}).get("entry-points", {}).get("linli.plugins", {})
    return frozenset(group)


def builtin_registry() -> Any:
    """A registry loading only the built-in plugins from the installed entry points."""
    from importlib.metadata import entry_points


    builtins = builtin_plugins()
    others = {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)} - builtins
    registry = Registry(disabled=others)
    registry.load_entrypoints()
    return registry


def schema_sdl(registry: Any) -> str:
    """The SDL of the schema built from core and ``registry``'s plugins, newline-terminated."""

    return str(build_schema(registry)).rstrip("\n") + "\n"


@click.group(help="GraphQL 模式 / the GraphQL schema")
def schema() -> None:
    pass


@schema.command("export", help="导出 SDL / write the schema as SDL")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"输出文件，默认 / output file, default {DEFAULT_PATH}")
@click.option("--installed", is_flag=True,
              help="包含所有已安装的插件（默认只含内置插件）/ include every installed plugin "
                   "(default: the built-in plugins only, as committed)")
def export(output: Path | None, installed: bool) -> None:

    path = output or DEFAULT_PATH
    registry = get_registry() if installed else builtin_registry()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schema_sdl(registry), encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"无法写入 {path} / cannot write {path}: {exc.strerror}") \
            from exc
    click.echo(f"已写入 / wrote {path}")


def register(group: click.Group) -> None:
    group.add_command(schema)
