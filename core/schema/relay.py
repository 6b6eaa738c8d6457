"""Relay global ids and the ``Node`` interface; types register how to load themselves."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from core.db import MAX_PK
from core.ids import global_id
from core.schema.errors import ApiError, ErrorCode

__all__ = ["Node", "decode_global_id", "encode_global_id", "node_resolvers", "pk_of",
           "register_node"]


@strawberry.interface(description="Relay 节点 / an object with a global id")
class Node:
    id: strawberry.ID = strawberry.field(description="全局ID / global id")


def encode_global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(global_id(type_name, pk))


def decode_global_id(gid: str, expect: str | None = None, field: str = "id") -> tuple[str, int]:
    """``(type_name, pk)``; a malformed id or one of another type is ``INVALID_ARGUMENT`` on
    the input ``field``; an id past the key range is ``NOT_FOUND``."""
    try:
        raw = base64.urlsafe_b64decode(gid + "=" * (-len(gid) % 4)).decode()
        type_name, _, pk = raw.partition(":")
        value = int(pk)
        if not type_name or value < 1 or value > 2**62:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "无效的ID", "malformed id", field) from exc
    if value > MAX_PK:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到对象", "object not found", field)
    if expect is not None and type_name != expect:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, f"ID 类型应为 {expect}",
                       f"the id is not a {expect}", field)
    return type_name, value


def pk_of(gid: str | None, type_name: str, field: str) -> int | None:
    """The primary key of an optional global id of ``type_name`` (errors name ``field``)."""
    return None if gid is None else decode_global_id(gid, type_name, field)[1]


NodeLoader = Callable[[Any, int], Awaitable[Any]]
node_resolvers: dict[str, NodeLoader] = {}


def register_node(type_name: str, loader: NodeLoader) -> None:
    """Let ``node(id:)`` load ``type_name``; ``loader(info, pk)`` returns the object or None."""
    node_resolvers[type_name] = loader


async def resolve_node(info: Any, gid: str) -> Any:
    type_name, pk = decode_global_id(gid)
    loader = node_resolvers.get(type_name)
    obj = await loader(info, pk) if loader else None
    if obj is None:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到对象", "object not found", "id")
    return obj
