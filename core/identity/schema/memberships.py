"""Mutations ``grantMembership`` and ``revokeMembership`` (``identity.manage`` at the node)."""

from __future__ import annotations

import strawberry
from core.schema.context import Info

from core.audit import service as audit
from core.identity import service
from core.identity.places import PLACE_KINDS
from core.identity.roles import RoleBook
from core.identity.schema.common import parse_id, require_grantable, target_node
from core.identity.schema.types import (
    GrantMembershipResult,
    Membership,
    MembershipGranted,
    MembershipRevoked,
    RevokeMembershipResult,
)
from core.schema.errors import ApiError, ErrorCode, user_error

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
    try:
        async with ctx.write() as access:
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
            await audit.record("identity.membership_granted",
                               account_id=access.principal.account_id,
                               object_type="Membership", object_id=granted.id,
                               summary={"account": account_id, "node": node.id,
                                        "role": granted.role, "place_kind": granted.place_kind,
                                        "place_id": granted.place_id})
    except ApiError as err:
        return user_error(err)
    return MembershipGranted(membership=Membership.from_info(granted, node))


@strawberry.mutation(description="收回角色，下一次请求即生效 / revoke a membership")
async def revoke_membership(info: Info,
                            input: RevokeMembershipInput) -> RevokeMembershipResult:
    ctx = info.context
    try:
        async with ctx.write() as access:
            found = await service.get_membership(parse_id(input.id, "Membership", "id"))
            if found is None:
                raise ApiError(ErrorCode.NOT_FOUND, "未找到该成员身份", "membership not found", "id")
            node = await target_node(access, found.node_id, "id")
            await service.revoke_membership(found.id)
            await audit.record("identity.membership_revoked",
                               account_id=access.principal.account_id,
                               object_type="Membership", object_id=found.id,
                               summary={"account": found.account_id, "node": found.node_id,
                                        "role": found.role, "place_kind": found.place_kind,
                                        "place_id": found.place_id})
    except ApiError as err:
        return user_error(err)
    return MembershipRevoked(membership=Membership.from_info(found, node))
