"""Relay global ids and the ``Node`` interface.

How each type loads itself is declared as a ``core.plugin.NodeType`` (core's from its schema
contributors, plugins' through ``linli_node_types``) and gathered, with its owner, into the
schema's :class:`NodeTable` when the schema is built."""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import strawberry

from core.db import MAX_PK
from core.declarations import NodeLoader, NodeType
from core.ids import global_id
from core.schema.errors import ApiError, ErrorCode

__all__ = ["Node", "NodeConflict", "NodeTable", "blank", "decode_global_id", "encode_global_id",
           "pk_of", "resolve_node"]

T = TypeVar("T")


@strawberry.interface(description="Relay 节点 / an object with a global id")
class Node:
    id: strawberry.ID = strawberry.field(description="全局ID / global id")


def encode_global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(global_id(type_name, pk))


def blank(cls: type[T]) -> Callable[[], T]:
    """An empty instance of ``cls``, a strawberry type whose generated ``__init__`` only stores
    its fields (a dataclass, not frozen, no ``__post_init__``, no slots, no default set by
    ``__init__`` on a field it does not take — a resolver's field has none): a page's builder
    gives it every field at once (``obj.__dict__ = {...}``), about a third of the time of the
    ``__init__`` with keywords for 8 fields. TypeError for a class that does not fit."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or params.frozen or hasattr(cls, "__post_init__") \
            or any("__slots__" in vars(k) for k in cls.__mro__[:-1]) \
            or any(not f.init and (f.default is not dataclasses.MISSING
                                   or f.default_factory is not dataclasses.MISSING)
                   for f in dataclasses.fields(cls)):  # type: ignore[arg-type]
        raise TypeError(f"{cls.__name__} is not a plain dataclass")
    return partial(object.__new__, cls)


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


class NodeConflict(RuntimeError):
    """Two owners declared the same node type name."""


@dataclass(frozen=True)
class OwnedNodeType:
    owner: str
    """``core`` or the name of the plugin that declared the type."""
    loader: NodeLoader


class NodeTable:
    """Every loadable node type with its owner (built once per schema)."""

    def __init__(self, declared: Iterable[tuple[str, Any]]) -> None:
        self.types: dict[str, OwnedNodeType] = {}
        for owner, decl in declared:
            if not isinstance(decl, NodeType):
                raise NodeConflict(f"{owner}: linli_node_types must return NodeType objects, "
                                   f"got {decl!r}")
            known = self.types.get(decl.type_name)
            if known is not None:
                raise NodeConflict(f"node type {decl.type_name} is claimed by both "
                                   f"{known.owner} and {owner}")
            self.types[decl.type_name] = OwnedNodeType(owner, decl.loader)

    def owners(self) -> Mapping[str, str]:
        return {name: t.owner for name, t in self.types.items()}


async def resolve_node(info: Any, gid: str) -> Any:
    """``node(id:)``: a plugin's type answers ``PLUGIN_DISABLED`` where the plugin is off for
    the acting tenant (before its loader runs); an unknown type or a None is ``NOT_FOUND``."""
    type_name, pk = decode_global_id(gid)
    table: NodeTable | None = getattr(info.schema, "node_table", None)
    entry = table.types.get(type_name) if table is not None else None
    if entry is None:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到对象", "object not found", "id")
    if entry.owner != "core" and entry.owner not in await info.context.enabled_plugins():
        raise ApiError(ErrorCode.PLUGIN_DISABLED, f"插件 {entry.owner} 未对本单位启用",
                       f"plugin {entry.owner} is not enabled for this tenant", "id")
    obj = await entry.loader(info, pk)
    if obj is None:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到对象", "object not found", "id")
    return obj
