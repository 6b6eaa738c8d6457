"""What the plugin's resolvers share: a read helper, global ids, names
batched per request, the public (anonymous) read of a board and the tenant a query acts at.
Resolvers translate; every decision is the services'."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import strawberry

from core.plugin import (
    Access,
    ApiError,
    ErrorCode,
    Info,
    NodeInfo,
    encode_global_id,
    get_node_by_code,
    pk_of,
    place_names,
    public_scope,
)
from plugins.building_heads import NAME
from plugins.building_heads.services.common import OWN_RULES

__all__ = ["NAME", "OWN_RULES", "gid", "pk", "place_name", "public_read", "read",
           "rules_of", "tenant_node"]

T = TypeVar("T")
R = TypeVar("R")

pk = pk_of
"""The primary key of an optional global id of a type (errors name the input field)."""


def gid(type_name: str, ident: Any) -> strawberry.ID | None:
    """A global id, or None for a missing key."""
    return None if ident is None else encode_global_id(type_name, int(ident))


def rules_of(info: Info) -> Any:
    """The rule values the plugin reads (its own keys; core's rows, inherited and dated)."""
    return OWN_RULES


async def read(info: Info, work: Callable[[Access], Awaitable[T]]) -> T:
    """Run ``work(access)`` in a short read transaction; refusals become query errors."""
    async with info.context.read() as access:
        return await work(access)


async def place_name(info: Info, kind: str, ident: int | None) -> str | None:
    """A building's, community's or resident's name or a household's room, batched per
    request (one statement per kind however many objects ask)."""
    if ident is None:
        return None
    ctx = info.context

    async def load(keys: list[int]) -> list[str | None]:
        async with ctx.read():
            found = await place_names(kind, keys)
        return [found.get(k) for k in keys]

    name: str | None = await ctx.loader(f"building_heads.name.{kind}", load).load(int(ident))
    return name


async def _public_node(ctx: Any) -> NodeInfo:
    """The node an anonymous request names with X-Linli-Node (cached per request)."""
    async def load(codes: list[str]) -> list[NodeInfo | None]:
        async with ctx.state.db.transaction(write=False):
            return [await get_node_by_code(c) for c in codes]

    code = (ctx.node_code or "").strip()
    if not code:
        raise ApiError(ErrorCode.INVALID_ARGUMENT,
                       "缺少 X-Linli-Node 请求头：未登录查看公示栏时须用它指定街镇",
                       "the X-Linli-Node header is missing: an anonymous board read names the "
                       "tenant with it", "X-Linli-Node")
    node = await ctx.loader("building_heads.public_node", load).load(code) if code else None
    if node is None or node.is_region:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该节点（请用 X-Linli-Node 指定街镇）",
                       "node not found (name the tenant with X-Linli-Node)", "X-Linli-Node")
    return node  # type: ignore[no-any-return]


@asynccontextmanager
async def public_read(ctx: Any) -> AsyncIterator[int]:
    """A read-only scoped transaction for a public board; yields the tenant id. Signed-in
    callers read as themselves; anonymous ones read the node named by X-Linli-Node."""
    if ctx.principal is None and ctx.auth_error is None:
        node = await _public_node(ctx)
        async with ctx.state.db.scoped(public_scope(node)):
            yield int(node.id)
    else:
        async with ctx.read() as access:
            yield int(access.node_id)


async def tenant_node(info: Info) -> NodeInfo:
    """The tenant a query acts at (regions use the region roll-up instead)."""
    node: NodeInfo = await info.context.node()
    if node.is_region:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "请在街镇下查询；区域汇总请用 "
                       "buildingHeadRegionCoverage", "act at a tenant; regions use "
                       "buildingHeadRegionCoverage")
    return node
