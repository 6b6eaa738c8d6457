"""Core entry points: ``node``, ``tenant`` and ``me``."""

from __future__ import annotations

from typing import Any

import strawberry

from core.declarations import NodeType
from core.identity.places import PLACE_KINDS
from core.schema.context import Info
from core.schema.relay import Node, decode_global_id, encode_global_id, resolve_node
from tenants.service import NodeInfo, _info
from tenants.tables import Node as NodeTable

__all__ = ["Me", "MembershipView", "Tenant", "node_types", "query_fields", "types"]


@strawberry.type(description="区划节点（市、区县、街道、乡镇）/ a node of the tenant tree")
class Tenant(Node):
    code: str = strawberry.field(description="12位区划代码 / 12-digit administrative code")
    name: str
    kind: str = strawberry.field(description="city, district, county, street, town, township")
    _parent_id: strawberry.Private[int | None]

    @classmethod
    def from_info(cls, node: NodeInfo) -> Tenant:
        return cls(id=encode_global_id("Tenant", node.id), code=node.code, name=node.name,
                   kind=node.kind, _parent_id=node.parent_id)

    @strawberry.field(description="本节点启用的插件 / plugins enabled here")
    async def enabled_plugins(self, info: Info) -> list[str]:
        ctx = info.context
        if self.id == encode_global_id("Tenant", (await ctx.access()).node_id):
            return list(await ctx.enabled_plugins())
        _, pk = decode_global_id(self.id)
        node = await _load_node(ctx, pk)
        if node is None:
            return []
        async with ctx.state.db.transaction(write=False):
            return sorted(await ctx.state.registry.enabled_for(node))

    @strawberry.field(description="上级节点 / parent node")
    async def parent(self, info: Info) -> Tenant | None:
        if self._parent_id is None:
            return None
        node = await _load_node(info.context, self._parent_id)
        return Tenant.from_info(node) if node else None


async def _load_node(ctx: Any, pk: int) -> NodeInfo | None:
    async def load(ids: list[int]) -> list[NodeInfo | None]:

        async with ctx.state.db.transaction(write=False):
            rows = await NodeTable.select().where(NodeTable.id.is_in(ids))

        found = {r["id"]: _info(r) for r in rows}
        return [found.get(i) for i in ids]

    return await ctx.loader("tenant_node", load).load(pk)  # type: ignore[no-any-return]


async def _tenant_node(info: Info, pk: int) -> Tenant | None:
    """A node is visible if it is the acting node, below it, or one of its ancestors."""
    access = await info.context.access()
    node = await _load_node(info.context, pk)
    if node is None:
        return None
    if node.path.startswith(access.node_path) or access.node_path.startswith(node.path):
        return Tenant.from_info(node)
    return None


@strawberry.type(description="成员身份 / a membership")
class MembershipView:
    role: str
    node: Tenant
    place_kind: str | None
    place_id: strawberry.ID | None = strawberry.field(
        description="地点的全局ID / the place's global id")


@strawberry.type(description="当前登录者 / the caller")
class Me:
    id: strawberry.ID
    name: str
    is_operator: bool
    memberships: list[MembershipView]


def _place_gid(kind: str | None, pk: int | None) -> strawberry.ID | None:
    if kind is None or pk is None or kind not in PLACE_KINDS:
        return None
    return encode_global_id(PLACE_KINDS[kind], pk)


@strawberry.field(description="按全局ID取对象 / fetch any object by global id")
async def node(info: Info, id: strawberry.ID) -> Node:
    return await resolve_node(info, id)  # type: ignore[no-any-return]


@strawberry.field(description="当前节点（X-Linli-Node）/ the acting node")
async def tenant(info: Info) -> Tenant:
    return Tenant.from_info(await info.context.node())


@strawberry.field(description="当前登录者 / the caller")
async def me(info: Info) -> Me:
    principal = info.context.require_principal()
    nodes = {}
    for g in principal.grants:
        node_info = await _load_node(info.context, g.node_id)
        if node_info:
            nodes[g.node_id] = Tenant.from_info(node_info)
    return Me(
        id=encode_global_id("Account", principal.account_id or 0),
        name=principal.name,
        is_operator=principal.is_operator,
        memberships=[MembershipView(role=g.role, node=nodes[g.node_id], place_kind=g.place_kind,
                                    place_id=_place_gid(g.place_kind, g.place_id))
                     for g in principal.grants if g.node_id in nodes],
    )


def types() -> list[type]:
    return [Tenant]


def query_fields() -> list[Any]:
    return [node, tenant, me]


def node_types() -> list[NodeType]:
    return [NodeType("Tenant", _tenant_node)]
