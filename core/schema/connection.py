"""Relay connections: ``first`` (required, 1–100) and ``after``, keyset-paginated by id."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from core.ids import b64_text
from core.schema.errors import ApiError, ErrorCode

__all__ = ["Connection", "Edge", "PageInfo", "check_first", "decode_cursor", "make_connection"]

T = TypeVar("T")
MAX_FIRST = 100


@strawberry.type(description="分页信息 / page info")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field(description="本页节点 / the nodes of this page")
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]


def encode_cursor(pk: int) -> str:
    return b64_text(f"c:{pk}".encode() if pk.__class__ is not int else b"c:%d" % pk)


def decode_cursor(cursor: str | None) -> int:
    """The id after which the page starts (0 for none); malformed is ``INVALID_ARGUMENT``."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        tag, _, pk = raw.partition(":")
        value = int(pk)
        if tag != "c" or value < 0 or value > 2**31 - 1:
            raise ValueError
        return value
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "无效的分页游标", "malformed cursor",
                       "after") from exc


def check_first(first: int) -> int:
    if not 1 <= first <= MAX_FIRST:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, f"first 必须在 1 到 {MAX_FIRST} 之间",
                       f"first must be between 1 and {MAX_FIRST}", "first")
    return first


def _row_id(row: Any) -> int:
    return int(row["id"])


class _PageEdge(Edge[Any]):
    """An edge of :func:`make_connection`: its cursor encoded when it is read (a page asked for
    ``edges { node { … } }`` and ``pageInfo { endCursor }`` reads one of them, not one per
    row). Otherwise an :class:`Edge` (``==`` compares it with other page edges)."""

    @property  # read-only: an edge's cursor is never set
    def cursor(self) -> str:  # type: ignore[override]
        return encode_cursor(self._key(self._row))  # type: ignore[attr-defined]


_new_edge = object.__new__


def make_connection(rows: Sequence[Any], first: int, build: Callable[[Any], Any],
                    pk: Callable[[Any], int] | None = None) -> Connection[Any]:
    """``rows`` were fetched with ``limit first + 1`` ordered by id; ``pk``: a row's id for
    its cursor (default ``int(row["id"])``)."""
    key = pk or _row_id
    edges: list[Edge[Any]] = []
    for row in rows[:first]:
        edge = _new_edge(_PageEdge)
        edge.__dict__ = {"node": build(row), "_row": row, "_key": key}
        edges.append(edge)
    return Connection(edges=edges, page_info=PageInfo(
        has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None))
