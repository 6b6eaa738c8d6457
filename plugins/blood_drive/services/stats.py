"""Statistics of a campaign against its targets — per street office and per work unit — and
the leaderboard of work units (never of individuals). Counts only: no health data, no names.
Four statements whatever the campaign's size."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    PubSub,
    Subscription,
    after_commit,
    get_node,
    get_pubsub,
)
from plugins.blood_drive.services.common import require
from plugins.blood_drive.tables import Booking, Campaign, Donation, Donor, Target

__all__ = ["RESULTS_TOPIC", "SHEET_HEADERS", "Line", "ResultUpdate", "announce_result",
           "campaign_stats", "donor_leaderboard", "result_updates", "stats_xlsx",
           "unit_leaderboard", "watched_campaign"]

RESULTS_TOPIC = "blood_drive.results"
"""Live updates of a campaign's results (core's pubsub), keyed by the campaign's owner node, so
the city's subscribers hear every street office's results."""


@dataclass(frozen=True)
class ResultUpdate:
    """A result was recorded for a campaign (ids only; the board is re-read by the
    subscriber)."""

    owner_id: int
    campaign_id: int


def result_updates(pubsub: PubSub, owner_id: int) -> Subscription[ResultUpdate]:
    return pubsub.subscribe(RESULTS_TOPIC, owner_id, ResultUpdate)


async def announce_result(campaign_id: int | None) -> None:
    """After commit, tell the campaign's followers that its figures changed."""
    if campaign_id is None:
        return
    row = await Campaign.select(Campaign.tenant_id).where(Campaign.id == campaign_id).first()
    if row is None:
        return
    update = ResultUpdate(int(row["tenant_id"]), campaign_id)

    async def publish() -> None:
        await get_pubsub().publish(RESULTS_TOPIC, update.owner_id, update)

    after_commit(publish)


async def watched_campaign(access: Access, campaign_id: int) -> dict[str, Any]:
    """The campaign whose board a caller follows live (readers of statistics)."""
    require(access, "blood_drive.read")
    row = await Campaign.select().where(Campaign.id == campaign_id).first()
    if row is None:
        raise ApiError.not_found("献血活动", "campaign", "campaignId")
    return dict(row)

SHEET_HEADERS = ("街镇", "单位", "报名人数", "预约", "签到", "献血人次", "献血量（毫升）",
                 "献血单位数", "目标人数", "目标单位数", "人数完成率", "单位完成率")
"""The statistics sheet's columns: the campaign's total, then each street office and each work
unit there, against the targets."""


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


def _rate(done: float, target: int) -> float | None:
    return round(done / target, 4) if target else None


def stats_xlsx(campaign: dict[str, Any], lines: list[Line], names: dict[int, str]) -> bytes:
    """The campaign's statistics as an .xlsx sheet (the lines of :func:`campaign_stats`):
    a title row, the headers, then the total (合计) and one row per street office and work
    unit; rates are fractions formatted as percentages, empty where no target is set."""
    from openpyxl import Workbook  # imported when used (as the other plugins do)
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "献血统计"
    sheet.append([f"{campaign['title']}（{campaign['starts_on']} 至 {campaign['ends_on']}）"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(list(SHEET_HEADERS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in lines:
        units = line.count_x100 / 100
        sheet.append([
            "合计" if not line.tenant_id else names.get(line.tenant_id, str(line.tenant_id)),
            line.work_unit, line.signups, line.bookings, line.check_ins, line.donations,
            line.volume_ml, units, line.target_donors, line.target_units,
            _rate(line.signups, line.target_donors), _rate(units, line.target_units)])
        for cell in sheet[sheet.max_row][10:12]:
            cell.number_format = "0.0%"
    for column, width in zip("ABCDEFGHIJKL", (16, 16, 10, 8, 8, 10, 14, 12, 10, 12, 12, 12),
                             strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
