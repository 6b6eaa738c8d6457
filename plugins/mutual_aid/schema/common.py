"""What the resolvers share: a read helper, global ids, the public (anonymous) read of a
board. Resolvers translate; every decision is the services'."""

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

__all__ = ["gid", "pk", "public_read", "read"]

T = TypeVar("T")

pk = pk_of


def gid(type_name: str, ident: Any) -> strawberry.ID | None:
    return None if ident is None else encode_global_id(type_name, int(ident))


async def read(info: Info, work: Callable[[Access], Awaitable[T]]) -> T:
    async with info.context.read() as access:
        return await work(access)
