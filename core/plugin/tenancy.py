"""The tenant tree, scopes and plugin enablement as plugins see them.

``plugin_enabled`` and ``tenants_enabled_below`` answer the two questions a plugin asks about
enablement (is it on for this node; which tenants below a region have it on) with core's rule:
the nearest explicit setting on the node's path wins, default off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from core.db import CrossTenantWriteError, ScopedTable, get_db, scoped
from tenants.plugins import enabled_at, tenants_at_or_below
from tenants.scope import Scope, current_scope
from tenants.service import NodeInfo, get_node, get_node_by_code, scope_for

__all__ = [
    "NodeInfo",
    "Scope",
    "after_commit",
    "as_region",
    "beside",
    "current_scope",
    "get_node",
    "get_node_by_code",
    "plugin_enabled",
    "public_scope",
    "scope_for",
    "scoped",
    "tenants_enabled_below",
]


async def plugin_enabled(plugin: str, node: NodeInfo) -> bool:
    """Whether ``plugin`` is on at ``node`` (inside any transaction)."""
    return (await enabled_at([node], plugin))[node.id]


async def tenants_enabled_below(plugin: str, node: NodeInfo) -> list[NodeInfo]:
    """The tenants at or below ``node`` where ``plugin`` is on, by id (two statements)."""
    tenants = await tenants_at_or_below(node)
    on = await enabled_at(tenants, plugin)
    return sorted((t for t in tenants if on[t.id]), key=lambda t: t.id)


def public_scope(node: NodeInfo) -> Scope:
    """A read-only scope of one tenant for anonymous public reads (a notice board named by
    ``X-Linli-Node``): its own rows and its ancestors' shared-downward rows, no writes."""
    return Scope.for_node(node.id, ancestors=node.ancestor_ids, writable=False)


def after_commit(callback: Callable[[], Awaitable[None]]) -> None:
    """Run ``callback`` once the current transaction commits (never after a rollback): publish
    to pub/sub, enqueue a job."""
    get_db().after_commit(callback)


@asynccontextmanager
async def as_region(region: NodeInfo, *tables: type[ScopedTable]) -> AsyncIterator[Scope]:
    """Within a tenant's write transaction, read and write the rows of the ancestor ``region``
    in ``tables`` (each declared ``shared_downward`` or ``reached_from_below``), then return to
    the tenant's scope: how a canteen records into the city's once-a-day table, and how a
    reader of a street office reaches their own card in a county's private card table. Refused
    for a node that is not a region above the tenant, a table declaring neither, or outside a
    write transaction; row-level security follows the switch on PostgreSQL. Audit what you
    write there; in a table reached from below, touch only the caller's own rows."""
    if not region.is_region:
        raise CrossTenantWriteError(f"节点 {region.id} 不是区域 / node {region.id} is not a region")
    async with get_db().as_region(region.id, tables) as inner:
        yield inner


@asynccontextmanager
async def beside(tenant: NodeInfo, region: NodeInfo) -> AsyncIterator[Scope]:
    """Within a tenant's write transaction, work in another ``tenant`` below the same
    ``region`` (its rows, in the same transaction), then return to the tenant's scope: how a
    donor of one street office books a session of another in the city's campaign. Refused
    for a region that is not above both tenants, a region as ``tenant``, or outside a write
    transaction. Decide in the plugin that the work belongs there (the region runs it across
    its tenants) and audit it there."""
    if tenant.is_region:
        raise CrossTenantWriteError(f"节点 {tenant.id} 是区域 / node {tenant.id} is a region")
    async with get_db().beside(tenant.id, tenant.ancestor_ids, region.id) as inner:
        yield inner
