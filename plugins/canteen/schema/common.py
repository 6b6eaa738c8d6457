"""What the plugin's resolvers share: reads, global ids, per-request loaders and the public
(anonymous) read of a canteen's menu. Resolvers translate; every decision is the services'."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from core.plugin import (
    Access,
    Info,
    encode_global_id,
    pk_of,
    public_read,
)

__all__ = ["gid", "pk", "public_read", "read", "required_pk"]

T = TypeVar("T")

pk = pk_of


def required_pk(value: strawberry.ID, type_name: str, field: str) -> int:
    ident = pk_of(value, type_name, field)
    assert ident is not None
    return ident


def gid(type_name: str, ident: Any) -> strawberry.ID:
    return encode_global_id(type_name, int(ident))


async def read(info: Info, work: Callable[[Access], Awaitable[T]]) -> T:
    """Run ``work(access)`` in a short read transaction; refusals become query errors."""
    async with info.context.read() as access:
        return await work(access)
