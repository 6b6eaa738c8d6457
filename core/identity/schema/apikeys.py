"""Mutations ``createApiKey`` and ``revokeApiKey`` (``identity.manage`` at the acting node)."""

from __future__ import annotations

import strawberry
from core.schema.context import Info

from core.audit import service as audit
from core.identity import apikeys
from core.identity.schema.common import parse_id, require_grantable, target_node
from core.identity.schema.types import (
    ApiKey,
    ApiKeyCreated,
    ApiKeyRevoked,
    CreateApiKeyResult,
    RevokeApiKeyResult,
)
from core.schema.errors import ApiError, ErrorCode, user_error

__all__ = ["create_api_key", "revoke_api_key"]


@strawberry.input(description="新建 API 密钥（绑定当前节点）/ a new API key bound to the acting node")
class CreateApiKeyInput:
    permissions: list[str]
    name: str = ""
    object_kind: str | None = strawberry.field(
        default=None, description="插件对象类型，如 canteen.counter / a plugin object kind")
    object_id: strawberry.ID | None = strawberry.field(
        default=None, description="插件对象的ID / the plugin object's id")


@strawberry.input(description="吊销 API 密钥 / revoke an API key")
class RevokeApiKeyInput:
    id: strawberry.ID


def _object_id(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    from core.schema.relay import decode_global_id

    try:
        return decode_global_id(value)[1]
    except ApiError as exc:
        raise ApiError(exc.code, exc.zh, exc.en, "objectId") from exc


@strawberry.mutation(description="新建 API 密钥，密钥仅返回一次 / create an API key (secret shown once)")
async def create_api_key(info: Info, input: CreateApiKeyInput) -> CreateApiKeyResult:
    ctx = info.context
    try:
        async with ctx.write() as access:
            node = await target_node(access, access.node_id, "X-Linli-Node")
            perms = apikeys.check_permissions(input.permissions, ctx.state.rolebook)
            require_grantable(access, perms, node, "permissions")
            key, secret = await apikeys.create_api_key(
                node.id, input.permissions, ctx.state.rolebook, name=input.name,
                object_kind=input.object_kind, object_id=_object_id(input.object_id),
                created_by=access.principal.account_id)
            await audit.record("identity.api_key_created", account_id=access.principal.account_id,
                               object_type="ApiKey", object_id=key.id,
                               summary={"prefix": key.prefix, "name": key.name,
                                        "permissions": list(key.permissions),
                                        "object": [key.object_kind, key.object_id]})
    except ApiError as err:
        return user_error(err)
    return ApiKeyCreated(api_key=ApiKey.from_info(key, node), secret=secret)


@strawberry.mutation(description="吊销 API 密钥，下一次请求即生效 / revoke an API key")
async def revoke_api_key(info: Info, input: RevokeApiKeyInput) -> RevokeApiKeyResult:
    ctx = info.context
    try:
        async with ctx.write() as access:
            key_id = parse_id(input.id, "ApiKey", "id")
            found = await apikeys.get_api_key(key_id)
            if found is None:
                raise ApiError(ErrorCode.NOT_FOUND, "未找到该 API 密钥", "API key not found", "id")
            node = await target_node(access, found.node_id, "id")
            await apikeys.revoke_api_key(key_id)
            key = await apikeys.get_api_key(key_id)
            assert key is not None
            await audit.record("identity.api_key_revoked", account_id=access.principal.account_id,
                               object_type="ApiKey", object_id=key.id,
                               summary={"prefix": key.prefix})
    except ApiError as err:
        return user_error(err)
    return ApiKeyRevoked(api_key=ApiKey.from_info(key, node))
