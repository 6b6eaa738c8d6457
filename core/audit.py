"""Audit trail: every mutation and every reveal of personal data appends an entry.

Entries are tenant-owned (the acting node) and append-only. The platform-services work chains
them with hashes; this module keeps the writing side small and in the caller's transaction.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from typing import Any

from piccolo.columns import BigInt, Text, Timestamptz, Varchar

from core.db import ScopedTable

__all__ = ["AuditEntry", "record", "request_id_var"]

request_id_var: ContextVar[str] = ContextVar("linli_request_id", default="")


class AuditEntry(ScopedTable, tablename="linli_audit_entry"):
    """审计记录 One audited action: who, where, what, on which object, before/after."""

    account_id = BigInt(null=True, default=None)
    action = Varchar(length=64, null=False, index=True)
    object_type = Varchar(length=64, default="")
    object_id = Varchar(length=64, default="")
    summary = Text(default="{}")
    request_id = Varchar(length=64, default="")
    at = Timestamptz()


async def record(action: str, *, account_id: int | None, object_type: str = "",
                 object_id: Any = "", summary: dict[str, Any] | None = None) -> None:
    """Append an entry in the current scoped transaction (the acting node owns it)."""
    await AuditEntry.insert(AuditEntry(
        tenant_id=AuditEntry._write_node(),  # the acting node owns the entry
        account_id=account_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=json.dumps(summary or {}, ensure_ascii=False, default=str),
        request_id=request_id_var.get(),
    ))
