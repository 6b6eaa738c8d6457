"""Retention of the audit trail: entries are kept at least six months (183 days).

:func:`purge_tenant` removes the oldest chained entries of one tenant — a prefix of its chain, all
older than the cut-off — and moves the chain's base past them, so ``linli audit verify`` still
checks everything that remains. Asking for less than :data:`MIN_RETENTION_DAYS` is refused, and
unchained entries are never removed. The purge itself is recorded (``audit.purge``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.audit.chain import _lock, _tenant_scope
from core.audit.service import AuditChainHead, AuditEntry, record
from core.db import Database
from core.errors import ApiError

__all__ = ["MIN_RETENTION_DAYS", "check_retention", "purge_tenant"]

MIN_RETENTION_DAYS = 183
"""The documented minimum: no entry younger than this many days is ever deleted."""


def check_retention(days: int) -> None:
    """Refuse (INVALID_ARGUMENT on ``olderThanDays``) a purge of entries younger than the
    minimum retention."""
    if days < MIN_RETENTION_DAYS:
        raise ApiError.invalid(
            "olderThanDays",
            f"审计记录至少保留 {MIN_RETENTION_DAYS} 天，不能删除 {days} 天内的记录",
            f"audit entries are kept at least {MIN_RETENTION_DAYS} days; refusing to delete "
            f"entries younger than {days} days")


async def purge_tenant(db: Database, tenant_id: int, *, older_than_days: int,
                       now: datetime | None = None) -> int:
    """Delete ``tenant_id``'s chained entries older than ``older_than_days`` (≥ 183)."""
    check_retention(older_than_days)
    cutoff = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
    async with db.scoped(_tenant_scope(tenant_id), write=True):
        await _lock(db, tenant_id)
        head = await AuditChainHead.select().first()
        if head is None:
            return 0
        young = await (AuditEntry.select(AuditEntry.seq)
                       .where(AuditEntry.seq.is_not_null() & (AuditEntry.at >= cutoff))
                       .order_by(AuditEntry.seq).first())
        last = (int(young["seq"]) if young else int(head["seq"]) + 1) - 1
        base = int(head["base_seq"])
        if last <= base:
            return 0
        boundary = await AuditEntry.select(AuditEntry.hash).where(AuditEntry.seq == last).first()
        if boundary is None:
            raise RuntimeError(f"audit chain of node {tenant_id} has no seq {last}; "
                               "run `linli audit verify` before purging")
        doomed = (AuditEntry.seq > base) & (AuditEntry.seq <= last)
        count = await AuditEntry.count().where(doomed)
        await AuditEntry.delete().where(doomed)
        await AuditChainHead.update({AuditChainHead.base_seq: last,
                                     AuditChainHead.base_hash: boundary["hash"]}).where(
            AuditChainHead.id == head["id"])
        await record("audit.purge", account_id=None, object_type="AuditChain",
                     object_id=tenant_id, summary={"through_seq": last, "deleted": count,
                                                   "older_than_days": older_than_days})
    return int(count)
