"""Mutations ``grantMembership`` and ``revokeMembership`` (``identity.manage`` at the node)."""

from __future__ import annotations

import strawberry

from core.identity import service
from core.identity.access import Access
from core.identity.places import PLACE_KINDS
from core.identity.roles import RoleBook
from core.identity.schema.common import parse_id, require_grantable, target_node
from core.identity.schema.types import (
    GrantMembershipPayload,
    GrantMembershipResult,
    Membership,
    RevokeMembershipPayload,
    RevokeMembershipResult,
)
from core.identity.service import MembershipInfo
from core.identity.tables import Account
from core.identity.tables import Membership as MembershipRow
from core.schema.budget import LIST_BOUND
from core.schema.context import Info
from core.schema.errors import ApiError
from core.schema.mutations import Audit, run_mutation
from core.schema.relay import encode_global_id
from tenants.service import NodeInfo

__all__ = ["grant_membership", "revoke_membership"]


@strawberry.input(description="授予角色 / give an account a role at a node or place")
class GrantMembershipInput:
    account_id: strawberry.ID
    role: str
    node_id: strawberry.ID | None = strawberry.field(
        default=None, description="Tenant 的ID，默认当前节点 / a Tenant id; default the acting node")
    place_kind: str | None = strawberry.field(
        default=None, description="community、grid 或 building / narrow to one place")
    place_id: strawberry.ID | None = None


@strawberry.input(description="收回角色 / remove a membership")
class RevokeMembershipInput:
    id: strawberry.ID


def _place_id(input: GrantMembershipInput, book: RoleBook) -> int | None:
    """The place's primary key; its global id must be of the place kind's type."""
    if input.place_id is None:
        return None
    decl = book.roles.get(input.role)
    kind = input.place_kind or (decl.place_kind if decl else None)
    return parse_id(input.place_id, PLACE_KINDS.get(kind or ""), "placeId")


@strawberry.mutation(description="授予角色 / grant a membership")
async def grant_membership(info: Info,
                           input: GrantMembershipInput) -> GrantMembershipResult:
    ctx = info.context

    async def work(access: Access) -> tuple[MembershipInfo, NodeInfo]:
        account_id = parse_id(input.account_id, "Account", "accountId")
        node_id = (parse_id(input.node_id, "Tenant", "nodeId") if input.node_id
                   else access.node_id)
        node = await target_node(access, node_id, "nodeId")
        book = ctx.state.rolebook
        if input.role in book.roles:
            require_grantable(access, book.permissions_of(input.role), node, "role")
        granted = await service.grant_membership(
            account_id, node.id, input.role, input.place_kind, _place_id(input, book),
            rolebook=book)
        return granted, node

    return await run_mutation(
        info, work, lambda done: GrantMembershipPayload(membership=Membership.from_info(*done)),
        audit=lambda done: _audit("identity.membership_granted", done[0]))


@strawberry.mutation(description="收回角色，下一次请求即生效 / revoke a membership")
async def revoke_membership(info: Info,
                            input: RevokeMembershipInput) -> RevokeMembershipResult:
    async def work(access: Access) -> tuple[MembershipInfo, NodeInfo]:
        found = await service.get_membership(parse_id(input.id, "Membership", "id"))
        if found is None:
            raise ApiError.not_found("该成员身份", "membership", "id")
        node = await target_node(access, found.node_id, "id")
        await service.revoke_membership(found.id)
        return found, node

    return await run_mutation(
        info, work, lambda done: RevokeMembershipPayload(membership=Membership.from_info(*done)),
        audit=lambda done: _audit("identity.membership_revoked", done[0]))


def _audit(action: str, membership: MembershipInfo) -> Audit:
    return Audit(action, "Membership", membership.id,
                 {"account": membership.account_id, "node": membership.node_id,
                  "role": membership.role, "place_kind": membership.place_kind,
                  "place_id": membership.place_id})


@strawberry.type(description="本单位的一位成员（账号与角色）/ a member of the acting node")
class NodeMember:
    membership: Membership
    username: str
    display_name: str
    resident_id: strawberry.ID | None = strawberry.field(
        description="账号关联的居民 / the resident the account is linked to")


@strawberry.field(description="本单位的成员（需 identity.manage），按账号排列，最多200条 / the "
                              "memberships held at the acting node (identity.manage), at most 200",
                  metadata={LIST_BOUND: 200})
async def node_members(info: Info) -> list[NodeMember]:

    ctx = info.context
    access = await ctx.require("identity.manage")
    node = await ctx.node()
    async with ctx.state.db.transaction(write=False):
        rows = await MembershipRow.select().where(MembershipRow.node_id == access.node_id
                                                  ).order_by(MembershipRow.account_id
                                                  ).limit(200)
        ids = sorted({int(r["account_id"]) for r in rows}) or [-1]
        accounts = {int(a["id"]): a for a in await Account.select(
            Account.id, Account.username, Account.display_name, Account.resident_id
        ).where(Account.id.is_in(ids))}
    out = []
    for r in rows:
        account = accounts.get(int(r["account_id"]))
        if account is None:
            continue
        resident = account["resident_id"]
        out.append(NodeMember(
            membership=Membership.from_info(service._info(r), node), username=str(account["username"]),
            display_name=str(account["display_name"] or ""),
            resident_id=encode_global_id("Resident", int(resident)) if resident else None))
    return out
