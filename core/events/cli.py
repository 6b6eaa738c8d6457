"""``linli events list|failed|retry|status``: emitted events and parked deliveries, for an
operator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import click

from core.cli_db import cli_database
from core.cli_ids import IdParam, pk_only
from core.events.dispatch import DeliveryInfo, EventInfo, EventService
from core.registry import get_registry
from core.settings import get_settings
from tenants.service import get_node, get_node_by_code, list_nodes

__all__ = ["register"]

T = TypeVar("T")


@asynccontextmanager
async def _service() -> AsyncIterator[EventService]:
    """The configured database with every table, and the events service on it."""
    async with cli_database() as db:
        yield EventService(db, get_registry(), get_settings())


def _run(work: Callable[[EventService], Awaitable[T]]) -> T:
    async def main() -> T:
        async with _service() as service:
            return await work(service)

    return asyncio.run(main())


async def _codes(rows: list[DeliveryInfo]) -> dict[int, str]:
    codes: dict[int, str] = {}
    for tenant_id in sorted({r.tenant_id for r in rows}):
        node = await get_node(tenant_id)
        codes[tenant_id] = node.code if node else str(tenant_id)
    return codes


@click.group(help="领域事件 / domain events")
def events() -> None:
    pass


@events.command("list", help="列出已发出的事件（最新在前）/ list emitted events, newest first")
@click.option("--type", "event_type", default=None, metavar="TYPE",
              help="事件类型 / event type, e.g. people.welfare_concern")
@click.option("--node", "node_code", default=None, metavar="CODE",
              help="该节点及其下级租户 / this node and the tenants below it")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True,
              help="最多条数 / at most this many")
def list_events(event_type: str | None, node_code: str | None, limit: int) -> None:
    async def work(service: EventService) -> tuple[list[EventInfo], dict[int, str]]:
        tenant_ids: list[int] | None = None
        if node_code is not None:
            async with service.db.transaction(write=False):
                node = await get_node_by_code(node_code)
                if node is None:
                    raise click.ClickException(f"没有编码为 {node_code} 的节点 / no node "
                                               f"{node_code}")
                tenant_ids = [n.id for n in await list_nodes(node)]  # itself included
        rows = await service.events(event_type=event_type, tenant_ids=tenant_ids, limit=limit)
        codes: dict[int, str] = {}
        async with service.db.transaction(write=False):
            for tenant_id in sorted({r.tenant_id for r in rows}):
                found = await get_node(tenant_id)
                codes[tenant_id] = found.code if found else str(tenant_id)
        return rows, codes

    rows, codes = _run(work)
    if not rows:
        click.echo("没有事件 / no events")
        return
    click.echo("event\ttype\ttenant\tcreated\tstate")
    for r in rows:
        click.echo(f"{r.id}\t{r.event_type}\t{codes[r.tenant_id]}\t"
                   f"{r.created_at.isoformat(timespec='seconds')}\t{r.state}")
    click.echo(f"共 {len(rows)} 个 / {len(rows)} events")


@events.command("failed", help="列出已搁置的投递 / list parked deliveries")
def failed() -> None:
    async def work(service: EventService) -> tuple[list[DeliveryInfo], dict[int, str]]:
        rows = await service.failed()
        return rows, await _codes(rows)

    rows, codes = _run(work)
    if not rows:
        click.echo("没有搁置的投递 / no parked deliveries")
        return
    click.echo("event\ttype\ttenant\thandler\tattempts\terror")
    for r in rows:
        error = r.last_error.replace("\n", " ")[:200]
        click.echo(f"{r.event_id}\t{r.event_type}\t{codes[r.tenant_id]}\t{r.handler}\t"
                   f"{r.attempts}\t{error}")
    click.echo(f"共 {len(rows)} 个 / {len(rows)} parked")


@events.command("retry", help="重新投递已搁置的投递 / re-queue parked deliveries")
@click.argument("event_id", type=IdParam("Event"), callback=pk_only, required=False)
@click.option("--all", "all_", is_flag=True, help="全部搁置的投递 / every parked delivery")
@click.option("--no-deliver", is_flag=True,
              help="只重新排队，交给后台投递 / only re-queue; the workers deliver")
def retry(event_id: int | None, all_: bool, no_deliver: bool) -> None:
    if (event_id is None) == (not all_):
        raise click.UsageError("须给出 EVENT_ID 或 --all 之一 / give EVENT_ID or --all")

    async def work(service: EventService) -> tuple[int, int, int]:
        before = [r for r in await service.failed() if event_id is None or r.event_id == event_id]
        queued = await service.retry_parked(event_id)
        ids = sorted({r.event_id for r in before})
        if no_deliver:
            return queued, -1, -1
        for eid in ids:
            await service.deliver(eid)
        keys = {(r.event_id, r.handler) for r in before}
        after = [r for r in await service.deliveries(ids) if (r.event_id, r.handler) in keys]
        return queued, sum(r.status == "done" for r in after), sum(
            r.status == "parked" for r in after)

    queued, done, parked = _run(work)
    if queued == 0:
        raise click.ClickException("没有可重试的搁置投递 / no parked deliveries to retry")
    click.echo(f"已重新排队 {queued} 个投递 / re-queued {queued} deliveries")
    if done >= 0:
        click.echo(f"已投递 {done}，仍待重试 {queued - done - parked}，再次搁置 {parked} / "
                   f"delivered {done}, awaiting retry {queued - done - parked}, "
                   f"parked again {parked}")


@events.command("status", help="发件箱状态 / outbox status")
def status() -> None:
    stats = _run(lambda service: service.stats())
    click.echo(f"pending {stats.pending}\toldest {stats.oldest_pending_seconds:.1f}s\t"
               f"parked {stats.parked}")


def register(group: click.Group) -> None:
    group.add_command(events)
