"""Honours (全国无偿献血表彰奖励办法, 2022 edition) and benefits (Shandong, 2024), computed from
a donor's donated results under the rule values in force; pure functions plus their reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from core.plugin import Access, ApiError, today_shanghai
from plugins.blood_drive.services.common import (
    add_years,
    can_see_health,
    node_of,
    require_any,
    rule_values,
)
from plugins.blood_drive.tables import Donation, Donor, Unit

__all__ = [
    "Benefits",
    "Honours",
    "UnitAward",
    "benefits_of",
    "compute_benefits",
    "compute_honours",
    "honours_of",
    "unit_award",
]

TIERS = ("bronze", "silver", "gold")


@dataclass(frozen=True)
class Honours:
    count_x100: int
    tier: str | None
    next_tier: str | None
    next_at: int | None
    remaining_x100: int
    lifetime: bool
    rule_version: int


def compute_honours(rule: dict[str, Any], count_x100: int, gold_awards: int,
                    version: int = 0) -> Honours:
    """The award tier reached (bronze ≥ 20, silver ≥ 30, gold ≥ 40 donations by default), the
    next one and what is missing; the lifetime award after ``lifetime_gold_awards`` golds."""
    tier = None
    nxt = None
    for name in TIERS:
        if count_x100 >= int(rule[name]) * 100:
            tier = name
        elif nxt is None:
            nxt = name
    next_at = int(rule[nxt]) if nxt else None
    remaining = max(next_at * 100 - count_x100, 0) if next_at is not None else 0
    return Honours(count_x100, tier, nxt, next_at, remaining,
                   gold_awards >= int(rule["lifetime_gold_awards"]), version)


@dataclass(frozen=True)
class Benefits:
    total_ml: int
    unlimited: bool
    donor_limit_ml: int | None
    """Free clinical blood the donor may still use in total (None: unlimited)."""
    family_limit_ml: int
    five_fold_until: date | None
    """The last day the latest donation still counts five-fold."""
    rule_version: int


def compute_benefits(rule: dict[str, Any], donations: list[tuple[date, int]], on: date,
                     version: int = 0) -> Benefits:
    """Shandong 2024: below ``threshold_ml`` in total, each donation gives ``multiple``× its
    volume within ``years`` years of it, then its volume for life; at or above, unlimited for
    life. Family members: up to the donor's total. ``donations`` are (date, whole-blood mL)."""
    total = sum(ml for _, ml in donations)
    years, multiple = int(rule["years"]), int(rule["multiple"])
    if total >= int(rule["threshold_ml"]):
        return Benefits(total, True, None, total, None, version)
    limit = 0
    latest: date | None = None
    for day, ml in donations:
        until = add_years(day, years)
        if on < until:
            limit += multiple * ml
            latest = max(latest, until) if latest else until
        else:
            limit += ml
    return Benefits(total, False, limit, total,
                    latest - timedelta(days=1) if latest else None, version)


async def _donor(access: Access, donor_id: int) -> dict[str, Any]:
    donor = await Donor.select().where(Donor.id == donor_id).first()
    if donor is None or not (can_see_health(access, int(donor["resident_id"]))
                             or access.has("blood_drive.mobilise")):
        raise ApiError.not_found("献血者", "donor", "donorId")
    return dict(donor)


async def honours_of(access: Access, donor_id: int) -> Honours:
    """The donor's count and award progress (the donor, site staff or their mobilising
    office)."""
    donor = await _donor(access, donor_id)
    rows = await Donation.select(Donation.count_x100).where(
        (Donation.donor_id == donor_id) & (Donation.outcome == "donated"))
    rules, versions = await rule_values(await node_of(int(donor["tenant_id"])), today_shanghai(),
                                        "blood_drive.honours")
    return compute_honours(rules["blood_drive.honours"], sum(int(r["count_x100"]) for r in rows),
                           int(donor["gold_awards"]), versions["blood_drive.honours"])


async def benefits_of(access: Access, donor_id: int) -> Benefits:
    donor = await _donor(access, donor_id)
    rows = await Donation.select(Donation.donated_on, Donation.kind, Donation.volume_ml).where(
        (Donation.donor_id == donor_id) & (Donation.outcome == "donated")
        & (Donation.kind == "whole_blood"))
    today = today_shanghai()
    rules, versions = await rule_values(await node_of(int(donor["tenant_id"])), today,
                                        "blood_drive.benefits")
    return compute_benefits(rules["blood_drive.benefits"],
                            [(r["donated_on"], int(r["volume_ml"])) for r in rows], today,
                            versions["blood_drive.benefits"])


@dataclass(frozen=True)
class UnitAward:
    unit: str
    visits: int
    staff_count: int
    since: date
    qualifies: bool
    rule_version: int


async def unit_award(access: Access, unit_name: str, on: date | None = None) -> UnitAward:
    """单位促进奖 check: donation visits (人次) of the unit's donors in the last ``window_years``
    years — at least ``visits`` and ``staff_share_pct``% of the serving staff, or at least
    ``visits_alone``."""
    require_any(access, "blood_drive.read", "blood_drive.mobilise")
    unit = await Unit.select().where(Unit.name == unit_name.strip()).first()
    if unit is None:
        raise ApiError.not_found("单位", "work unit", "unit")
    day = on or today_shanghai()
    rules, versions = await rule_values(await node_of(int(unit["tenant_id"])), day,
                                        "blood_drive.unit_award")
    rule = rules["blood_drive.unit_award"]
    since = add_years(day, -int(rule["window_years"]))
    donor_ids = [int(r["id"]) for r in await Donor.select(Donor.id).where(
        Donor.work_unit == unit["name"])]
    visits = 0
    if donor_ids:
        visits = await Donation.count().where(
            Donation.donor_id.is_in(donor_ids) & (Donation.outcome == "donated")
            & (Donation.donated_on > since) & (Donation.donated_on <= day))
    staff = int(unit["staff_count"])
    qualifies = visits >= int(rule["visits_alone"]) or (
        visits >= int(rule["visits"]) and visits * 100 >= staff * int(rule["staff_share_pct"]))
    return UnitAward(str(unit["name"]), visits, staff, since, qualifies,
                     versions["blood_drive.unit_award"])
