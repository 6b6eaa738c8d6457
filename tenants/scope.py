"""The Scope: which nodes a unit of work may read, and the one node it may write."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["Scope", "UnscopedAccessError", "current_scope", "use_scope"]


class UnscopedAccessError(RuntimeError):
    """A tenant-owned table was touched without a scope (a programming error)."""


@dataclass(frozen=True)
class Scope:
    """What one request or job may see and change.

    ``read_nodes``: nodes whose rows may be read. ``shared_nodes``: ancestor regions whose rows
    are readable only in tables declared *shared downward*. ``write_node``: the single node rows
    may be written for (``None`` for read-only work such as a region official's roll-ups).
    """

    read_nodes: frozenset[int]
    write_node: int | None = None
    shared_nodes: frozenset[int] = frozenset()
    acting_node: int | None = None
    account_id: int | None = None
    label: str = field(default="request", compare=False)

    @classmethod
    def for_node(cls, node_id: int, *, ancestors: frozenset[int] = frozenset(),
                 account_id: int | None = None, writable: bool = True,
                 extra_read: frozenset[int] = frozenset()) -> Scope:
        return cls(
            read_nodes=frozenset({node_id}) | extra_read,
            write_node=node_id if writable else None,
            shared_nodes=ancestors,
            acting_node=node_id,
            account_id=account_id,
        )

    def read_ids(self, shared_downward: bool) -> list[int]:
        ids = set(self.read_nodes)
        if shared_downward:
            ids |= self.shared_nodes
        return sorted(ids)


_current: ContextVar[Scope | None] = ContextVar("linli_scope", default=None)


def current_scope() -> Scope:
    scope = _current.get()
    if scope is None:
        raise UnscopedAccessError(
            "访问租户数据前必须设置范围 / a tenant-owned table was queried without a scope"
        )
    return scope


def use_scope(scope: Scope | None) -> object:
    """Set the scope for the current context; returns a token for ``reset_scope``."""
    return _current.set(scope)


def reset_scope(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def peek_scope() -> Scope | None:
    return _current.get()
