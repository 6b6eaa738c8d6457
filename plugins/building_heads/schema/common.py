"""What the plugin's resolvers share: a read helper, global ids, names
batched per request, the public (anonymous) read of a board and the tenant a query acts at.
Resolvers translate; every decision is the services'."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from core.plugin import (
    Access,
    ApiError,
    ErrorCode,
    Info,
    NodeInfo,
    encode_global_id,
    pk_of,
    place_names,
    public_read,
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


async def tenant_node(info: Info) -> NodeInfo:
    """The tenant a query acts at (regions use the region roll-up instead)."""
    node: NodeInfo = await info.context.node()
    if node.is_region:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "请在街镇下查询；区域汇总请用 "
                       "buildingHeadRegionCoverage", "act at a tenant; regions use "
                       "buildingHeadRegionCoverage")
    return node
