"""GraphQL of the tenant tree: ``tenantTree`` and the tree and plugin-enablement mutations.

Resolvers translate; :mod:`tenants.service` and :mod:`tenants.plugins` decide. Every mutation
takes one ``input``, runs in one ``ctx.write()`` transaction and returns a union of its payload
and ``UserError``. ``linli_tenant_enabled`` fires after the commit, one scope per tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import strawberry

from core.identity.access import Access, PlaceRef
from core.schema.base import Tenant
from core.schema.connection import Connection, check_first, decode_cursor, make_connection
from core.schema.context import Info
from core.schema.errors import ApiError, UserError
from core.schema.mutations import Audit, run_mutation
from core.schema.relay import decode_global_id
from tenants.plugins import change_plugin, enabled_at, fire_tenant_enabled, tenants_at_or_below
from tenants.service import (
    NodeInfo,
    _info,
    create_node,
    enabled_plugins,
    get_node,
    move_node,
)
from tenants.tables import Node

__all__ = ["mutation_fields", "query_fields", "types"]


# -- helpers ---------------------------------------------------------------
def _place(node: NodeInfo) -> PlaceRef:
    return PlaceRef(node_id=node.id, node_path=node.path)


async def _node_below(access: Access, gid: strawberry.ID | None, field: str) -> NodeInfo:
    """The node named by ``gid`` if it is the acting node or below it; else NOT_FOUND."""
    if gid is None:
        node = await get_node(access.node_id)
    else:
        node = await get_node(decode_global_id(str(gid), "Tenant", field)[1])
    if node is None or not node.path.startswith(access.node_path):
        raise ApiError.not_found("该节点", "node", field)
    return node


def _require(access: Access, permission: str, node: NodeInfo) -> None:
    decision = access.check(permission, _place(node))
    if not decision:
        raise ApiError.forbidden(decision.reason_zh, decision.reason_en)


async def _plugin_states(registry: Any, nodes: list[NodeInfo]) -> dict[str, dict[int, bool]]:
    return {p: await enabled_at(nodes, p) for p in registry.names}


async def _fire_changes(ctx: Any, before: dict[str, dict[int, bool]],
                        after: dict[str, dict[int, bool]], nodes: list[NodeInfo]) -> None:
    for plugin, states in after.items():
        newly = [n for n in nodes if states[n.id] and not before.get(plugin, {}).get(n.id)]
        await fire_tenant_enabled(ctx.state.db, ctx.state.registry, plugin, newly)


# -- query -----------------------------------------------------------------
@strawberry.field(description="当前节点以下的区划节点（汇总）/ nodes below the acting node")
async def tenant_tree(info: Info, first: int, after: str | None = None,
                      direct_only: bool = False) -> Connection[Tenant]:
    first = check_first(first)
    after_id = decode_cursor(after)
    ctx = info.context
    access = await ctx.require("tenant.read")
    pk = Node._meta.primary_key
    query = Node.select().where((pk > after_id) & (pk != access.node_id))
    if direct_only:
        query = query.where(Node.parent_id == access.node_id)
    else:
        query = query.where(Node.path.like(access.node_path + "%"))
    async with ctx.state.db.transaction(write=False):
        rows = await query.order_by(pk).limit(first + 1)
    return make_connection(rows, first, lambda r: Tenant.from_info(_info(r)))


# -- tree mutations --------------------------------------------------------
@dataclass(frozen=True)
class _Moved:
    """What a move changed: the audit entry and the post-commit hooks need all of it."""

    node: NodeInfo
    old_parent: NodeInfo
    new_parent: NodeInfo
    moved: NodeInfo
    subtree: list[NodeInfo]
    before: dict[str, dict[int, bool]]
    after: dict[str, dict[int, bool]]


@strawberry.input(description="新建区划节点 / create a node of the tenant tree")
class CreateTenantNodeInput:
    kind: str = strawberry.field(description="city, district, county, street, town, township")
    code: str = strawberry.field(description="12位区划代码 / 12-digit administrative code")
    name: str
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="上级节点；空则为根（仅运维）/ parent; none for a root (operator)")


@strawberry.type
class TenantNodePayload:
    node: Tenant


@strawberry.type(description="新建的节点 / the node created")
class CreateTenantNodePayload(TenantNodePayload):
    pass


@strawberry.type(description="移动后的节点 / the node moved")
class MoveTenantNodePayload(TenantNodePayload):
    pass


CreateTenantNodeResult = Annotated[CreateTenantNodePayload | UserError,
                                   strawberry.union("CreateTenantNodeResult")]


@strawberry.mutation(description="新建区划节点 / create a region or tenant")
async def create_tenant_node(info: Info, input: CreateTenantNodeInput
                             ) -> CreateTenantNodeResult:
    ctx = info.context

    async def work(access: Access) -> tuple[NodeInfo, list[str]]:
        if input.parent_id is None:
            parent = None
            if not access.principal.is_operator:
                raise ApiError.forbidden("只有运维人员可以新建根节点",
                                         "only a deployment operator may create a root node")
        else:
            parent = await _node_below(access, input.parent_id, "parentId")
            _require(access, "tenant.manage", parent)
        node = await create_node(input.kind, input.code, input.name, parent)
        return node, await enabled_plugins(node, ctx.state.registry.names)

    def audit(done: tuple[NodeInfo, list[str]]) -> Audit:
        node = done[0]
        return Audit("tenants.create", "Tenant", node.id,
                     {"kind": node.kind, "code": node.code, "name": node.name,
                      "parent_id": node.parent_id, "path": node.path})

    async def after(done: tuple[NodeInfo, list[str]]) -> None:
        node, plugins = done
        for plugin in plugins:
            await fire_tenant_enabled(ctx.state.db, ctx.state.registry, plugin,
                                      await tenants_at_or_below(node))

    return await run_mutation(info, work, lambda done: CreateTenantNodePayload(
        node=Tenant.from_info(done[0])), audit=audit, after=after)


@strawberry.input(description="调整上级（撤并、区划调整）/ re-parent a node")
class MoveTenantNodeInput:
    node_id: strawberry.ID
    parent_id: strawberry.ID = strawberry.field(description="新的上级 / the new parent")


MoveTenantNodeResult = Annotated[MoveTenantNodePayload | UserError,
                                 strawberry.union("MoveTenantNodeResult")]


@strawberry.mutation(description="调整节点的上级，记入审计 / re-parent a node (audited)")
async def move_tenant_node(info: Info, input: MoveTenantNodeInput
                           ) -> MoveTenantNodeResult:
    ctx = info.context

    async def work(access: Access) -> _Moved:
        node = await _node_below(access, input.node_id, "nodeId")
        new_parent = await _node_below(access, input.parent_id, "parentId")
        old_parent = await get_node(node.parent_id) if node.parent_id else None
        if old_parent is None:
            raise ApiError.invalid("nodeId", "根节点不能移动", "a root node cannot be moved")
        if not access.principal.is_operator:
            if not old_parent.path.startswith(access.node_path):
                raise ApiError.not_found("原上级节点", "the current parent")
            _require(access, "tenant.manage", old_parent)
            _require(access, "tenant.manage", new_parent)
        before = await _plugin_states(ctx.state.registry, await tenants_at_or_below(node))
        moved = await move_node(node, new_parent)
        subtree = await tenants_at_or_below(moved)
        after = await _plugin_states(ctx.state.registry, subtree)
        return _Moved(node, old_parent, new_parent, moved, subtree, before, after)

    def audit(m: _Moved) -> Audit:
        return Audit("tenants.move", "Tenant", m.node.id,
                     {"code": m.node.code,
                      "before": {"parent_id": m.old_parent.id,
                                 "parent_code": m.old_parent.code, "path": m.node.path},
                      "after": {"parent_id": m.new_parent.id,
                                "parent_code": m.new_parent.code, "path": m.moved.path}})

    async def fire(m: _Moved) -> None:
        await _fire_changes(ctx, m.before, m.after, m.subtree)

    return await run_mutation(info, work, lambda m: MoveTenantNodePayload(
        node=Tenant.from_info(m.moved)), audit=audit, after=fire)


# -- plugin enablement -----------------------------------------------------
@strawberry.input(description="启用或停用插件 / turn a plugin on or off at a node")
class PluginEnablementInput:
    plugin: str = strawberry.field(description="插件名 / plugin name")
    node_id: strawberry.ID | None = strawberry.field(
        default=None, description="节点，默认当前节点 / the node, default the acting node")


@strawberry.type
class PluginEnablementPayload:
    node: Tenant
    plugin: str
    enabled: bool
    newly_enabled: list[Tenant] = strawberry.field(
        description="因此新启用的街镇 / tenants that became enabled by this change")


@strawberry.type(description="启用插件的结果 / a plugin enabled")
class EnablePluginPayload(PluginEnablementPayload):
    pass


@strawberry.type(description="停用插件的结果 / a plugin disabled")
class DisablePluginPayload(PluginEnablementPayload):
    pass


EnablePluginResult = Annotated[EnablePluginPayload | UserError,
                               strawberry.union("EnablePluginResult")]
DisablePluginResult = Annotated[DisablePluginPayload | UserError,
                                strawberry.union("DisablePluginResult")]


async def _set_plugin(info: Info, data: PluginEnablementInput, enabled: bool) -> Any:
    ctx = info.context
    plugin = (data.plugin or "").strip()

    async def work(access: Access) -> tuple[NodeInfo, list[NodeInfo]]:
        if plugin not in ctx.state.registry.names:
            raise ApiError.invalid("plugin", f"未知的插件 {plugin}", f"unknown plugin {plugin}")
        node = await _node_below(access, data.node_id, "nodeId")
        _require(access, "plugins.manage", node)
        return node, await change_plugin(node, plugin, enabled, access.principal.account_id)

    def audit(done: tuple[NodeInfo, list[NodeInfo]]) -> Audit:
        node, newly = done
        return Audit("plugins.enable" if enabled else "plugins.disable", "Tenant", node.id,
                     {"plugin": plugin, "node": node.code,
                      "newly_enabled": [t.code for t in newly]})

    async def after(done: tuple[NodeInfo, list[NodeInfo]]) -> None:
        await fire_tenant_enabled(ctx.state.db, ctx.state.registry, plugin, done[1])

    payload = EnablePluginPayload if enabled else DisablePluginPayload
    return await run_mutation(info, work, lambda done: payload(
        node=Tenant.from_info(done[0]), plugin=plugin, enabled=enabled,
        newly_enabled=[Tenant.from_info(t) for t in done[1]]), audit=audit, after=after)


@strawberry.mutation(description="在节点及其下级启用插件 / enable a plugin at a node and below")
async def enable_plugin(info: Info, input: PluginEnablementInput
                        ) -> EnablePluginResult:
    result: EnablePluginPayload | UserError = await _set_plugin(info, input, True)
    return result


@strawberry.mutation(description="在节点及其下级停用插件 / disable a plugin at a node and below")
async def disable_plugin(info: Info, input: PluginEnablementInput
                         ) -> DisablePluginResult:
    result: DisablePluginPayload | UserError = await _set_plugin(info, input, False)
    return result


def types() -> list[type]:
    return [CreateTenantNodePayload, MoveTenantNodePayload, EnablePluginPayload,
            DisablePluginPayload]


def query_fields() -> list[Any]:
    return [tenant_tree]


def mutation_fields() -> list[Any]:
    return [create_tenant_node, move_tenant_node, enable_plugin, disable_plugin]
