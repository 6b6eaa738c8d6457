"""What the resolvers share: a read helper, global ids, the public (anonymous) read of a
board. Resolvers translate; every decision is the services'."""

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
    public_scope,
)

__all__ = ["gid", "pk", "public_read", "read"]

T = TypeVar("T")

pk = pk_of


def gid(type_name: str, ident: Any) -> strawberry.ID | None:
    return None if ident is None else encode_global_id(type_name, int(ident))


async def read(info: Info, work: Callable[[Access], Awaitable[T]]) -> T:
    async with info.context.read() as access:
        return await work(access)


async def _public_node(ctx: Any) -> NodeInfo:
    async def load(codes: list[str]) -> list[NodeInfo | None]:
        async with ctx.state.db.transaction(write=False):
            return [await get_node_by_code(c) for c in codes]

    code = (ctx.node_code or "").strip()
    node = await ctx.loader("mutual_aid.public_node", load).load(code) if code else None
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
