"""What the plugin's resolvers share: reads and ids. Resolvers translate; services decide."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry

from core.plugin import Access, Info, pk_of

__all__ = ["pk", "read", "required_pk"]

T = TypeVar("T")

pk = pk_of


def required_pk(value: strawberry.ID, type_name: str, field: str) -> int:
    ident = pk_of(value, type_name, field)
    assert ident is not None
    return ident


async def read(info: Info, work: Callable[[Access], Awaitable[T]]) -> T:
    """Run ``work(access)`` in a short read transaction; refusals become query errors."""
    async with info.context.read() as access:
        return await work(access)
