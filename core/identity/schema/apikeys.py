"""Mutations ``createApiKey`` and ``revokeApiKey`` (``identity.manage`` at the acting node)."""

from __future__ import annotations

import strawberry

from core.identity import apikeys
from core.identity.access import Access
from core.identity.apikeys import ApiKeyInfo
from core.identity.schema.common import parse_id, require_grantable, target_node
from core.identity.schema.types import (
    ApiKey,
    CreateApiKeyPayload,
    CreateApiKeyResult,
    RevokeApiKeyPayload,
    RevokeApiKeyResult,
)
from core.schema.context import Info
from core.schema.errors import ApiError, ErrorCode, user_error
from core.schema.mutations import Audit, run_mutation
from core.schema.relay import decode_global_id, resolve_node
from tenants.service import NodeInfo

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


async def _object_id(info: Info, value: str | None) -> tuple[str, int] | None:
    """The id of the object a key is bound to: a global id of an object the caller can load at
    the acting node (another tenant's, or one out of view, is NOT_FOUND — before, any integer
    was taken, another tenant's object's too)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "对象ID须为全局ID（如 node 查询所用）",
                       "objectId must be a global id (as node(id:) takes)", "objectId")
    type_name, pk = decode_global_id(value, None, "objectId")
    try:
        await resolve_node(info, value)
    except ApiError as exc:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该对象", "object not found", "objectId") \
            from exc
    return type_name, pk


@strawberry.mutation(description="新建 API 密钥，密钥仅返回一次 / create an API key (secret shown once)")
async def create_api_key(info: Info, input: CreateApiKeyInput) -> CreateApiKeyResult:
    ctx = info.context
    bound: tuple[str, int] | None = None
    if input.object_kind is not None and not apikeys.valid_object_kind(input.object_kind):
        return user_error(ApiError(ErrorCode.INVALID_ARGUMENT, "对象类型格式无效",
                                   "objectKind is lower-case letters, digits, _ and .",
                                   "objectKind"))
    if input.object_kind is not None:
        try:  # loaded in the caller's own read transactions, before the write one
            bound = await _object_id(info, input.object_id)
        except ApiError as exc:
            return user_error(exc)

    async def work(access: Access) -> tuple[ApiKeyInfo, NodeInfo, str]:
        node = await target_node(access, access.node_id, "X-Linli-Node")
        perms = apikeys.check_permissions(input.permissions, ctx.state.rolebook)
        require_grantable(access, perms, node, "permissions")
        key, secret = await apikeys.create_api_key(
            node.id, input.permissions, ctx.state.rolebook, name=input.name,
            object_kind=input.object_kind, object_id=bound[1] if bound else None,
            object_type=bound[0] if bound else None,
            created_by=access.principal.account_id)
        return key, node, secret

    def audit(done: tuple[ApiKeyInfo, NodeInfo, str]) -> Audit:
        key = done[0]
        return Audit("identity.api_key_created", "ApiKey", key.id,
                     {"prefix": key.prefix, "name": key.name,
                      "permissions": list(key.permissions),
                      "object": [key.object_kind, key.object_id]})

    return await run_mutation(info, work, lambda done: CreateApiKeyPayload(
        api_key=ApiKey.from_info(done[0], done[1]), secret=done[2]), audit=audit)


@strawberry.mutation(description="吊销 API 密钥，下一次请求即生效 / revoke an API key")
async def revoke_api_key(info: Info, input: RevokeApiKeyInput) -> RevokeApiKeyResult:
    async def work(access: Access) -> tuple[ApiKeyInfo, NodeInfo]:
        key_id = parse_id(input.id, "ApiKey", "id")
        found = await apikeys.get_api_key(key_id)
        if found is None:
            raise ApiError.not_found("该 API 密钥", "API key", "id")
        node = await target_node(access, found.node_id, "id")
        await apikeys.revoke_api_key(key_id)
        key = await apikeys.get_api_key(key_id)
        assert key is not None
        return key, node

    return await run_mutation(
        info, work, lambda done: RevokeApiKeyPayload(api_key=ApiKey.from_info(*done)),
        audit=lambda done: Audit("identity.api_key_revoked", "ApiKey", done[0].id,
                                 {"prefix": done[0].prefix}))
