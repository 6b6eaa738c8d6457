"""Statistics of a campaign against its targets — per street office and per work unit — and
the leaderboard of work units (never of individuals). Counts only: no health data, no names.
Four statements whatever the campaign's size."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.plugin import Access, ApiError, get_node
from plugins.blood_drive.services.common import require
from plugins.blood_drive.tables import Booking, Campaign, Donation, Donor, Target

__all__ = ["Line", "campaign_stats", "donor_leaderboard", "unit_leaderboard"]


@dataclass
class Line:
    tenant_id: int
    work_unit: str = ""
    signups: int = 0
    bookings: int = 0
    check_ins: int = 0
    donations: int = 0
    volume_ml: int = 0
    count_x100: int = 0
    target_donors: int = 0
    target_units: int = 0
    donors: set[int] = field(default_factory=set)


async def _lines(campaign_id: int) -> tuple[dict[str, Any], dict[tuple[int, str], Line]]:
    campaign = await Campaign.select().where(Campaign.id == campaign_id).first()
    if campaign is None:
        raise ApiError.not_found("献血活动", "campaign", "campaignId")
    bookings = await Booking.select(Booking.tenant_id, Booking.donor_id, Booking.status).where(
        Booking.campaign_id == campaign_id)
    donations = await Donation.select(Donation.tenant_id, Donation.donor_id, Donation.volume_ml,
                                      Donation.count_x100).where(
        (Donation.campaign_id == campaign_id) & (Donation.outcome == "donated"))
    donor_ids = sorted({int(r["donor_id"]) for r in [*bookings, *donations]})
    units = {int(r["id"]): str(r["work_unit"]) for r in await Donor.select(
        Donor.id, Donor.work_unit).where(Donor.id.is_in(donor_ids or [0]))}
    lines: dict[tuple[int, str], Line] = {}

    def at(tenant: int, unit: str) -> Line:
        return lines.setdefault((tenant, unit), Line(tenant, unit))

    for b in bookings:
        tenant, donor = int(b["tenant_id"]), int(b["donor_id"])
        for line in (at(tenant, ""), at(tenant, units.get(donor, ""))) if units.get(donor) \
                else (at(tenant, ""),):
            line.donors.add(donor)
            line.bookings += b["status"] != "cancelled"
            line.check_ins += b["status"] in ("checked_in", "donated", "deferred")
    for d in donations:
        tenant, donor = int(d["tenant_id"]), int(d["donor_id"])
        for line in (at(tenant, ""), at(tenant, units.get(donor, ""))) if units.get(donor) \
                else (at(tenant, ""),):
            line.donations += 1
            line.volume_ml += int(d["volume_ml"])
            line.count_x100 += int(d["count_x100"])
    for t in await Target.select().where(Target.campaign_id == campaign_id):
        line = at(int(t["target_tenant_id"]), str(t["work_unit"]))
        line.target_donors, line.target_units = int(t["donors"]), int(t["units"])
    for line in lines.values():
        line.signups = len(line.donors)
    return dict(campaign), lines


async def campaign_stats(access: Access, campaign_id: int
                         ) -> tuple[dict[str, Any], list[Line], dict[int, str]]:
    """The campaign's totals line (tenant 0) and one line per street office and work unit,
    street offices first; with the street offices' names."""
    require(access, "blood_drive.read")
    campaign, lines = await _lines(campaign_id)
    total = Line(0)
    for line in lines.values():
        if not line.work_unit:
            for name in ("bookings", "check_ins", "donations", "volume_ml", "count_x100"):
                setattr(total, name, getattr(total, name) + getattr(line, name))
            total.donors |= line.donors
    total.signups = len(total.donors)
    total.target_donors, total.target_units = (int(campaign["target_donors"]),
                                               int(campaign["target_units"]))
    ordered = [total, *sorted(lines.values(), key=lambda x: (x.tenant_id, x.work_unit))]
    names: dict[int, str] = {}
    for tenant in sorted({x.tenant_id for x in ordered if x.tenant_id}):
        node = await get_node(tenant)
        names[tenant] = node.name if node else ""
    return campaign, ordered, names


async def unit_leaderboard(access: Access, campaign_id: int, limit: int = 50) -> list[Line]:
    """Work units ranked by the campaign's donation count, then volume."""
    require(access, "blood_drive.read")
    _, lines = await _lines(campaign_id)
    units = [x for x in lines.values() if x.work_unit]
    return sorted(units, key=lambda x: (-x.count_x100, -x.volume_ml, x.work_unit))[:limit]


async def donor_leaderboard(access: Access, campaign_id: int, limit: int = 20
                            ) -> list[tuple[int, int, int]]:
    """Donors who agreed to be ranked (``leaderboard_opt_in``), by the campaign's count:
    (resident id, count ×100, volume mL). Nobody else ever appears."""
    require(access, "blood_drive.read")
    if not await Campaign.exists().where(Campaign.id == campaign_id):
        raise ApiError.not_found("献血活动", "campaign", "campaignId")
    agreed = {int(r["id"]): int(r["resident_id"]) for r in await Donor.select(
        Donor.id, Donor.resident_id).where(Donor.leaderboard_opt_in == True)}
    if not agreed:
        return []
    totals: dict[int, list[int]] = {}
    for d in await Donation.select(Donation.donor_id, Donation.count_x100, Donation.volume_ml
                                   ).where((Donation.campaign_id == campaign_id)
                                           & (Donation.outcome == "donated")
                                           & Donation.donor_id.is_in(sorted(agreed))):
        line = totals.setdefault(int(d["donor_id"]), [0, 0])
        line[0] += int(d["count_x100"])
        line[1] += int(d["volume_ml"])
    ranked = sorted(totals.items(), key=lambda x: (-x[1][0], -x[1][1], x[0]))[:limit]
    return [(agreed[donor], count, volume) for donor, (count, volume) in ranked]
