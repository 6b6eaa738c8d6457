"""API keys for machine clients (a canteen counter, a reading-room kiosk).

A key is ``lk_<prefix>_<secret>``: the prefix finds the row, only SHA-256 of the secret is
stored, and the secret is shown once at creation. A key is bound to one node, a few listed
permissions and optionally one plugin object (kind + id) that the plugin itself checks.
Revocation is checked on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.errors import ApiError, ErrorCode
from core.identity.access import Grant, Principal
from core.identity.roles import RoleBook
from core.identity.tables import ApiKey
from tenants.tables import Node

__all__ = [
    "API_KEY_ROLE",
    "MAX_PERMISSIONS",
    "ApiKeyInfo",
    "authenticate",
    "check_permissions",
    "create_api_key",
    "get_api_key",
    "revoke_api_key",
    "valid_object_kind",
]

API_KEY_ROLE = "api_key"
MAX_PERMISSIONS = 16
_OBJECT_KIND = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
_RAW = re.compile(r"^lk_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")
BAD_KEY = ("API 密钥无效或已被吊销", "the API key is invalid or revoked")


def valid_object_kind(kind: str) -> bool:
    """Whether ``kind`` has the form of an object kind (``canteen.counter``)."""
    return bool(_OBJECT_KIND.match(kind))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class ApiKeyInfo:
    id: int
    prefix: str
    name: str
    node_id: int
    permissions: tuple[str, ...]
    object_kind: str | None
    object_id: int | None
    created_at: datetime
    revoked_at: datetime | None
    object_type: str | None = None


def _info(row: dict[str, Any]) -> ApiKeyInfo:
    return ApiKeyInfo(id=row["id"], prefix=row["prefix"], name=row["name"], node_id=row["node_id"],
                      permissions=tuple(p for p in row["permissions"].split(",") if p),
                      object_kind=row["object_kind"], object_id=row["object_id"],
                      created_at=row["created_at"], revoked_at=row["revoked_at"],
                      object_type=row.get("object_type"))


def check_permissions(permissions: list[str], rolebook: RoleBook) -> tuple[str, ...]:
    """The distinct, known permission codes (1–16 of them) an API key may hold."""
    wanted = tuple(sorted({p.strip() for p in permissions if p and p.strip()}))
    if not wanted or len(wanted) > MAX_PERMISSIONS:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, f"须列出 1–{MAX_PERMISSIONS} 项权限",
                       f"list 1–{MAX_PERMISSIONS} permissions", "permissions")
    for code in wanted:
        if code not in rolebook.permissions or code == "deployment.operate":
            raise ApiError(ErrorCode.INVALID_ARGUMENT, f"API 密钥不能持有权限 {code}",
                           f"an API key cannot hold permission {code}", "permissions")
    return wanted


async def create_api_key(node_id: int, permissions: list[str], rolebook: RoleBook, *,
                         name: str = "", object_kind: str | None = None,
                         object_id: int | None = None, object_type: str | None = None,
                         created_by: int | None = None) -> tuple[ApiKeyInfo, str]:
    """创建 API 密钥 Returns the key's info and the raw key (shown once, never stored)."""
    perms = check_permissions(permissions, rolebook)
    name = (name or "").strip()
    if len(name) > 100:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "名称不超过100字", "the name is at most 100 "
                       "characters", "name")
    if (object_kind is None) != (object_id is None):
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "对象类型与对象ID须同时给出",
                       "objectKind and objectId go together", "objectId")
    if object_kind is not None and not _OBJECT_KIND.match(object_kind):
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "对象类型格式无效",
                       "objectKind is lower-case letters, digits, _ and .", "objectKind")
    if object_id is not None and not 1 <= object_id <= 2**62:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "对象ID无效", "invalid objectId", "objectId")
    if not await Node.exists().where(Node.id == node_id):
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该节点", "node not found", "node")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    row = ApiKey(prefix=prefix, key_hash=_digest(secret), node_id=node_id, name=name,
                 permissions=",".join(perms), object_kind=object_kind, object_id=object_id,
                 object_type=object_type, created_by=created_by, created_at=datetime.now(UTC))
    await row.save()
    saved = await get_api_key(int(row.id))
    assert saved is not None
    return saved, f"lk_{prefix}_{secret}"


async def get_api_key(key_id: int) -> ApiKeyInfo | None:
    row = await ApiKey.select().where(ApiKey.id == key_id).first()
    return _info(row) if row else None


async def revoke_api_key(key_id: int) -> ApiKeyInfo:
    """吊销 API 密钥 Effective on the next request; revoking twice is harmless."""
    found = await get_api_key(key_id)
    if found is None:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该 API 密钥", "API key not found", "id")
    if found.revoked_at is None:
        await ApiKey.update({ApiKey.revoked_at: datetime.now(UTC)}).where(
            ApiKey.id == key_id)
    return found


async def authenticate(raw_key: str, rolebook: RoleBook) -> Principal:
    """The caller behind an ``X-API-Key``: a grant at the key's node with exactly its
    permissions. A malformed, unknown or revoked key is ``UNAUTHENTICATED``."""
    del rolebook  # the key's own list is the whole grant; kept for a uniform signature
    match = _RAW.match((raw_key or "").strip())
    if match is None:
        raise ApiError(ErrorCode.UNAUTHENTICATED, *BAD_KEY)
    prefix, secret = match.groups()
    row = await ApiKey.select().where(ApiKey.prefix == prefix).first()
    if row is None or row["revoked_at"] is not None or not hmac.compare_digest(
            row["key_hash"], _digest(secret)):
        raise ApiError(ErrorCode.UNAUTHENTICATED, *BAD_KEY)
    node = await Node.select(Node.id, Node.path).where(Node.id == row["node_id"]).first()
    if node is None:
        raise ApiError(ErrorCode.UNAUTHENTICATED, *BAD_KEY)
    info = _info(row)
    grant = Grant(node_id=node["id"], node_path=node["path"], role=API_KEY_ROLE,
                  permissions=frozenset(info.permissions))
    obj = (info.object_kind, info.object_id) if info.object_kind and info.object_id else None
    return Principal(account_id=None, name=f"apikey:{info.name or info.prefix}", grants=(grant,),
                     api_key_id=info.id, api_key_object=obj)
