"""排行公开同意 Ranking consent: a resident appears by name on rankings, and at all on the
public ranking, only after agreeing (default: not). One row per resident (a unique key); every
change is audited with who made it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.plugin import ApiError, current_scope, get_resident, record
from plugins.points_market.tables import RankingConsent

__all__ = ["consenting", "consenting_query", "get_consent", "set_consent"]


async def set_consent(resident_id: int, consented: bool, *, account_id: int | None
                      ) -> dict[str, Any]:
    """Record the resident's choice (an upsert on the unique key)."""
    if await get_resident(resident_id) is None:
        raise ApiError.not_found("居民", "resident", "residentId")
    now = datetime.now(UTC)
    await RankingConsent.insert(RankingConsent(
        tenant_id=current_scope().write_node, resident_id=resident_id, consented=consented,
        changed_by=account_id, changed_at=now)).on_conflict(action="DO NOTHING")
    await RankingConsent.update({RankingConsent.consented: consented,
                                 RankingConsent.changed_by: account_id,
                                 RankingConsent.changed_at: now}).where(
        RankingConsent.resident_id == resident_id)
    await record("points_market.consent.set", account_id=account_id,
                 object_type="Resident", object_id=resident_id,
                 summary={"consented": consented})
    return await get_consent(resident_id)


async def get_consent(resident_id: int) -> dict[str, Any]:
    row = await RankingConsent.select().where(RankingConsent.resident_id == resident_id).first()
    return dict(row) if row else {"resident_id": resident_id, "consented": False,
                                  "changed_at": None}


async def consenting(resident_ids: list[int]) -> set[int]:
    """Those of ``resident_ids`` who agreed (one statement)."""
    if not resident_ids:
        return set()
    rows = await RankingConsent.select(RankingConsent.resident_id).where(
        RankingConsent.resident_id.is_in(resident_ids) & RankingConsent.consented.eq(True))
    return {int(r["resident_id"]) for r in rows}


def consenting_query() -> Any:
    """A sub-select of the resident ids that agreed (to filter a ranking in SQL)."""
    return RankingConsent.select(RankingConsent.resident_id).where(
        RankingConsent.consented.eq(True))
