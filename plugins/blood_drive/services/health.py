"""Reading a donor's health-related records — pre-checks and results — for the donor and
site or station staff only; to anyone else (organisers, work units) the donor's records are
simply not found. A staff member's reading of the answers is an audited reveal."""

from __future__ import annotations

from typing import Any

from core.plugin import Access, ApiError, record
from plugins.blood_drive.services.common import can_see_health
from plugins.blood_drive.services.precheck import open_precheck
from plugins.blood_drive.tables import Donation, Donor, Precheck

__all__ = ["donation_page", "precheck_for", "precheck_page", "reveal_precheck"]


async def _donor(access: Access, donor_id: int) -> dict[str, Any]:
    donor = await Donor.select().where(Donor.id == donor_id).first()
    if donor is None or not can_see_health(access, int(donor["resident_id"])):
        raise ApiError.not_found("献血者", "donor", "donorId")
    return dict(donor)


async def precheck_page(access: Access, donor_id: int, first: int, after: int | None
                        ) -> list[dict[str, Any]]:
    await _donor(access, donor_id)
    query = Precheck.select().where(Precheck.donor_id == donor_id)
    if after:
        query = query.where(Precheck.id > after)
    return list(await query.order_by(Precheck.id).limit(first + 1))


async def donation_page(access: Access, donor_id: int, first: int, after: int | None
                        ) -> list[dict[str, Any]]:
    await _donor(access, donor_id)
    query = Donation.select().where(Donation.donor_id == donor_id)
    if after:
        query = query.where(Donation.id > after)
    return list(await query.order_by(Donation.id).limit(first + 1))


async def precheck_for(access: Access, precheck_id: int) -> dict[str, Any] | None:
    """One pre-check, or None when it is not the caller's to see."""
    row = await Precheck.select().where(Precheck.id == precheck_id).first()
    if row is None:
        return None
    donor = await Donor.select().where(Donor.id == row["donor_id"]).first()
    if donor is None or not can_see_health(access, int(donor["resident_id"])):
        return None
    return dict(row)


async def reveal_precheck(access: Access, precheck_id: int, reason: str
                          ) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The answers of one pre-check for the donor or site/station staff, with a reason,
    audited with the actor (the audit entry holds ids and the reason, never the answers)."""
    row = await precheck_for(access, precheck_id)
    if row is None:
        raise ApiError.not_found("健康征询", "pre-check", "precheckId")
    text = (reason or "").strip()
    if not 2 <= len(text) <= 200:
        raise ApiError.invalid("reason", "请说明查看理由（2–200字）",
                               "give a reason (2–200 characters)")
    await record("blood_drive.precheck.reveal", account_id=access.principal.account_id,
                 object_type="BloodDrivePrecheck", object_id=precheck_id,
                 summary={"reason": text, "donor_id": int(row["donor_id"])})
    answers, reasons = open_precheck(row)
    return row, answers, reasons
