"""HTTP downloads of a plugin (``linli_routes``): a file (an .xlsx sheet) for an authenticated
caller, with the same authentication, acting node, plugin switch and permission check as
GraphQL, and an audit entry naming the caller when the file carries personal data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from litestar import Request, Response

from core.audit.service import record
from core.errors import ApiError, ErrorCode
from core.identity.access import Access
from core.language import choose
from core.schema.context import build_context

__all__ = ["XLSX", "Download", "download"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_STATUS = {
    ErrorCode.UNAUTHENTICATED.value: 401,
    ErrorCode.FORBIDDEN.value: 403,
    ErrorCode.PLUGIN_DISABLED.value: 403,
    ErrorCode.NOT_FOUND.value: 404,
    ErrorCode.INVALID_ARGUMENT.value: 400,
    ErrorCode.CONFLICT.value: 409,
    ErrorCode.THROTTLED.value: 429,
}


@dataclass(frozen=True)
class Download:
    """What a download's ``make`` returns: the file's bytes and name, and — when the file holds
    personal data — the audit entry to record (action, object type, object id, summary)."""

    data: bytes
    filename: str
    audit: tuple[str, str, Any, dict[str, Any]] | None = None
    media_type: str = XLSX


def _error(exc: ApiError) -> Response[Any]:
    return Response({"errors": [{"code": exc.code, "message": choose(exc.zh, exc.en),
                                 "field": exc.field}]},
                    status_code=_STATUS.get(exc.code, 400),
                    media_type="application/json")


async def download(request: Request[Any, Any, Any], *, plugin: str, permission: str,
                   make: Callable[[Access], Awaitable[Download]]) -> Response[Any]:
    """Answer a plugin's file download: the caller (``Authorization: Bearer …`` or
    ``X-Api-Key``) acting at the node of ``X-Linli-Node``, the plugin enabled there, holding
    ``permission``; ``make(access)`` runs in one scoped transaction (a write one, so the audit
    entry of a personal-data file commits with the caller as actor). Refusals are JSON
    ``{"errors": [{code, message, field}]}`` with 401/403/404/400; never a 500 for bad input."""
    ctx = await build_context(request)
    try:
        access = await ctx.access()
        if plugin not in await ctx.enabled_plugins():
            raise ApiError(ErrorCode.PLUGIN_DISABLED, "该模块未在此单位启用",
                           "the module is not enabled here")
        decision = access.check(permission)
        if not decision:
            raise ApiError(ErrorCode.FORBIDDEN, decision.reason_zh, decision.reason_en)
        async with ctx.write() as scoped:
            out = await make(scoped)
            if out.audit is not None:
                action, object_type, object_id, summary = out.audit
                await record(action, account_id=scoped.principal.account_id,
                             object_type=object_type, object_id=object_id, summary=summary)
    except ApiError as exc:
        return _error(exc)
    name = quote(out.filename)
    return Response(out.data, media_type=out.media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
