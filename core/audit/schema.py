"""GraphQL: ``auditTrail`` — a tenant admin reads the trail of the acting node (``audit.read``)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from core.audit import service as audit
from core.audit.chain import verify_tenant
from core.identity.tables import Account
from core.schema.connection import Connection, check_first, decode_cursor, make_connection
from core.schema.context import Info
from core.schema.relay import encode_global_id

__all__ = ["AuditEntryType", "query_fields", "types"]


@strawberry.type(name="AuditEntry", description="审计记录 / one audit-trail entry")
class AuditEntryType:
    seq: int | None = strawberry.field(
        description="在本单位链中的序号，链接前为空 / position in the tenant's chain (null until "
                    "chained)")
    hash: str | None = strawberry.field(description="链哈希 / the chain hash (SHA-256)")
    action: str
    object_type: str
    object_id: strawberry.ID | None = strawberry.field(
        description="对象的全局ID（对象类型 + 编号）/ the object's global id")
    summary: JSON = strawberry.field(description="变更摘要（含 before/after）/ what changed")
    request_id: str = strawberry.field(description="服务器生成的请求ID / the server's request id")
    client_request_id: str = strawberry.field(
        description="客户端自带的 X-Request-ID（仅供对照）/ the client's own X-Request-ID, kept "
                    "beside ours")
    actor: str = strawberry.field(
        description="操作者：account:<id>、api_key:<id> 或 system / who acted")
    at: datetime = strawberry.field(name="createdAt",
                                    description="记录时间 / when it was recorded")
    account_id: strawberry.ID | None = strawberry.field(description="操作账号 / the acting account")
    api_key_id: strawberry.ID | None = strawberry.field(
        description="操作的 API 密钥 / the acting API key")
    _account: strawberry.Private[int | None]

    @strawberry.field(description="已链接 / whether the entry is in the hash chain yet")
    def chained(self) -> bool:
        return self.seq is not None

    @strawberry.field(description="操作账号的显示名 / the acting account's display name")
    async def account_name(self, info: Info) -> str | None:
        if self._account is None:
            return None
        name: str | None = await info.context.loader(
            "audit.account_names", _account_names(info)).load(self._account)
        return name


def _account_names(info: Info) -> Any:
    async def load(ids: list[int]) -> list[str | None]:

        async with info.context.state.db.transaction(write=False):
            rows = await Account.select(Account.id, Account.display_name).where(
                Account.id.is_in(ids))
        names = {int(r["id"]): r["display_name"] for r in rows}
        return [names.get(i) for i in ids]
    return load


def _object_gid(object_type: str, object_id: Any) -> strawberry.ID | None:
    """Audit rows keep the type name and primary key; the API speaks global ids."""
    raw = str(object_id or "")
    if not raw.isdigit() or not object_type:
        return None
    return encode_global_id(object_type, int(raw))


def _build(row: dict[str, Any]) -> AuditEntryType:
    try:
        summary = json.loads(row["summary"] or "{}")
    except ValueError:
        summary = {"text": row["summary"]}
    account = row["account_id"]
    return AuditEntryType(
        seq=row["seq"], hash=row["hash"], action=row["action"], object_type=row["object_type"],
        object_id=_object_gid(row["object_type"], row["object_id"]), summary=summary, request_id=row["request_id"], at=row["at"],
        client_request_id=row.get("client_request_id") or "", actor=row.get("actor") or "",
        account_id=encode_global_id("Account", account) if account is not None else None,
        api_key_id=(encode_global_id("ApiKey", row["api_key_id"])
                    if row.get("api_key_id") is not None else None),
        _account=account)


@strawberry.field(description="本单位的审计记录，最新在前 / the acting node's audit trail, newest "
                              "first (audit.read)")
async def audit_trail(info: Info, first: int, after: str | None = None,
                      action: str | None = None,
                      object_type: str | None = None) -> Connection[AuditEntryType]:
    first = check_first(first)
    before = decode_cursor(after)
    ctx = info.context
    await ctx.require("audit.read")
    async with ctx.read() as access:
        rows = await audit.trail_page(access.node_id, first, before, action=action,
                                      object_type=object_type)
    return make_connection(rows, first, _build)


@strawberry.type(name="AuditChainStatus", description="审计哈希链的校验结果 / the audit hash chain, "
                                                   "recomputed")
class AuditChainStatus:
    ok: bool = strawberry.field(description="链完整 / the chain is intact")
    checked: int = strawberry.field(description="已校验的记录数 / entries recomputed")
    last_seq: int = strawberry.field(description="校验到的最后序号 / the last good seq")
    broken_seq: int | None = strawberry.field(description="首个不符的序号 / the first bad seq")
    problem: str


@strawberry.field(description="重新计算本单位的审计哈希链（需 audit.read）/ recompute the acting "
                              "node's audit hash chain (audit.read)")
async def audit_chain_status(info: Info) -> AuditChainStatus:

    ctx = info.context
    access = await ctx.require("audit.read")
    report = await verify_tenant(ctx.state.db, access.node_id)
    return AuditChainStatus(ok=report.ok, checked=report.checked, last_seq=report.last_seq,
                            broken_seq=report.broken_seq, problem=report.problem)


def types() -> list[Any]:
    return [AuditEntryType, AuditChainStatus]


def query_fields() -> list[Any]:
    return [audit_trail, audit_chain_status]
