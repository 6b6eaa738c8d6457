"""GraphQL types of identity: session tokens, API keys, memberships, permission checks."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from core.identity.apikeys import ApiKeyInfo
from core.identity.places import PLACE_KINDS
from core.identity.service import MembershipInfo
from core.schema.base import Tenant
from core.schema.errors import UserError
from core.schema.relay import encode_global_id
from tenants.service import NodeInfo

__all__ = [
    "ApiKey",
    "AuthPayload",
    "CreateApiKeyPayload",
    "CreateApiKeyResult",
    "GrantMembershipPayload",
    "GrantMembershipResult",
    "LoginPayload",
    "LoginResult",
    "LogoutPayload",
    "LogoutResult",
    "Membership",
    "PermissionCheck",
    "RefreshTokenPayload",
    "RefreshTokenResult",
    "RevokeApiKeyPayload",
    "RevokeApiKeyResult",
    "RevokeMembershipPayload",
    "RevokeMembershipResult",
]


@strawberry.type(description="登录会话的令牌 / the tokens of a session")
class AuthPayload:
    account_id: strawberry.ID
    access_token: str = strawberry.field(
        description="访问令牌（≤15分钟），用于 Authorization: Bearer / access token (≤ 15 min)")
    access_token_expires_at: datetime
    refresh_token: str = strawberry.field(
        description="刷新令牌，每次使用后轮换 / refresh token, rotated on every use")
    refresh_token_expires_at: datetime


@strawberry.type(description="登录成功：新会话的令牌 / logged in: the new session's tokens")
class LoginPayload(AuthPayload):
    pass


@strawberry.type(description="轮换后的令牌 / the rotated tokens")
class RefreshTokenPayload(AuthPayload):
    pass


@strawberry.type(description="已退出登录 / logged out")
class LogoutPayload:
    logged_out: bool


@strawberry.type(description="API 密钥（不含密钥本身）/ an API key, without its secret")
class ApiKey:
    id: strawberry.ID
    prefix: str
    name: str
    node: Tenant
    permissions: list[str]
    object_kind: str | None
    object_id: strawberry.ID | None = strawberry.field(
        description="绑定对象的全局ID / the bound object's global id")
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def from_info(cls, info: ApiKeyInfo, node: NodeInfo) -> ApiKey:
        return cls(id=encode_global_id("ApiKey", info.id), prefix=info.prefix, name=info.name,
                   node=Tenant.from_info(node), permissions=list(info.permissions),
                   object_kind=info.object_kind,
                   object_id=(encode_global_id(info.object_type, info.object_id)
                              if info.object_type and info.object_id else None),
                   created_at=info.created_at, revoked_at=info.revoked_at)


@strawberry.type(description="新建的 API 密钥 / a new API key")
class CreateApiKeyPayload:
    api_key: ApiKey
    secret: str = strawberry.field(
        description="完整密钥，仅此一次返回 / the full key, returned only this once")


@strawberry.type(description="已吊销的 API 密钥 / a revoked API key")
class RevokeApiKeyPayload:
    api_key: ApiKey


@strawberry.type(description="成员身份（账号、节点或地点、角色）/ a membership")
class Membership:
    id: strawberry.ID
    account_id: strawberry.ID
    role: str
    node: Tenant
    place_kind: str | None
    place_id: strawberry.ID | None

    @classmethod
    def from_info(cls, info: MembershipInfo, node: NodeInfo) -> Membership:
        place = (encode_global_id(PLACE_KINDS[info.place_kind], info.place_id)
                 if info.place_kind and info.place_id else None)
        return cls(id=encode_global_id("Membership", info.id),
                   account_id=encode_global_id("Account", info.account_id), role=info.role,
                   node=Tenant.from_info(node), place_kind=info.place_kind, place_id=place)


@strawberry.type(description="已授予的角色 / a granted membership")
class GrantMembershipPayload:
    membership: Membership


@strawberry.type(description="已收回的角色 / a revoked membership")
class RevokeMembershipPayload:
    membership: Membership


@strawberry.type(description="权限检查结果及原因 / whether a permission is held, and why not")
class PermissionCheck:
    permission: str
    allowed: bool
    reason_zh: str
    reason_en: str


LoginResult = Annotated[LoginPayload | UserError, strawberry.union("LoginResult")]
RefreshTokenResult = Annotated[RefreshTokenPayload | UserError, strawberry.union("RefreshTokenResult")]
LogoutResult = Annotated[LogoutPayload | UserError, strawberry.union("LogoutResult")]
CreateApiKeyResult = Annotated[CreateApiKeyPayload | UserError, strawberry.union("CreateApiKeyResult")]
RevokeApiKeyResult = Annotated[RevokeApiKeyPayload | UserError, strawberry.union("RevokeApiKeyResult")]
GrantMembershipResult = Annotated[GrantMembershipPayload | UserError,
                                  strawberry.union("GrantMembershipResult")]
RevokeMembershipResult = Annotated[RevokeMembershipPayload | UserError,
                                   strawberry.union("RevokeMembershipResult")]
