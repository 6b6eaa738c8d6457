"""Signals: meals per canteen per day, elders served by bracket, utilisation against seats, and
the regular-absent welfare concern (core's ``people.welfare_concern``, reason
``canteen_absent``), raised once per absence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count

from core.plugin import WelfareConcern, emit, get_node, now_utc, today_shanghai
from plugins.canteen.services.common import OWN_RULES
from plugins.canteen.tables import AbsenceAlert, Canteen, DailySubsidy, Elder, Meal

__all__ = ["DayStat", "daily_stats", "elders_by_bracket", "raise_absences"]


@dataclass(frozen=True)
class DayStat:
    canteen_id: int
    day: date
    meals: int
    subsidised: int
    utilisation: float
    """Meals over seats × slots served (0 when the canteen has no seats)."""


async def daily_stats(canteen_ids: list[int], start: date, end: date) -> list[DayStat]:
    """Meals per canteen per day in [start, end] (one aggregate statement plus the canteens)."""
    if not canteen_ids:
        return []
    canteens = {int(r["id"]): r for r in await Canteen.select(
        Canteen.id, Canteen.seats, Canteen.slots).where(Canteen.id.is_in(canteen_ids))}
    rows = await Meal.select(Meal.canteen_id, Meal.served_on, Count(alias="n")).where(
        Meal.canteen_id.is_in(canteen_ids) & (Meal.served_on >= start)
        & (Meal.served_on <= end)).group_by(Meal.canteen_id, Meal.served_on)
    sub = await Meal.select(Meal.canteen_id, Meal.served_on, Count(alias="n")).where(
        Meal.canteen_id.is_in(canteen_ids) & (Meal.served_on >= start)
        & (Meal.served_on <= end) & (Meal.subsidy_fen > 0)).group_by(
        Meal.canteen_id, Meal.served_on)
    subs = {(int(r["canteen_id"]), r["served_on"]): int(r["n"]) for r in sub}
    out = []
    for r in rows:
        c = canteens.get(int(r["canteen_id"]))
        capacity = int(c["seats"]) * len(str(c["slots"]).split(",")) if c else 0
        out.append(DayStat(int(r["canteen_id"]), r["served_on"], int(r["n"]),
                           subs.get((int(r["canteen_id"]), r["served_on"]), 0),
                           round(int(r["n"]) / capacity, 4) if capacity else 0.0))
    return sorted(out, key=lambda s: (s.canteen_id, s.day))


async def elders_by_bracket(canteen_ids: list[int], start: date, end: date
                            ) -> dict[str, int]:
    """Distinct elders served with a subsidy in [start, end], by bracket."""
    if not canteen_ids:
        return {}
    rows = await Meal.select(Meal.bracket, Count(distinct=[Meal.elder_id], alias="n")).where(
        Meal.canteen_id.is_in(canteen_ids) & (Meal.served_on >= start)
        & (Meal.served_on <= end) & (Meal.subsidy_fen > 0)).group_by(Meal.bracket)
    return {str(r["bracket"]): int(r["n"]) for r in rows}


async def raise_absences(ctx: dict[str, Any], tenant_id: int) -> int:
    """Daily: for elders living in this tenant, a regular (≥ ``canteen.regular_meals`` meal
    days in the ``canteen.regular_window_days`` up to the last one) whose last meal anywhere in
    the city (the city's daily record, or a meal at this tenant's canteens) is
    ``canteen.absent_days`` or more ago raises one welfare concern per absence (keyed by the
    last meal date)."""
    today: date = ctx.get("today") or today_shanghai()
    node = await get_node(tenant_id)
    assert node is not None
    regular = int((await OWN_RULES.get("canteen.regular_meals", node, today)).value)
    window = int((await OWN_RULES.get("canteen.regular_window_days", node, today)).value)
    absent = int((await OWN_RULES.get("canteen.absent_days", node, today)).value)
    elders = {int(r["id"]): r for r in await Elder.select(Elder.id, Elder.resident_id).where(
        (Elder.home_tenant_id == tenant_id) & (Elder.active == True)
        & Elder.resident_id.is_not_null())}
    if not elders:
        return 0
    since = today - timedelta(days=window + absent + 1)
    days: dict[int, set[date]] = {}
    for table, day_col in ((DailySubsidy, DailySubsidy.day), (Meal, Meal.served_on)):
        rows = await table.select(table.elder_id, day_col.as_alias("d")).where(
            table.elder_id.is_in(list(elders)) & (day_col >= since)).distinct()
        for r in rows:
            days.setdefault(int(r["elder_id"]), set()).add(r["d"])
    done = {(int(r["elder_id"]), r["last_meal_on"]) for r in await AbsenceAlert.select(
        AbsenceAlert.elder_id, AbsenceAlert.last_meal_on).where(
        AbsenceAlert.elder_id.is_in(list(elders)))}
    raised = 0
    for elder_id, seen in sorted(days.items()):
        last = max(seen)
        if (today - last).days < absent or (elder_id, last) in done:
            continue
        if sum(1 for d in seen if last - timedelta(days=window) < d <= last) < regular:
            continue
        inserted = await AbsenceAlert.insert(AbsenceAlert(
            tenant_id=tenant_id, elder_id=elder_id, last_meal_on=last, raised_at=now_utc())
        ).on_conflict(action="DO NOTHING").returning(AbsenceAlert.id)
        if not inserted:
            continue
        await emit("people.welfare_concern", WelfareConcern(
            resident_id=int(elders[elder_id]["resident_id"]), reason_code="canteen_absent",
            noticed_since=last + timedelta(days=1), source_module="canteen"),
            tenant_id=tenant_id)
        raised += 1
    return raised


