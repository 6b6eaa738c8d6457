"""``linli_cli_commands``: a plugin's click commands mounted as ``linli <plugin> …``, run on the
configured database with ``cli_run``, the node found by ``cli_node``, progress on stderr; a
clash or a wrong return fails naming the plugin."""

from __future__ import annotations

import secrets
from typing import Any

import click
import pytest

from core.cli import _Main
from core.plugin import (
    ApiError,
    PluginMeta,
    cli_node,
    cli_progress,
    cli_run,
    hookimpl,
    scope_for,
    scoped,
)
from tenants.service import list_nodes


class Counter:
    """A throwaway plugin with one command: count the nodes at or below CODE, with progress."""

    def __init__(self, commands: list[Any] | None = None) -> None:
        self.name = f"cli_{secrets.token_hex(3)}"
        self.commands = commands

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name=self.name, title_zh="计数", title_en="Counter", version="0.1")

    @hookimpl
    def linli_cli_commands(self) -> list[Any]:
        if self.commands is not None:
            return self.commands

        @click.command("count")
        @click.option("--node", "code", required=True)
        def count(code: str) -> None:
            async def work() -> int:
                node = await cli_node(code)
                async with scoped(scope_for(node)):
                    nodes = await list_nodes(node)
                with cli_progress(len(nodes), "计数 counting") as done:
                    for n in range(1, len(nodes) + 1):
                        done(n)
                if len(nodes) > 99:
                    raise ApiError.invalid("node", "太多", "too many")
                return len(nodes)

            click.echo(f"nodes: {cli_run(work)}")

        return [count]






@pytest.fixture
def plugin(linli_env: Any) -> Any:
    made: list[str] = []

    def register(p: Counter) -> Counter:
        linli_env.state.registry.register(p)
        made.append(p.name)
        return p

    yield register
    for name in made:
        linli_env.state.registry.unregister(name)


async def test_a_plugin_command_runs_under_its_group_with_progress(linli_env, factory, plugin,
                                                                  run_linli):
    counter = plugin(Counter())
    city = await factory.region("city")
    await factory.tenant(city)
    await factory.tenant(city)
    group = counter.name.replace("_", "-")
    listed = await run_linli("--help")
    assert group in listed.output and "计数 / Counter" in listed.output
    out = await run_linli(group, "count", "--node", city.code)
    assert out.exit_code == 0, out.output
    assert "nodes: 3" in out.output
    assert "计数 counting: 0/3" in out.output and "计数 counting: 3/3" in out.output
    missing = await run_linli(group, "count", "--node", "nowhere")
    assert missing.exit_code == 1 and "no node with code nowhere" in missing.output


async def test_a_wrong_command_list_fails_naming_the_plugin(plugin, run_linli):
    twice = click.Command("same")
    bad = plugin(Counter([twice, click.Command("same")]))
    out = await run_linli("--help")
    assert out.exit_code == 1 and bad.name in str(out.exception)
    bad.commands = ["not a command"]
    out = await run_linli("--help")
    assert isinstance(out.exception, TypeError) and bad.name in str(out.exception)


async def test_core_commands_keep_their_names(plugin, run_linli):
    clash = Counter([click.Command("x")])
    clash.name = "serve"   # a plugin named like a core command group
    plugin(clash)
    root = _Main(name="linli")
    root.add_command(click.Command("serve"))
    with pytest.raises(click.ClickException, match="clashes"):
        root.list_commands(click.Context(root))
