"""GraphQL of the visits area: ``buildingHeadLogVisit`` (one step, sensible defaults),
coverage roll-ups, the overdue list, the region roll-up and the caller's visit tasks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any

import strawberry
from core.schema.context import Info

from core.people.tables import Building
from core.plugin import NodeType
from core.schema.connection import Connection, check_first, decode_cursor, make_connection
from core.schema.errors import ApiError, ErrorCode, UserError, user_error
from core.schema.relay import encode_global_id
from core.schema.relay import pk_of as _pk
from plugins.building_heads import visits
from plugins.building_heads.access import building_place, check_building
from plugins.building_heads.schema.visit_types import (
    TYPES as _TYPES,
)
from plugins.building_heads.schema.visit_types import (
    BuildingHeadCoverage,
    BuildingHeadCoverageLevel,
    BuildingHeadOverdueHousehold,
    BuildingHeadVisit,
    BuildingHeadVisitTask,
    BuildingHeadVisitTaskStatus,
    BuildingHeadVisitWay,
)
from plugins.building_heads.tables import Visit, VisitTask
from plugins.building_heads.visit_common import VisitError, ids_or_none

__all__ = ["MUTATIONS", "QUERIES", "SUBSCRIPTIONS", "TYPES"]


def _api(exc: VisitError) -> ApiError:
    return ApiError(exc.code, exc.zh, exc.en, exc.field)


@asynccontextmanager
async def _translated() -> AsyncIterator[None]:
    """Domain errors become typed GraphQL errors."""
    try:
        yield
    except VisitError as exc:
        raise _api(exc) from None


async def _tenant_node(info: Info) -> Any:
    node = await info.context.node()
    if node.is_region:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "请在街镇下查询；区域汇总请用 "
                       "buildingHeadRegionCoverage", "act at a tenant; regions use "
                       "buildingHeadRegionCoverage")
    return node


# -- the one-step visit -------------------------------------------------------------------------
@strawberry.input(description="登记走访（只需选住户，其余可省略）/ log a visit: only the household "
                              "is required")
class BuildingHeadLogVisitInput:
    household_id: strawberry.ID
    visited_on: date | None = strawberry.field(
        default=None, description="走访日期，默认今天 / the day, default today (Asia/Shanghai)")
    way: BuildingHeadVisitWay = strawberry.field(
        default=BuildingHeadVisitWay.IN_PERSON, description="默认上门 / default in person")
    notes: str = strawberry.field(default="", description="走访情况 / what was found")
    matter_title: str | None = strawberry.field(
        default=None, description="走访中提出的议事事项 / a matter raised during the visit")
    task_id: strawberry.ID | None = strawberry.field(
        default=None, description="完成的走访任务 / the visit task this visit fulfils")


@strawberry.type
class BuildingHeadLogVisitPayload:
    visit: BuildingHeadVisit
    closed_task_ids: list[strawberry.ID]
    matter_id: strawberry.ID | None


BuildingHeadLogVisitResult = Annotated[BuildingHeadLogVisitPayload | UserError,
                                       strawberry.union("BuildingHeadLogVisitResult")]


@strawberry.mutation(description="登记一次走访 / log a home visit in one step")
async def building_head_log_visit(info: Info, input: BuildingHeadLogVisitInput
                                  ) -> BuildingHeadLogVisitResult:
    try:
        household_id = _pk(input.household_id, "Household", "householdId")
        task_id = _pk(input.task_id, "BuildingHeadVisitTask", "taskId")
        assert household_id is not None
        async with info.context.write() as access, _translated():
            logged = await visits.log_visit(
                access, household_id, visited_on=input.visited_on, way=input.way.value,
                notes=input.notes, matter_title=input.matter_title, task_id=task_id)
    except ApiError as exc:
        return user_error(exc)
    return BuildingHeadLogVisitPayload(
        visit=BuildingHeadVisit.of(logged.visit),
        closed_task_ids=[encode_global_id("BuildingHeadVisitTask", t)
                         for t in logged.closed_task_ids],
        matter_id=None if logged.matter_id is None
        else encode_global_id("BuildingHeadMatter", logged.matter_id))


# -- coverage and overdue -----------------------------------------------------------------------
_LEVEL_TYPES = {"building": "Building", "grid": "Grid", "community": "Community",
                "tenant": "Tenant"}


@strawberry.field(description="走访覆盖率（楼栋/网格/社区/街镇）/ visit coverage per building, grid, "
                              "community or tenant")
async def building_head_coverage(info: Info, level: BuildingHeadCoverageLevel,
                                 id: strawberry.ID | None = None, year: int | None = None,
                                 month: int | None = None) -> list[BuildingHeadCoverage]:
    tenant = await _tenant_node(info)
    place_id = _pk(id, _LEVEL_TYPES[level.value], "id")
    if level is BuildingHeadCoverageLevel.TENANT and place_id not in (None, tenant.id):
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该单位", "tenant not found", "id")
    async with info.context.read() as access, _translated():
        period = visits.make_period(year, month)
        limit = await visits.reach(access, "building_heads.read")
        rows = await visits.coverage_rows(level.value, tenant, period, limit, place_id)
    return [BuildingHeadCoverage.of(r) for r in rows]


@strawberry.field(description="逾期未走访的住户 / households of a building overdue for a visit")
async def building_head_overdue(info: Info, building_id: strawberry.ID, first: int,
                                after: str | None = None
                                ) -> Connection[BuildingHeadOverdueHousehold]:
    check_first(first)
    start = decode_cursor(after)
    pk = _pk(building_id, "Building", "buildingId")
    async with info.context.read() as access, _translated():
        building = await Building.select().where(Building.id == pk).first()
        if building is None or building["tenant_id"] != access.node_id or not await \
                check_building(access, "building_heads.read", building_place(access, building)):
            raise ApiError(ErrorCode.NOT_FOUND, "未找到该楼栋", "building not found",
                           "buildingId")
        rows = await visits.overdue_households(int(building["id"]), access.node_id,
                                               visits.make_period(None, None), after=start,
                                               first=first)
    return make_connection(rows, first, BuildingHeadOverdueHousehold.of,
                           pk=lambda r: r.household_id)


@strawberry.field(description="下辖各街镇的走访覆盖率（仅计数）/ coverage of every tenant below a "
                              "region: counts only")
async def building_head_region_coverage(info: Info, year: int | None = None
                                        ) -> list[BuildingHeadCoverage]:
    ctx = info.context
    node = await ctx.node()
    if not node.is_region:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "请在区域（市、区、县）下查询",
                       "act at a region (city, district, county)")
    await ctx.require("region.rollup")
    async with ctx.read(), _translated():
        rows = await visits.region_coverage_rows(node, visits.make_period(year, None))
    return [BuildingHeadCoverage.of(r) for r in rows]


# -- visit tasks --------------------------------------------------------------------------------
@strawberry.field(description="我负责楼栋的走访任务 / visit tasks of the caller's buildings")
async def building_head_visit_tasks(info: Info, first: int, after: str | None = None,
                                    status: BuildingHeadVisitTaskStatus | None = None
                                    ) -> Connection[BuildingHeadVisitTask]:
    check_first(first)
    start = decode_cursor(after)
    async with info.context.read() as access, _translated():
        rows = await visits.visit_tasks_page(access, status=status.value if status else None,
                                             after=start, first=first)
    return make_connection(rows, first, BuildingHeadVisitTask.of)


# -- node(id:) ----------------------------------------------------------------------------------
def _node_loader(table: Any, build: Any, permission: str) -> Any:
    async def load(info: Info, pk: int) -> Any:
        ctx = info.context
        async with ctx.read() as access:
            row = await table.select().where(table.id == pk).first()
            if row is None or row["building_id"] is None:
                return None
            building = await Building.select().where(
                Building.id.is_in(ids_or_none([row["building_id"]]))).first()
            if building is None or not await check_building(
                    access, permission, building_place(access, building)):
                return None
        return build(row)

    return load


TYPES: list[type] = [*_TYPES, BuildingHeadCoverage, BuildingHeadOverdueHousehold]
QUERIES: list[object] = [building_head_coverage, building_head_overdue,
                         building_head_region_coverage, building_head_visit_tasks]
MUTATIONS: list[object] = [building_head_log_visit]
SUBSCRIPTIONS: list[object] = []
NODE_TYPES: list[NodeType] = [
    NodeType("BuildingHeadVisit", _node_loader(Visit, BuildingHeadVisit.of,
                                               "building_heads.read")),
    NodeType("BuildingHeadVisitTask", _node_loader(VisitTask, BuildingHeadVisitTask.of,
                                                   "building_heads.visit")),
]
