"""Accounts next to people: ``accounts``, ``staff`` and ``gridWorkers`` (keyset connections,
batched, so a frontend can look up every id it is given) and ``linkAccountResident``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from core.identity.access import Access
from core.identity.places import PLACE_KINDS
from core.identity.service import MembershipInfo
from core.people import accounts
from core.people.schema import loaders
from core.people.schema.types import GridType, build
from core.schema.budget import LIST_BOUND
from core.schema.connection import Connection, check_first, decode_cursor, make_connection
from core.schema.context import Info
from core.schema.errors import ApiError, ErrorCode, UserError
from core.schema.mutations import Audit, run_mutation
from core.schema.relay import encode_global_id, pk_of

__all__ = ["mutation_fields", "query_fields", "types"]

_MANAGE = "identity.manage"


def _gid(type_name: str, pk: int | None) -> strawberry.ID | None:
    return None if pk is None else encode_global_id(type_name, pk)


@strawberry.type(name="Account", description="账号（不含密码与手机号）/ an account, without its "
                                             "password or phone")
class AccountType:
    id: strawberry.ID
    username: str | None
    display_name: str
    is_active: bool
    created_at: datetime
    resident_id: strawberry.ID | None = strawberry.field(
        description="关联的本街镇居民 / the linked resident of this tenant")
    pk: strawberry.Private[int]

    @classmethod
    def of(cls, rec: accounts.AccountRec, tenant_id: int) -> AccountType:
        linked = rec.resident_id if rec.resident_tenant_id in (None, tenant_id) else None
        return cls(id=encode_global_id("Account", rec.id), username=rec.username,
                   display_name=rec.display_name, is_active=rec.is_active,
                   created_at=rec.created_at, resident_id=_gid("Resident", linked), pk=rec.id)

    @strawberry.field(description="在本节点的角色 / roles held at the acting node",
                      metadata={LIST_BOUND: 20})
    async def memberships(self, info: Info) -> list[StaffMember]:
        return [StaffMember.of(m) for m in await _memberships(info, self.pk)]


@strawberry.type(description="工作人员：账号在本节点的一个角色 / a role an account holds here")
class StaffMember:
    id: strawberry.ID = strawberry.field(description="成员身份的全局ID / the membership's id")
    role: str
    place_kind: str | None
    place_id: strawberry.ID | None = strawberry.field(
        description="地点的全局ID / the place's global id")
    info: strawberry.Private[MembershipInfo]

    @classmethod
    def of(cls, m: MembershipInfo) -> StaffMember:
        place = PLACE_KINDS.get(m.place_kind or "")
        return cls(id=encode_global_id("Membership", m.id), role=m.role,
                   place_kind=m.place_kind,
                   place_id=_gid(place, m.place_id) if place else None, info=m)

    @strawberry.field
    async def account(self, info: Info) -> AccountType | None:
        return await _account(info, self.info.account_id)


@strawberry.type(description="网格员及其网格 / a grid worker and the grid they serve")
class GridWorker:
    id: strawberry.ID = strawberry.field(description="成员身份的全局ID / the membership's id")
    info: strawberry.Private[MembershipInfo]

    @strawberry.field
    async def account(self, info: Info) -> AccountType | None:
        return await _account(info, self.info.account_id)

    @strawberry.field
    async def grid(self, info: Info) -> GridType | None:
        if self.info.place_id is None:
            return None
        rec = await loaders.by_id(info.context, "grid", self.info.place_id)
        return None if rec is None else build(rec)


async def _account(info: Info, pk: int) -> AccountType | None:
    ctx = info.context

    async def load(ids: list[int]) -> list[accounts.AccountRec | None]:
        async with ctx.read():
            found = await accounts.accounts_by_ids(ids)
        return [found.get(i) for i in ids]

    rec = await ctx.loader("people:accounts", load).load(pk)
    return None if rec is None else AccountType.of(rec, (await ctx.access()).node_id)


async def _memberships(info: Info, account_id: int) -> list[MembershipInfo]:
    ctx = info.context

    async def load(ids: list[int]) -> list[list[MembershipInfo]]:
        async with ctx.read() as access:
            found = await accounts.memberships_of_accounts(access.node_id, ids)
        return [found.get(i, []) for i in ids]

    return await ctx.loader("people:account_memberships", load).load(  # type: ignore[no-any-return]
        account_id)


@strawberry.field(name="accounts", description="本节点的账号（在此持有角色或关联本街镇居民）/ the accounts of the "
                              "acting node: holding a role here or linked to one of its residents")
async def accounts_(info: Info, first: int, after: str | None = None,
                    search: Annotated[str | None, strawberry.argument(
                        description="姓名或用户名包含的文字（不分大小写）/ text the display name "
                                    "or username contains (case ignored)")] = None
                    ) -> Connection[AccountType]:
    check_first(first)
    start = decode_cursor(after)
    if search is not None and len(search) > 64:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "查找文字不能超过 64 个字符",
                       "the search text is at most 64 characters", "search")
    await info.context.require(_MANAGE)
    async with info.context.read() as access:
        rows = await accounts.list_accounts(access.node_id, first, start, search)
    return make_connection(rows, first, lambda r: AccountType.of(r, access.node_id),
                           pk=lambda r: int(r.id))


@strawberry.field(description="本节点的工作人员（居民角色除外），可按角色筛选 / the staff of the acting "
                              "node (every role but resident), optionally of one role")
async def staff(info: Info, first: int, after: str | None = None,
                role: str | None = None) -> Connection[StaffMember]:
    check_first(first)
    start = decode_cursor(after)
    await info.context.require(_MANAGE)
    async with info.context.read() as access:
        rows = await accounts.list_memberships(
            access.node_id, first, start, roles=None if role is None else (role,),
            exclude=("resident",))
    return make_connection(rows, first, StaffMember.of, pk=lambda m: int(m.id))


@strawberry.field(description="本节点的网格员及其网格 / the grid workers of the acting node, with "
                              "their grids")
async def grid_workers(info: Info, first: int, after: str | None = None
                       ) -> Connection[GridWorker]:
    check_first(first)
    start = decode_cursor(after)
    await info.context.require("people.read")
    async with info.context.read() as access:
        rows = await accounts.list_memberships(access.node_id, first, start,
                                               roles=("grid_worker",))
    return make_connection(rows, first, lambda m: GridWorker(
        id=encode_global_id("Membership", m.id), info=m), pk=lambda m: int(m.id))


@strawberry.input(description="把账号关联到本街镇的一名居民（residentId 为空则解除）/ link an account "
                              "to a resident of the acting tenant (no residentId: unlink)")
class LinkAccountResidentInput:
    account_id: strawberry.ID
    resident_id: strawberry.ID | None = None


@strawberry.type(description="关联后的账号 / the account after the change")
class LinkAccountResidentPayload:
    account: AccountType
    previous_resident_id: strawberry.ID | None = strawberry.field(
        description="此前关联的居民 / the resident linked before")


LinkAccountResidentResult = Annotated[LinkAccountResidentPayload | UserError,
                                      strawberry.union("LinkAccountResidentResult")]


@strawberry.mutation(description="关联账号与居民，记入审计 / link an account to a resident (audited)")
async def link_account_resident(info: Info, input: LinkAccountResidentInput
                                ) -> LinkAccountResidentResult:
    async def work(access: Access) -> tuple[accounts.AccountRec, int | None, int]:
        decision = access.check(_MANAGE)
        if not decision:
            raise ApiError(ErrorCode.FORBIDDEN, decision.reason_zh, decision.reason_en)
        account_id = pk_of(input.account_id, "Account", "accountId") or 0
        resident_id = pk_of(input.resident_id, "Resident", "residentId")
        if not access.principal.is_operator:
            # an administrator links the tenant's own accounts, never any login of the
            # deployment (a link lets that login read the resident's record)
            mine = await accounts.list_accounts(access.node_id, 1, account_id - 1)
            if not mine or mine[0].id != account_id:
                raise ApiError(ErrorCode.NOT_FOUND, "未找到该账号", "account not found",
                               "accountId")
        rec, before = await accounts.link_resident(account_id, resident_id, access.node_id)
        return rec, before, access.node_id

    def audit(done: tuple[accounts.AccountRec, int | None, int]) -> Audit:
        rec, before, _ = done
        return Audit("identity.account_resident_linked", "Account", rec.id,
                     {"before": {"resident_id": before}, "after": {"resident_id": rec.resident_id},
                      "via": "graphql"})

    return await run_mutation(info, work, lambda done: LinkAccountResidentPayload(
        account=AccountType.of(done[0], done[2]),
        previous_resident_id=_gid("Resident", done[1])), audit=audit)


def types() -> list[type]:
    return [AccountType, StaffMember, GridWorker, LinkAccountResidentPayload]


def query_fields() -> list[Any]:
    return [accounts_, staff, grid_workers]


def mutation_fields() -> list[Any]:
    return [link_account_resident]
