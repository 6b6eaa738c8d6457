"""Commands a plugin adds to ``linli`` (hook ``linli_cli_commands``, mounted as ``linli <plugin>
…``) and what they run on: :func:`cli_run` opens the configured database the way core's own
commands do, :func:`cli_node` finds the node a command names, :func:`cli_progress` counts rows
done against the total on the terminal."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import click

from core import pubsub as pubsub_module
from core.cli_db import cli_database
from core.cli_errors import run_cli
from core.db import get_db
from core.pubsub import PubSub, set_pubsub
from core.settings import get_settings
from tenants.service import NodeInfo, get_node_by_code

__all__ = ["cli_node", "cli_progress", "cli_run", "mount_plugin_commands"]

T = TypeVar("T")


def cli_run(work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work()`` on the configured database (every table bound, the SQLite schema
    checked; a missing database is a clear error) with the configured live-update broker. A refused operation
    (:class:`~core.errors.ApiError`) ends the command with ``zh / en [field] (CODE)`` and exit
    code 1, as in core's commands."""

    async def main() -> T:
        async with cli_database():
            # live updates the work publishes after commit reach the servers through Redis
            # when one is configured (in-process, and so unheard, without)
            settings = get_settings()
            broker = PubSub(settings.redis_url, settings.job_queue)
            previous = pubsub_module._pubsub
            await broker.start()
            set_pubsub(broker)
            try:
                return await work()
            finally:
                set_pubsub(previous)
                await broker.stop()

    return run_cli(main())


async def cli_node(code: str) -> NodeInfo:
    """The node with ``code`` (inside :func:`cli_run`); a click error naming the code when none."""
    async with get_db().transaction(write=False):
        node = await get_node_by_code(code.strip())
    if node is None:
        raise click.ClickException(f"未找到节点 {code} / no node with code {code}")
    return node


@contextmanager
def cli_progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """``with cli_progress(len(rows), "导入 importing") as done: … done(n)``: a line on stderr
    with rows done / total, redrawn in place on a terminal and printed at each tenth (and the
    end) otherwise, so a log of a long import shows it moving."""
    live = sys.stderr.isatty()
    shown = -1

    def done(count: int) -> None:
        nonlocal shown
        tenth = count * 10 // total if total else 10
        if live:
            click.echo(f"\r{label}: {count}/{total}", nl=False, err=True)
        elif tenth != shown or count == total:
            click.echo(f"{label}: {count}/{total}", err=True)
        shown = tenth

    done(0)
    try:
        yield done
    finally:
        if live:
            click.echo("", err=True)


def mount_plugin_commands(group: click.Group, plugin: str,
                          commands: list[click.Command], help_text: str) -> click.Group:
    """The ``linli <plugin>`` group holding ``commands`` (a name claimed twice fails)."""
    sub = click.Group(plugin.replace("_", "-"), help=help_text)
    for command in commands:
        if not isinstance(command, click.Command):
            raise TypeError(f"plugin {plugin} returned {command!r} from linli_cli_commands, "
                            "not a click command")
        if command.name in sub.commands:
            raise ValueError(f"plugin {plugin} returned the command {command.name!r} twice")
        sub.add_command(command)
    group.add_command(sub)
    return sub
