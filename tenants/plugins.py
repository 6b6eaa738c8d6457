"""Plugin enablement across the tree: who turns on, and seeding each tenant that does.

Enabling at a region enables every tenant below it (the nearest explicit setting up the path
wins, see :func:`tenants.service.enabled_plugins`), including tenants created later; a setting
at a node replaces the explicit settings below it, so disabling at a region reaches every
tenant under it.
``linli_tenant_enabled`` fires once for each tenant that *newly* became enabled, inside a
write scope for that tenant, after the change is committed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tenants.service import NodeInfo, list_nodes, scope_for, set_plugin_enabled
from tenants.tables import TENANT_KINDS, PluginEnablement

__all__ = ["PluginChange", "change_plugin", "enabled_at", "fire_tenant_enabled", "plugin_change",
           "tenants_at_or_below"]


def _path_ids(node: NodeInfo) -> list[int]:
    return [int(p) for p in node.path.strip("/").split("/") if p]


async def enabled_at(nodes: Sequence[NodeInfo], plugin: str) -> dict[int, bool]:
    """Whether ``plugin`` is on at each node (one query for all of them)."""
    ids = sorted({i for n in nodes for i in _path_ids(n)})
    rows = await PluginEnablement.select(PluginEnablement.node_id, PluginEnablement.enabled).where(
        (PluginEnablement.plugin == plugin) & PluginEnablement.node_id.is_in(ids or [-1]))
    explicit = {int(r["node_id"]): bool(r["enabled"]) for r in rows}
    out: dict[int, bool] = {}
    for node in nodes:
        state = False
        for nid in _path_ids(node):  # root first: the deepest explicit setting wins
            state = explicit.get(nid, state)
        out[node.id] = state
    return out


async def tenants_at_or_below(node: NodeInfo) -> list[NodeInfo]:
    """The tenants (street, town, township) in ``node``'s subtree, itself included."""
    return [n for n in await list_nodes(node) if n.kind in TENANT_KINDS]


@dataclass(frozen=True)
class PluginChange:
    """The tenants whose state a setting changed."""

    newly_enabled: list[NodeInfo]
    newly_disabled: list[NodeInfo]


async def plugin_change(node: NodeInfo, plugin: str, enabled: bool,
                        account_id: int | None = None) -> PluginChange:
    """Record the setting at ``node`` for it and everything below: explicit settings below
    ``node`` are dropped, so disabling at a region disables every tenant under it (and enabling
    enables them). Runs in the caller's transaction."""
    below = [n.id for n in await list_nodes(node) if n.id != node.id]
    tenants = await tenants_at_or_below(node)
    before = await enabled_at(tenants, plugin)
    if below:
        await PluginEnablement.delete().where((PluginEnablement.plugin == plugin)
                                              & PluginEnablement.node_id.is_in(below))
    await set_plugin_enabled(node, plugin, enabled, account_id)
    after = await enabled_at(tenants, plugin)
    return PluginChange([t for t in tenants if after[t.id] and not before[t.id]],
                        [t for t in tenants if before[t.id] and not after[t.id]])


async def change_plugin(node: NodeInfo, plugin: str, enabled: bool,
                        account_id: int | None = None) -> list[NodeInfo]:
    """:func:`plugin_change`, answering the tenants that were off and are now on."""
    return (await plugin_change(node, plugin, enabled, account_id)).newly_enabled


async def fire_tenant_enabled(db: Any, registry: Any, plugin: str,
                              tenants: Iterable[NodeInfo]) -> None:
    """Call ``linli_tenant_enabled`` of ``plugin`` for each tenant, each in its own scope."""
    for tenant in tenants:
        async with db.scoped(scope_for(tenant), write=True):
            await registry.tenant_enabled(plugin, tenant.id)
