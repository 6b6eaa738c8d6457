"""What the plugin's resolvers share: global ids, shared reads (public or signed-in), reads of
the county's private rows for the caller, and the cipher of personal data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import strawberry

from core.plugin import Access, Info, PersonalCipher, encode_global_id, personal_cipher, pk_of
from plugins.reading_rooms.services.common import NetworkRef, as_county, get_network

__all__ = ["cipher", "county_read", "gid", "pk", "required_pk"]

pk = pk_of


def required_pk(value: strawberry.ID, type_name: str, field: str) -> int:
    ident = pk_of(value, type_name, field)
    assert ident is not None
    return ident


def gid(type_name: str, ident: Any) -> strawberry.ID:
    return encode_global_id(type_name, int(ident))


def cipher(info: Info) -> PersonalCipher:
    return personal_cipher(info.context.state)


@asynccontextmanager
async def county_read(info: Info, network_id: int) -> AsyncIterator[tuple[Access, NetworkRef]]:
    """A read of the network's private rows as the caller: the county's staff directly, a
    reader of a tenant below through ``as_region`` (the services then keep to their rows)."""
    async with info.context.read() as access:
        network = await get_network(network_id)
        async with as_county(access, network):
            yield access, network
