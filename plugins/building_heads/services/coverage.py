"""走访覆盖率 Visit coverage, computed from the visits (never stored): per building, grid,
community, tenant, and per tenant below a region; and the overdue households of a building.

Every figure comes from a few grouped ``COUNT`` queries over households with sub-selects of
visits and tagged residents, so the number of statements does not depend on how many
households there are. Percentages are integers rounded down (a building at 99.9 % is not
"done"): basis points and whole percent, ``None`` when there is nothing to cover.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Count, Max

from core.plugin import (
    BUILDINGS,
    COMMUNITIES,
    GRIDS,
    HOUSEHOLDS,
    RESIDENTS,
    ApiError,
    NodeInfo,
    PlaceLimit,
    place_names,
    tenants_enabled_below,
)
from plugins.building_heads import NAME
from plugins.building_heads.services.common import (
    Period,
    household_condition,
    ids_or_none,
    rule_value,
    special_household_ids,
    visited_household_ids,
)
from plugins.building_heads.tables import Visit

__all__ = [
    "LEVELS",
    "CoverageRow",
    "OverdueHousehold",
    "coverage_rows",
    "enabled_tenants_below",
    "overdue_households",
    "region_coverage_rows",
    "special_tags",
]

LEVELS = ("building", "grid", "community", "tenant")
_GROUP = {"building": HOUSEHOLDS.building_id, "grid": HOUSEHOLDS.grid_id,
          "community": HOUSEHOLDS.community_id, "tenant": HOUSEHOLDS.tenant_id}


def _share(part: int, whole: int, scale: int) -> int | None:
    return part * scale // whole if whole else None


@dataclass(frozen=True)
class CoverageRow:
    """One place's coverage for a year (and one of its months)."""

    level: str
    place_id: int
    name: str
    year: int
    month: int
    households: int
    visited_year: int
    special: int
    special_visited_month: int
    tags_version: int
    """Version of the rule ``building_heads.special_tags`` the special counts used."""
    visited_year_by_head: int = 0
    """Households the serving head visited in person themselves (``visited_year`` counts
    every in-person visit: by the head, staff or a previous head)."""

    @property
    def visited_year_by_others(self) -> int:
        return self.visited_year - self.visited_year_by_head

    @property
    def yearly_bp(self) -> int | None:
        return _share(self.visited_year, self.households, 10000)

    @property
    def yearly_percent(self) -> int | None:
        return _share(self.visited_year, self.households, 100)

    @property
    def special_bp(self) -> int | None:
        return _share(self.special_visited_month, self.special, 10000)

    @property
    def special_percent(self) -> int | None:
        return _share(self.special_visited_month, self.special, 100)

    @property
    def overdue_year(self) -> int:
        return self.households - self.visited_year

    @property
    def overdue_month(self) -> int:
        return self.special - self.special_visited_month


async def special_tags(tenant_id: int, period: Period) -> tuple[list[str], int]:
    """The special-household tags in force for the period's month, and the rule version."""
    resolved = await rule_value("building_heads.special_tags", tenant_id, period.month_last)
    return [str(t) for t in resolved.value], resolved.version


async def _grouped(group: Any, conditions: Sequence[Any]) -> dict[int, int]:
    """``{group value: household count}`` for households matching every condition."""
    query = HOUSEHOLDS.select(group, Count(alias="n")).group_by(group)
    for condition in conditions:
        query = query.where(condition)
    return {int(r[group._meta.name]): int(r["n"]) for r in await query}


@dataclass(frozen=True)
class _Counts:
    households: dict[int, int]
    visited: dict[int, int]
    special: dict[int, int]
    special_visited: dict[int, int]
    by_head: dict[int, int]


async def _count(group: Any, base: list[Any], period: Period, tags: list[str]) -> _Counts:
    """Five grouped counts: households, visited in person in the year (by anyone, and by the
    serving head themselves), special, special visited or contacted in the month (any way)."""
    in_year = HOUSEHOLDS.id.is_in(visited_household_ids(period.year_start, period.year_end,
                                                        in_person=True))
    by_head_in_year = HOUSEHOLDS.id.is_in(visited_household_ids(
        period.year_start, period.year_end, in_person=True, by_serving_head=True))
    households = await _grouped(group, base)
    visited = await _grouped(group, [*base, in_year]) if households else {}
    by_head = await _grouped(group, [*base, by_head_in_year]) if visited else {}
    special: dict[int, int] = {}
    special_visited: dict[int, int] = {}
    if tags and households:
        is_special = HOUSEHOLDS.id.is_in(special_household_ids(tags))
        special = await _grouped(group, [*base, is_special])
        if special:
            in_month = HOUSEHOLDS.id.is_in(
                visited_household_ids(period.month_start, period.month_end))
            special_visited = await _grouped(group, [*base, is_special, in_month])
    return _Counts(households, visited, special, special_visited, by_head)


async def _names(level: str, ids: list[int], tenant: NodeInfo) -> dict[int, str]:
    if level == "tenant":
        return {tenant.id: tenant.name} if tenant.id in ids else {}
    table: Any = {"building": BUILDINGS, "grid": GRIDS, "community": COMMUNITIES}[level]
    rows = await table.select(table.id, table.name).where(table.id.is_in(ids_or_none(ids)))
    return {int(r["id"]): str(r["name"]) for r in rows}


async def coverage_rows(level: str, tenant: NodeInfo, period: Period, limit: PlaceLimit | None,
                        place_id: int | None = None) -> list[CoverageRow]:
    """Coverage of every place of ``level`` in the tenant that the reach ``limit`` sees (or of
    ``place_id`` only), counting only households inside the reach. Inside a scoped read."""
    if level not in LEVELS:
        raise ApiError("INVALID_ARGUMENT", "层级无效", "unknown level", "level")
    group = _GROUP[level]
    base: list[Any] = [HOUSEHOLDS.tenant_id == tenant.id]
    seen = household_condition(limit)
    if seen is not None:
        base.append(seen)
    if place_id is not None:
        base.append(group == place_id)
    tags, version = await special_tags(tenant.id, period)
    counts = await _count(group, base, period, tags)
    ids = sorted(counts.households)
    if place_id is not None and not ids:
        # a place in reach with no households yet answers zeros; anything else is not found
        ids = [place_id] if limit is None else []
    names = await _names(level, ids, tenant)
    if place_id is not None and place_id not in names:
        raise ApiError("NOT_FOUND", "未找到该地点", "place not found", "id")
    return [CoverageRow(level=level, place_id=pid, name=names.get(pid, ""), year=period.year,
                        month=period.month, households=counts.households.get(pid, 0),
                        visited_year=counts.visited.get(pid, 0),
                        special=counts.special.get(pid, 0),
                        special_visited_month=counts.special_visited.get(pid, 0),
                        tags_version=version, visited_year_by_head=counts.by_head.get(pid, 0))
            for pid in ids if pid in names]


async def enabled_tenants_below(region: NodeInfo) -> list[NodeInfo]:
    """The tenants below ``region`` with this plugin on (nearest explicit setting wins)."""
    return [t for t in await tenants_enabled_below(NAME, region) if t.id != region.id]


async def region_coverage_rows(region: NodeInfo, period: Period) -> list[CoverageRow]:
    """One row per tenant below ``region`` with the plugin on: counts only. Tenants sharing the
    same special tags are counted together (usually all of them, in four queries)."""
    tenants = await enabled_tenants_below(region)
    by_tags: dict[tuple[str, ...], list[NodeInfo]] = {}
    versions: dict[int, int] = {}
    for tenant in tenants:
        tags, versions[tenant.id] = await special_tags(tenant.id, period)
        by_tags.setdefault(tuple(sorted(tags)), []).append(tenant)
    rows: list[CoverageRow] = []
    for tags_key, group in by_tags.items():
        base = [HOUSEHOLDS.tenant_id.is_in([t.id for t in group])]
        counts = await _count(HOUSEHOLDS.tenant_id, base, period, list(tags_key))
        rows += [CoverageRow(level="tenant", place_id=t.id, name=t.name, year=period.year,
                             month=period.month, households=counts.households.get(t.id, 0),
                             visited_year=counts.visited.get(t.id, 0),
                             special=counts.special.get(t.id, 0),
                             special_visited_month=counts.special_visited.get(t.id, 0),
                             tags_version=versions[t.id],
                             visited_year_by_head=counts.by_head.get(t.id, 0))
                 for t in group]
    return sorted(rows, key=lambda r: r.place_id)


@dataclass(frozen=True)
class OverdueHousehold:
    """A household of a building that is overdue for its yearly or monthly visit."""

    household_id: int
    building_id: int
    room: str
    special: bool
    overdue_year: bool
    overdue_month: bool
    last_visited_on: date | None
    unit: str | None = None
    """The unit's name (单元), when the building has units."""
    building: str = ""
    """The building's name."""


async def overdue_households(building_id: int, tenant_id: int, period: Period, *, after: int,
                             first: int) -> list[OverdueHousehold]:
    """Households of the building not visited in the period's year, or special and not
    visited in its month, keyset-paged by id (``first + 1`` rows). Inside a scoped read."""
    tags, _ = await special_tags(tenant_id, period)
    not_in_year = HOUSEHOLDS.id.not_in(visited_household_ids(period.year_start, period.year_end,
                                                             in_person=True))
    due = not_in_year
    if tags:
        due = due | (HOUSEHOLDS.id.is_in(special_household_ids(tags)) & HOUSEHOLDS.id.not_in(
            visited_household_ids(period.month_start, period.month_end)))
    rows = await HOUSEHOLDS.select(HOUSEHOLDS.id, HOUSEHOLDS.room, HOUSEHOLDS.building_id,
                                   HOUSEHOLDS.unit_id).where(
        (HOUSEHOLDS.building_id == building_id) & (HOUSEHOLDS.id > after) & due
    ).order_by(HOUSEHOLDS.id).limit(first + 1)
    ids = [int(r["id"]) for r in rows]
    if not ids:
        return []
    special: set[int] = set()
    if tags:
        special = {int(r["household_id"]) for r in await RESIDENTS.select(
            RESIDENTS.household_id).where(RESIDENTS.household_id.is_in(ids)
                                         & RESIDENTS.household_id.is_in(
                                             special_household_ids(tags)))}
    last: dict[int, date] = {}
    last_in_person: dict[int, date] = {}
    for r in await Visit.select(Visit.household_id, Visit.way,
                                Max(Visit.visited_on, alias="last")).where(
            Visit.household_id.is_in(ids) & (Visit.visited_on < period.year_end)
    ).group_by(Visit.household_id, Visit.way):
        hid, day = int(r["household_id"]), _as_date(r["last"])
        if day is None:
            continue
        last[hid] = max(last.get(hid, day), day)
        if r["way"] == "in_person":
            last_in_person[hid] = max(last_in_person.get(hid, day), day)
    units = await place_names("unit", {int(r["unit_id"]) for r in rows if r["unit_id"]})
    building_name = (await place_names("building", [building_id])).get(building_id, "")
    out = []
    for r in rows:
        hid = int(r["id"])
        seen = last.get(hid)
        home = last_in_person.get(hid)
        in_year = home is not None and home >= period.year_start  # 走访 in person only
        in_month = seen is not None and seen >= period.month_start and seen < period.month_end
        out.append(OverdueHousehold(
            household_id=hid, building_id=int(r["building_id"]), room=str(r["room"]),
            special=hid in special, overdue_year=not in_year,
            overdue_month=hid in special and not in_month, last_visited_on=seen,
            unit=units.get(int(r["unit_id"])) if r["unit_id"] else None,
            building=building_name))
    return out


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
