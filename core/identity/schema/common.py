"""Helpers shared by identity's mutations: id parsing, target nodes, grantable permissions."""

from __future__ import annotations

from collections.abc import Iterable

from core.identity.access import Access, PlaceRef
from core.identity.roles import CORE_PERMISSIONS
from core.schema.errors import ApiError
from core.schema.relay import decode_global_id
from core.text import ascii_digits
from tenants.service import NodeInfo, get_node

__all__ = ["MANAGE", "MAX_PK", "parse_id", "require_grantable", "target_node"]

MANAGE = "identity.manage"
MAX_PK = 2**31 - 1
_CORE = frozenset(p.code for p in CORE_PERMISSIONS)


def parse_id(value: str, expect: str | None, field: str) -> int:
    """A global id of type ``expect`` (any type if ``None``), or plain decimal digits → the
    primary key; anything else is ``INVALID_ARGUMENT`` on ``field``."""
    value = (value or "").strip()
    if ascii_digits(value) and 0 < int(value) <= 2**62:
        pk = int(value)
    else:
        pk = decode_global_id(value, expect, field)[1]
    if pk > MAX_PK:  # no such row: primary keys are 32-bit serials on PostgreSQL
        raise ApiError.not_found("对象", "object", field)
    return pk


async def target_node(access: Access, node_id: int, field: str) -> NodeInfo:
    """A node at or below the acting node, where the caller holds ``identity.manage``.
    Anything outside the acting node's scope is answered as not found."""
    node = await get_node(node_id)
    if node is None or node.id not in access.scope.read_nodes:
        raise ApiError.not_found("该节点", "node", field)
    decision = access.check(MANAGE, PlaceRef(node_id=node.id, node_path=node.path))
    if not decision:
        raise ApiError.forbidden(decision.reason_zh, decision.reason_en)
    return node


def require_grantable(access: Access, permissions: Iterable[str], node: NodeInfo,
                      field: str) -> None:
    """Nobody hands out a core permission they lack at that node (no self-promotion).
    Plugin permissions may be handed out by whoever holds ``identity.manage``."""
    place = PlaceRef(node_id=node.id, node_path=node.path)
    lacking = sorted(p for p in permissions if p in _CORE and not access.check(p, place))
    if lacking:
        names = ", ".join(lacking)
        raise ApiError.forbidden(f"不能授予您自己没有的权限：{names}",
                                 f"you cannot hand out permissions you lack: {names}", field)
