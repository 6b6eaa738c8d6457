"""我的献血 The caller's own donor record in the acting tenant (an account linked to the
resident, ``core.plugin.resident_of_account``) and what hangs off it for the donor: results,
bookings, the next day the donation intervals allow. Never anyone else's record, so organisers
reach no health data through it."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.plugin import Access, today_shanghai
from plugins.blood_drive.services.common import node_of, rule_values
from plugins.blood_drive.services.precheck import history_of, waits_of
from plugins.blood_drive.tables import Booking, Donation, Donor

__all__ = ["MINE_LIMIT", "my_bookings", "my_donations", "my_donor", "next_eligible_on"]

MINE_LIMIT = 50
"""At most this many of the donor's own results or bookings, newest first."""


async def my_donor(access: Access) -> dict[str, Any] | None:
    """The donor row of the caller's linked resident here (never a visiting row), or None."""
    resident = access.principal.resident_id
    if resident is None:
        return None
    row = await Donor.select().where((Donor.resident_id == int(resident))
                                     & Donor.home_tenant_id.is_null()).first()
    return dict(row) if row else None


async def my_donations(donor_id: int) -> list[dict[str, Any]]:
    return list(await Donation.select().where(Donation.donor_id == donor_id).order_by(
        Donation.donated_on, ascending=False).order_by(Donation.id, ascending=False)
        .limit(MINE_LIMIT))


async def my_bookings(donor_id: int) -> list[dict[str, Any]]:
    return list(await Booking.select().where(Booking.donor_id == donor_id).order_by(
        Booking.id, ascending=False).limit(MINE_LIMIT))


async def next_eligible_on(donor: dict[str, Any], kind: str) -> date:
    """The first day the donation intervals and the yearly platelet limit in force allow a
    donation of ``kind`` (today when nothing waits); age, weight and health are the
    pre-check's."""
    today = today_shanghai()
    rules, _ = await rule_values(await node_of(int(donor["tenant_id"])), today,
                                 "blood_drive.intervals", "blood_drive.platelets_per_year")
    waits = waits_of(rules, await history_of(int(donor["id"])), kind, today)
    return max([today, *(d for d, _ in waits)])
