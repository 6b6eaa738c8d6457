"""Public reads: a notice board read without a login names its tenant with ``X-Linli-Node``.

One helper for every plugin's public page (``core.plugin.public_read``), so the header's
checks and messages are the same everywhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.errors import ApiError, ErrorCode
from core.schema.context import Context
from tenants.scope import Scope
from tenants.service import NodeInfo, get_node_by_code

__all__ = ["public_read"]


async def _public_node(ctx: Context) -> NodeInfo:
    """The tenant an anonymous request names with X-Linli-Node (looked up once per request)."""
    async def load(codes: list[str]) -> list[NodeInfo | None]:
        async with ctx.state.db.transaction(write=False):
            return [await get_node_by_code(c) for c in codes]

    code = (ctx.node_code or "").strip()
    if not code:
        raise ApiError(ErrorCode.INVALID_ARGUMENT,
                       "缺少 X-Linli-Node 请求头：未登录查看公示栏时须用它指定街镇",
                       "the X-Linli-Node header is missing: an anonymous board read names the "
                       "tenant with it", "X-Linli-Node")
    node: NodeInfo | None = await ctx.loader("core.public_node", load).load(code)
    if node is None or node.is_region:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该节点（请用 X-Linli-Node 指定街镇）",
                       "node not found (name the tenant with X-Linli-Node)", "X-Linli-Node")
    return node


@asynccontextmanager
async def public_read(ctx: Context) -> AsyncIterator[int]:
    """A read-only scoped transaction for a public page; yields the tenant id. Signed-in
    callers read as themselves; anonymous ones read the tenant named by X-Linli-Node: its own
    rows and its ancestors' shared-downward rows, never a write."""
    if ctx.principal is None and ctx.auth_error is None:
        node = await _public_node(ctx)
        scope = Scope.for_node(node.id, ancestors=node.ancestor_ids, writable=False)
        async with ctx.state.db.scoped(scope):
            yield int(node.id)
    else:
        async with ctx.read() as access:
            yield int(access.node_id)
