"""Accounts and memberships as plugins see them, and the permission types.

A plugin keeps the link between an account and *its* objects (this building, that canteen) in
its own tables; what it needs from core is: the account of a resident, whether an account
holds a role at a place, granting and revoking such a role (idempotently), and the accounts
holding a role at a place (to notify them). Nothing here checks the caller's permission:
services decide who may, with :class:`Access` (``ctx.read()``/``ctx.write()`` yield one).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.errors import ApiError, ErrorCode
from core.identity.access import Access, Decision, Grant, PlaceLimit, PlaceRef, Principal
from core.identity.service import MembershipInfo, grant_membership, revoke_membership
from core.identity.tables import Account, Membership
from tenants.scope import current_scope
from tenants.service import NodeInfo

__all__ = [
    "Access",
    "Decision",
    "Grant",
    "MembershipInfo",
    "PlaceLimit",
    "PlaceRef",
    "Principal",
    "account_of_resident",
    "accounts_holding",
    "grant_place_role",
    "holds_role",
    "memberships_of",
    "resident_of_account",
    "revoke_place_role",
    "system_access",
]


def _held(account_id: int | None, node_id: int, role: str, place_kind: str | None,
          place_ids: Iterable[int] | None) -> Any:
    where = (Membership.node_id == node_id) & (Membership.role == role)
    if account_id is not None:
        where &= Membership.account_id == account_id
    if place_kind is None:
        where &= Membership.place_kind.is_null()
    else:
        where &= Membership.place_kind == place_kind
        if place_ids is not None:
            where &= Membership.place_id.is_in(sorted({int(p) for p in place_ids}) or [-1])
    return where


async def account_of_resident(resident_id: int, tenant_id: int) -> int | None:
    """The active account linked to a resident of ``tenant_id`` (the oldest, if several)."""
    row = await Account.select(Account.id).where(
        (Account.resident_id == resident_id) & (Account.is_active == True)
        & ((Account.resident_tenant_id == tenant_id) | Account.resident_tenant_id.is_null())
    ).order_by(Account.id).first()
    return int(row["id"]) if row else None


async def resident_of_account(account_id: int, tenant_id: int) -> int | None:
    """The resident of ``tenant_id`` an account is linked to (``None`` when none): the other
    direction of :func:`account_of_resident`. Links are made by ``linkAccountResident``,
    ``linli account link-resident`` or the residents import's account column."""
    row = await Account.select(Account.resident_id).where(
        (Account.id == account_id) & (Account.resident_tenant_id == tenant_id)).first()
    return None if row is None or row["resident_id"] is None else int(row["resident_id"])


async def memberships_of(account_id: int) -> list[MembershipInfo]:
    """Every membership of an account, by id."""
    rows = await Membership.select().where(Membership.account_id == account_id).order_by(
        Membership.id)
    return [MembershipInfo(id=int(r["id"]), account_id=int(r["account_id"]),
                           node_id=int(r["node_id"]), role=str(r["role"]),
                           place_kind=r["place_kind"], place_id=r["place_id"]) for r in rows]


async def holds_role(account_id: int, node_id: int, role: str, place_kind: str | None = None,
                     place_ids: Iterable[int] | None = None) -> bool:
    """Whether the account holds ``role`` at the node (at one of ``place_ids`` of
    ``place_kind`` when given)."""
    return bool(await Membership.exists().where(
        _held(account_id, node_id, role, place_kind, place_ids)))


async def accounts_holding(node_id: int, role: str, place_kind: str | None = None,
                           place_ids: Iterable[int] | None = None) -> list[int]:
    """Accounts holding ``role`` at the node (at one of ``place_ids``), by id."""
    rows = await Membership.select(Membership.account_id).where(
        _held(None, node_id, role, place_kind, place_ids))
    return sorted({int(r["account_id"]) for r in rows})


async def grant_place_role(account_id: int, node_id: int, role: str,
                           place_kind: str | None = None, place_id: int | None = None) -> None:
    """Give the account ``role`` at the node (at one place); nothing happens when it already
    holds it. This is how a plugin grants a role it declared with ``granted_by``. An unknown account or role, or a place not under the node, is an
    :class:`ApiError` (``NOT_FOUND``/``INVALID_ARGUMENT``)."""
    places = None if place_id is None else [place_id]
    if await holds_role(account_id, node_id, role, place_kind, places):
        return
    await grant_membership(account_id, node_id, role, place_kind, place_id, by_workflow=True)


async def revoke_place_role(account_id: int, node_id: int, role: str,
                            place_kind: str | None = None, place_id: int | None = None) -> int:
    """Take ``role`` at the node (at one place) from the account; returns how many
    memberships went (0 when it held none). Effective on the account's next request."""
    places = None if place_id is None else [place_id]
    rows = await Membership.select(Membership.id).where(
        _held(account_id, node_id, role, place_kind, places))
    for r in rows:
        await revoke_membership(int(r["id"]))
    return len(rows)


def system_access(node: NodeInfo) -> Access:
    """An operator's access at ``node`` in the current scope, for work no person does (demo
    data, seeding): every check passes and audit entries carry no account. Never hand it to a
    request."""
    scope = current_scope()
    if scope.write_node != node.id and node.id not in scope.read_nodes:
        raise ApiError(ErrorCode.FORBIDDEN, "当前范围不含该节点",
                       "the current scope does not cover this node")
    return Access(principal=Principal(account_id=None, name="system", is_operator=True),
                  node_id=node.id, node_path=node.path, scope=scope)
