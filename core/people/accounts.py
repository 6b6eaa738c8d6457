"""People and accounts meet: link a login to the resident it belongs to, and list a tenant's
accounts, staff and grid workers (keyset pages, one statement per page or batch).

Accounts span tenants (identity tables are not scoped); a link names the resident and its
tenant (``Account.resident_id`` + ``resident_tenant_id``). A resident has at most one linked
account and an account at most one resident. Call these inside a scoped transaction of the
resident's tenant (the resident is looked up through the scoped layer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.columns.combination import WhereRaw

from core.errors import ApiError, ErrorCode
from core.identity.service import MembershipInfo
from core.identity.tables import Account, Membership
from core.people.tables import Resident

__all__ = [
    "AccountRec",
    "accounts_by_ids",
    "link_resident",
    "list_accounts",
    "list_memberships",
    "memberships_of_accounts",
]


@dataclass(frozen=True)
class AccountRec:
    """账号 An account as a tenant's administrators see it (no password, no phone)."""

    id: int
    username: str | None
    display_name: str
    is_active: bool
    resident_id: int | None
    resident_tenant_id: int | None
    created_at: datetime


_COLUMNS = (Account.id, Account.username, Account.display_name, Account.is_active,
            Account.resident_id, Account.resident_tenant_id, Account.created_at)


def _rec(row: dict[str, Any]) -> AccountRec:
    return AccountRec(id=int(row["id"]), username=row["username"],
                      display_name=row["display_name"] or "", is_active=bool(row["is_active"]),
                      resident_id=row["resident_id"], resident_tenant_id=row["resident_tenant_id"],
                      created_at=row["created_at"])


def _membership(row: dict[str, Any]) -> MembershipInfo:
    return MembershipInfo(id=int(row["id"]), account_id=int(row["account_id"]),
                          node_id=int(row["node_id"]), role=str(row["role"]),
                          place_kind=row["place_kind"], place_id=row["place_id"])


async def link_resident(account_id: int, resident_id: int | None, tenant_id: int
                        ) -> tuple[AccountRec, int | None]:
    """关联居民 Link the account to a resident of ``tenant_id`` (``None`` unlinks); returns the
    account after the change and the resident it was linked to before. A resident already
    linked to another account is ``CONFLICT``; an unknown account or resident ``NOT_FOUND``."""
    row = await Account.select(*_COLUMNS).where(Account.id == account_id).first()
    if row is None:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该账号", "account not found", "accountId")
    before = row["resident_id"]
    if before is not None and row["resident_tenant_id"] not in (None, tenant_id):
        raise ApiError(ErrorCode.CONFLICT, "该账号已关联其他街镇的居民",
                       "the account is linked to a resident of another tenant", "accountId")
    if resident_id is not None:
        if not await Resident.exists().where(Resident.id == resident_id):
            raise ApiError(ErrorCode.NOT_FOUND, "未找到该居民", "resident not found",
                           "residentId")
        holder = await Account.select(Account.id).where(
            (Account.resident_id == resident_id) & (Account.resident_tenant_id == tenant_id)
            & (Account.id != account_id)).first()
        if holder is not None:
            raise ApiError(ErrorCode.CONFLICT, "该居民已关联另一个账号",
                           "the resident is linked to another account", "residentId")
    await Account.update({Account.resident_id: resident_id,
                          Account.resident_tenant_id: None if resident_id is None else tenant_id}
                         ).where(Account.id == account_id)
    after = await Account.select(*_COLUMNS).where(Account.id == account_id).first()
    assert after is not None
    return _rec(after), before


async def list_memberships(node_id: int, first: int, after: int, *,
                           roles: tuple[str, ...] | None = None,
                           exclude: tuple[str, ...] = ()) -> list[MembershipInfo]:
    """Memberships held at ``node_id`` (of ``roles`` when given), by id after ``after``,
    ``first + 1`` rows (the extra one says there is a next page)."""
    where = (Membership.node_id == node_id) & (Membership.id > after)
    if roles is not None:
        where &= Membership.role.is_in(list(roles) or [""])
    if exclude:
        where &= Membership.role.not_in(list(exclude))
    rows = await Membership.select().where(where).order_by(Membership.id).limit(first + 1)
    return [_membership(r) for r in rows]


def _contains(search: str) -> WhereRaw:
    """Name or username contains ``search``, ignoring case: ``lower(…) LIKE … ESCAPE``, the same
    on both engines (SQLite has no ILIKE and no default escape character), with ``%``, ``_``
    and the escape itself taken literally."""
    pattern = "%" + search.lower().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
    table = Account._meta.tablename
    return WhereRaw(f"(lower({table}.display_name) LIKE {{}} ESCAPE '!' "
                    f"OR lower(coalesce({table}.username, '')) LIKE {{}} ESCAPE '!')",
                    pattern, pattern)


async def list_accounts(node_id: int, first: int, after: int, search: str | None = None
                        ) -> list[AccountRec]:
    """The tenant's accounts: those holding a role at ``node_id`` or linked to one of its
    residents, by id after ``after`` (``first + 1`` rows); with ``search``, only those whose
    display name or username contains it (case ignored). One statement either way."""
    holders = Membership.select(Membership.account_id).where(Membership.node_id == node_id)
    query = Account.select(*_COLUMNS).where(
        (Account.id > after)
        & (Account.id.is_in(holders) | (Account.resident_tenant_id == node_id)))
    if search is not None and search.strip():
        query = query.where(_contains(search.strip()))
    rows = await query.order_by(Account.id).limit(first + 1)
    return [_rec(r) for r in rows]


async def accounts_by_ids(ids: list[int]) -> dict[int, AccountRec]:
    rows = await Account.select(*_COLUMNS).where(Account.id.is_in(sorted(set(ids)) or [-1]))
    return {int(r["id"]): _rec(r) for r in rows}


async def memberships_of_accounts(node_id: int, account_ids: list[int]
                                  ) -> dict[int, list[MembershipInfo]]:
    """Each account's memberships at ``node_id``, in one statement."""
    rows = await Membership.select().where(
        (Membership.node_id == node_id)
        & Membership.account_id.is_in(sorted(set(account_ids)) or [-1])).order_by(Membership.id)
    out: dict[int, list[MembershipInfo]] = {i: [] for i in account_ids}
    for r in rows:
        out.setdefault(int(r["account_id"]), []).append(_membership(r))
    return out
