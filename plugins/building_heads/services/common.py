"""What the visits area shares: Shanghai days and periods, the plugin's rule
values, and which buildings a caller reaches (core's grants plus the serving-head link)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.plugin import (
    BUILDINGS,
    HOUSEHOLDS,
    RESIDENT_TAGS,
    RESIDENTS,
    SHANGHAI,
    Access,
    ApiError,
    PlaceLimit,
    Resolved,
    plugin_rules,
    today_shanghai,
)
from core.plugin import rule_value as core_rule_value
from plugins.building_heads import NAME
from plugins.building_heads.rules import RULES
from plugins.building_heads.tables import Appointment, Visit

__all__ = [
    "OWN_RULES",
    "SHANGHAI",
    "Period",
    "household_condition",
    "ids_or_none",
    "make_period",
    "reach",
    "rule_value",
    "special_household_ids",
    "task_building_condition",
    "today_shanghai",
    "visited_household_ids",
]

OWN_RULES = plugin_rules(NAME, RULES)
"""The plugin's own keys; values are core's rule rows (inherited, locked, dated) all the same."""


@dataclass(frozen=True)
class Period:
    """A calendar year and one of its months (Asia/Shanghai days)."""

    year: int
    month: int

    @property
    def year_start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def year_end(self) -> date:
        """The first day after the year."""
        return date(self.year + 1, 1, 1)

    @property
    def month_start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def month_end(self) -> date:
        """The first day after the month."""
        return date(self.year + (self.month == 12), self.month % 12 + 1, 1)

    @property
    def month_last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])


def make_period(year: int | None, month: int | None, today: date | None = None) -> Period:
    """The period asked for: the current year and month by default; a past year without a
    month means its December."""
    today = today or today_shanghai()
    year = today.year if year is None else year
    if not 2000 <= year <= 2100:
        raise ApiError("INVALID_ARGUMENT", "年份须在2000到2100之间",
                         "the year must be between 2000 and 2100", "year")
    if month is None:
        month = today.month if year == today.year else 12
    if not 1 <= month <= 12:
        raise ApiError("INVALID_ARGUMENT", "月份须在1到12之间", "the month must be 1–12",
                         "month")
    return Period(year, month)


async def rule_value(key: str, tenant_id: int, on: date | None = None) -> Resolved:
    """The value of one of the plugin's rules at ``tenant_id`` (inside a scope covering it)."""
    return await core_rule_value(key, tenant_id, on, rules=OWN_RULES)


def ids_or_none(values: Any) -> list[int]:
    """A non-empty id list for ``is_in`` (``[-1]`` matches nothing)."""
    return sorted(int(v) for v in values) or [-1]


async def reach(access: Access, permission: str) -> PlaceLimit | None:
    """Where the caller may do ``permission``: ``None`` for the whole scope, else a limit.
    Exactly core's answer (a head's grant at their building included).
    FORBIDDEN when no grant carries the permission at all."""
    if not access.has(permission):
        decision = access.check(permission)
        raise ApiError("FORBIDDEN", decision.reason_zh, decision.reason_en)
    if access.principal.is_operator:
        return None
    return access.limit(permission)


def household_condition(limit: PlaceLimit | None) -> Any | None:
    """A condition on households for a reach (None: no condition)."""
    if limit is None:
        return None
    return (HOUSEHOLDS.community_id.is_in(ids_or_none(limit.community_ids))
            | HOUSEHOLDS.grid_id.is_in(ids_or_none(limit.grid_ids))
            | HOUSEHOLDS.building_id.is_in(ids_or_none(limit.building_ids)))


def task_building_condition(column: Any, limit: PlaceLimit | None) -> Any | None:
    """A condition on a ``building_id`` column for a reach (None: no condition)."""
    if limit is None:
        return None
    inside = BUILDINGS.select(BUILDINGS.id).where(
        BUILDINGS.grid_id.is_in(ids_or_none(limit.grid_ids))
        | BUILDINGS.community_id.is_in(ids_or_none(limit.community_ids)))
    return column.is_in(ids_or_none(limit.building_ids)) | column.is_in(inside)


def visited_household_ids(start: date, end: date, *, in_person: bool = False,
                          by_serving_head: bool = False) -> Any:
    """Sub-select: households with a visit on a day in ``[start, end)`` — only home visits in
    person (走访: what the yearly coverage counts) with ``in_person``, else any contact (走访或联系:
    what the monthly contact with special households counts); with ``by_serving_head`` only
    the visits a serving head logged under their own term (the head's own credit)."""
    where = (Visit.visited_on >= start) & (Visit.visited_on < end)
    if in_person:
        where &= Visit.way == "in_person"
    if by_serving_head:
        where &= Visit.appointment_id.is_in(
            Appointment.select(Appointment.id).where(Appointment.ended_on.is_null()))
    return Visit.select(Visit.household_id).where(where)


def special_household_ids(tags: list[str]) -> Any:
    """Sub-select: households where any resident holds one of ``tags`` (non-empty)."""
    tagged = RESIDENT_TAGS.select(RESIDENT_TAGS.resident_id).where(RESIDENT_TAGS.tag.is_in(tags))
    return RESIDENTS.select(RESIDENTS.household_id).where(
        RESIDENTS.id.is_in(tagged) & RESIDENTS.household_id.is_not_null())
