"""GraphQL types of the visits area: visits, visit tasks, coverage rows, overdue households."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from core.schema.context import Info

from core.people.tables import Building, Household, Resident
from core.schema.relay import Node, encode_global_id
from plugins.building_heads.coverage import CoverageRow, OverdueHousehold

__all__ = [
    "TYPES",
    "BuildingHeadCoverage",
    "BuildingHeadCoverageLevel",
    "BuildingHeadOverdueHousehold",
    "BuildingHeadVisit",
    "BuildingHeadVisitTask",
    "BuildingHeadVisitTaskStatus",
    "BuildingHeadVisitWay",
    "name_of",
]


@strawberry.enum(description="走访方式 / how the household was reached")
class BuildingHeadVisitWay(Enum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    MESSAGE = "message"


@strawberry.enum(description="覆盖率层级 / roll-up level")
class BuildingHeadCoverageLevel(Enum):
    BUILDING = "building"
    GRID = "grid"
    COMMUNITY = "community"
    TENANT = "tenant"


@strawberry.enum(description="走访任务状态 / visit task status")
class BuildingHeadVisitTaskStatus(Enum):
    OPEN = "open"
    DONE = "done"


_TABLES: dict[str, Any] = {"building": (Building, Building.name),
                           "household": (Household, Household.room),
                           "resident": (Resident, Resident.name)}


async def name_of(info: Info, kind: str, pk: int | None) -> str | None:
    """A building's name, a household's room or a resident's name, batched per request."""
    if pk is None:
        return None
    ctx = info.context
    table, column = _TABLES[kind]

    async def load(keys: list[int]) -> list[str | None]:
        async with ctx.read():
            rows = await table.select(table.id, column).where(table.id.is_in(list(keys)))
        found = {int(r["id"]): str(r[column._meta.name]) for r in rows}
        return [found.get(k) for k in keys]

    return await ctx.loader(f"building_heads.name.{kind}", load).load(int(pk))  # type: ignore[no-any-return]


def _gid(type_name: str, pk: int | None) -> strawberry.ID | None:
    return None if pk is None else encode_global_id(type_name, int(pk))


@strawberry.type(description="走访记录 / a home visit or contact")
class BuildingHeadVisit(Node):
    household_id: strawberry.ID
    building_id: strawberry.ID
    visited_on: date
    way: BuildingHeadVisitWay
    notes: str = strawberry.field(description="走访情况 / what was found")
    matter_id: strawberry.ID | None
    created_at: datetime | None
    row: strawberry.Private[dict[str, Any]]

    @classmethod
    def of(cls, row: dict[str, Any]) -> BuildingHeadVisit:
        return cls(id=encode_global_id("BuildingHeadVisit", int(row["id"])),
                   household_id=encode_global_id("Household", int(row["household_id"])),
                   building_id=encode_global_id("Building", int(row["building_id"])),
                   visited_on=row["visited_on"], way=BuildingHeadVisitWay(row["way"]),
                   notes=row["notes"] or "", matter_id=_gid("BuildingHeadMatter",
                                                            row["matter_id"]),
                   created_at=row.get("created_at"), row=row)

    @strawberry.field(description="房号 / the household's room")
    async def room(self, info: Info) -> str | None:
        return await name_of(info, "household", self.row["household_id"])

    @strawberry.field(description="楼栋名称 / the building's name")
    async def building_name(self, info: Info) -> str | None:
        return await name_of(info, "building", self.row["building_id"])


@strawberry.type(description="走访任务（关爱提醒）/ a visit owed after a welfare concern")
class BuildingHeadVisitTask(Node):
    resident_id: strawberry.ID
    household_id: strawberry.ID | None
    building_id: strawberry.ID | None
    reason_code: str
    source_module: str
    noticed_since: date | None
    due_on: date
    status: BuildingHeadVisitTaskStatus
    visit_id: strawberry.ID | None
    row: strawberry.Private[dict[str, Any]]

    @classmethod
    def of(cls, row: dict[str, Any]) -> BuildingHeadVisitTask:
        return cls(id=encode_global_id("BuildingHeadVisitTask", int(row["id"])),
                   resident_id=encode_global_id("Resident", int(row["resident_id"])),
                   household_id=_gid("Household", row["household_id"]),
                   building_id=_gid("Building", row["building_id"]),
                   reason_code=row["reason_code"], source_module=row["source_module"] or "",
                   noticed_since=row["noticed_since"], due_on=row["due_on"],
                   status=BuildingHeadVisitTaskStatus(row["status"]),
                   visit_id=_gid("BuildingHeadVisit", row["visit_id"]), row=row)

    @strawberry.field(description="居民姓名 / the resident's name")
    async def resident_name(self, info: Info) -> str | None:
        return await name_of(info, "resident", self.row["resident_id"])

    @strawberry.field(description="房号 / the household's room")
    async def room(self, info: Info) -> str | None:
        return await name_of(info, "household", self.row["household_id"])

    @strawberry.field(description="楼栋名称 / the building's name")
    async def building_name(self, info: Info) -> str | None:
        return await name_of(info, "building", self.row["building_id"])


_PLACE_TYPES = {"building": "Building", "grid": "Grid", "community": "Community",
                "tenant": "Tenant"}


@strawberry.type(description="走访覆盖率（计算所得）/ visit coverage, computed from the visits")
class BuildingHeadCoverage:
    level: BuildingHeadCoverageLevel
    place_id: strawberry.ID
    name: str
    year: int
    month: int
    households: int = strawberry.field(description="住户数 / households")
    visited_year: int = strawberry.field(description="本年已走访户数 / visited this year")
    yearly_coverage_bp: int | None = strawberry.field(
        description="年度覆盖率（万分比，向下取整）/ yearly coverage in basis points, rounded down")
    yearly_coverage_percent: int | None = strawberry.field(
        description="年度覆盖率（整数百分比，向下取整）/ yearly coverage in whole percent")
    overdue_yearly: int = strawberry.field(description="本年未走访户数 / not visited this year")
    special_households: int = strawberry.field(description="重点户数 / special households")
    special_visited_month: int = strawberry.field(
        description="本月已走访重点户数 / special households visited this month")
    special_coverage_bp: int | None
    special_coverage_percent: int | None
    overdue_monthly: int = strawberry.field(
        description="本月未走访重点户数 / special households not visited this month")
    special_tags_version: int = strawberry.field(
        description="所用重点户标签规则版本 / version of the special-tags rule used")

    @classmethod
    def of(cls, row: CoverageRow) -> BuildingHeadCoverage:
        return cls(level=BuildingHeadCoverageLevel(row.level),
                   place_id=encode_global_id(_PLACE_TYPES[row.level], row.place_id),
                   name=row.name, year=row.year, month=row.month, households=row.households,
                   visited_year=row.visited_year, yearly_coverage_bp=row.yearly_bp,
                   yearly_coverage_percent=row.yearly_percent, overdue_yearly=row.overdue_year,
                   special_households=row.special,
                   special_visited_month=row.special_visited_month,
                   special_coverage_bp=row.special_bp,
                   special_coverage_percent=row.special_percent,
                   overdue_monthly=row.overdue_month, special_tags_version=row.tags_version)


@strawberry.type(description="逾期未走访的住户 / a household overdue for a visit")
class BuildingHeadOverdueHousehold:
    household_id: strawberry.ID
    building_id: strawberry.ID
    room: str
    special: bool = strawberry.field(description="重点户 / a special household")
    overdue_yearly: bool = strawberry.field(description="本年未走访 / not visited this year")
    overdue_monthly: bool = strawberry.field(
        description="重点户本月未走访 / special and not visited this month")
    last_visited_on: date | None

    @classmethod
    def of(cls, row: OverdueHousehold) -> BuildingHeadOverdueHousehold:
        return cls(household_id=encode_global_id("Household", row.household_id),
                   building_id=encode_global_id("Building", row.building_id), room=row.room,
                   special=row.special, overdue_yearly=row.overdue_year,
                   overdue_monthly=row.overdue_month, last_visited_on=row.last_visited_on)


TYPES: list[type] = [BuildingHeadVisit, BuildingHeadVisitTask]
