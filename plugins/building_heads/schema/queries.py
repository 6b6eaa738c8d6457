"""Query fields of the plugin, in the order they appear on ``Query`` (appointments, visits,
the matter board, rota and evaluation). Each decodes its arguments, asks a service inside the
request's scope and builds the answer."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from core.plugin import (
    LIST_BOUND,
    Access,
    ApiError,
    Connection,
    ErrorCode,
    Info,
    check_first,
    decode_cursor,
    encode_global_id,
    make_connection,
    today_shanghai,
)
from plugins.building_heads.schema.common import pk, public_read, read, tenant_node
from plugins.building_heads.schema.types import (
    BuildingHeadAppointment,
    BuildingHeadCandidate,
    BuildingHeadCoverage,
    BuildingHeadCoverageLevel,
    BuildingHeadDuty,
    BuildingHeadDutyKind,
    BuildingHeadEvaluation,
    BuildingHeadHandoff,
    BuildingHeadHandoffDirection,
    BuildingHeadMatter,
    BuildingHeadMeeting,
    BuildingHeadOverdueHousehold,
    BuildingHeadPropertyCompany,
    BuildingHeadReminderLine,
    BuildingHeadRotaShift,
    BuildingHeadStation,
    BuildingHeadSurvey,
    BuildingHeadVisitTask,
    BuildingHeadVisitTaskStatus,
)
from plugins.building_heads.services import (
    appointments,
    companies,
    duties,
    handoffs,
    matters,
    meetings,
    rota,
    survey,
    visits,
)

__all__ = ["QUERIES", "board_place"]


@strawberry.field(description="楼栋的楼长候选人（按优先级排序）/ a building's candidates, ranked")
async def building_head_candidates(info: Info, building_id: strawberry.ID, first: int,
                                   after: str | None = None, include_closed: bool = False
                                   ) -> Connection[BuildingHeadCandidate]:
    check_first(first)
    start = decode_cursor(after)
    building = pk(building_id, "Building", "buildingId")
    assert building is not None

    async def work(access: Access) -> list[dict[str, Any]]:
        return await appointments.candidate_ranking(access, building, include_closed)

    rows = await read(info, work)
    ranked = [(position, row) for position, row in enumerate(rows, 1)][start:start + first + 1]
    return make_connection(ranked, first, lambda pr: BuildingHeadCandidate.from_row(pr[1]),
                           pk=lambda pr: int(pr[0]))


@strawberry.field(description="楼长任期（默认只列在任）/ terms of building heads (serving only "
                              "unless includeEnded)")
async def building_heads(info: Info, first: int, after: str | None = None,
                         building_id: strawberry.ID | None = None, include_ended: bool = False
                         ) -> Connection[BuildingHeadAppointment]:
    check_first(first)
    start = decode_cursor(after)
    building = pk(building_id, "Building", "buildingId")

    async def work(access: Access) -> list[dict[str, Any]]:
        return await appointments.appointment_page(access, first, start, building_id=building,
                                                   include_ended=include_ended)

    rows = await read(info, work)
    return make_connection(rows, first, BuildingHeadAppointment.from_row)


@strawberry.field(description="红旗驿站 / stations")
async def building_head_stations(info: Info, first: int, after: str | None = None
                                 ) -> Connection[BuildingHeadStation]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        limit = access.limit("building_heads.read")
        communities = None if limit is None else set(limit.community_ids)
        return await rota.list_stations(first, start, communities)

    return make_connection(await read(info, work), first, BuildingHeadStation.from_row)


@strawberry.field(description="驿站排班（与时段相交的班次）/ a station's shifts in a period")
async def building_head_rota(info: Info, station_id: strawberry.ID, starts_on: date,
                             ends_on: date) -> list[BuildingHeadRotaShift]:
    station = pk(station_id, "BuildingHeadStation", "stationId")
    assert station is not None

    async def work(access: Access) -> list[dict[str, Any]]:
        await rota.station_for(access, "building_heads.read", station)
        return await rota.shifts_between(station, starts_on, ends_on)

    return [BuildingHeadRotaShift.from_row(r) for r in await read(info, work)]


@strawberry.field(description="楼长年度考评 / yearly evaluations")
async def building_head_evaluations(info: Info, year: int, first: int, after: str | None = None
                                    ) -> Connection[BuildingHeadEvaluation]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        return await rota.evaluation_page(access, year, first, start)

    return make_connection(await read(info, work), first, BuildingHeadEvaluation.from_row)


def board_place(compound_id: str | None, community_id: str | None,
                station_id: str | None = None) -> tuple[int | None, int | None, int | None]:
    """The board asked for: exactly one of a compound, a community or a 红旗驿站."""
    if sum(x is not None for x in (compound_id, community_id, station_id)) != 1:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "请指定红旗驿站、小区或社区（三选一）",
                       "name one of stationId, compoundId or communityId", "compoundId")
    return (pk(compound_id, "Compound", "compoundId"),
            pk(community_id, "Community", "communityId"),
            pk(station_id, "BuildingHeadStation", "stationId"))


@strawberry.field(description="红旗驿站议事公开栏：驿站、小区或社区的公开议事板，最新的在前（可匿名，用 "
                              "X-Linli-Node 指定街镇）/ the public matter board of a compound or "
                              "community, newest first (anonymous reads name the node with "
                              "X-Linli-Node)")
async def building_head_board(info: Info, first: int, after: str | None = None,
                              compound_id: strawberry.ID | None = None,
                              community_id: strawberry.ID | None = None,
                              station_id: strawberry.ID | None = None
                              ) -> Connection[BuildingHeadMatter]:
    check_first(first)
    before = decode_cursor(after)
    compound, community, station = board_place(compound_id, community_id, station_id)
    async with public_read(info.context):
        rows = await matters.board_matters(compound_id=compound, community_id=community,
                                           station_id=station, first=first, before_id=before)
    return make_connection(rows, first, BuildingHeadMatter.from_row)


# -- coverage and overdue -----------------------------------------------------------------------
_LEVEL_TYPES = {"building": "Building", "grid": "Grid", "community": "Community",
                "tenant": "Tenant"}


@strawberry.field(description="走访覆盖率（楼栋/网格/社区/街镇）/ visit coverage per building, grid, "
                              "community or tenant")
async def building_head_coverage(info: Info, level: BuildingHeadCoverageLevel,
                                 id: strawberry.ID | None = None, year: int | None = None,
                                 month: int | None = None) -> list[BuildingHeadCoverage]:
    tenant = await tenant_node(info)
    place_id = pk(id, _LEVEL_TYPES[level.value], "id")
    if level is BuildingHeadCoverageLevel.TENANT and place_id not in (None, tenant.id):
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该单位", "tenant not found", "id")
    async with info.context.read() as access:
        rows = await visits.coverage_for(access, tenant, level.value, place_id, year, month)
    return [BuildingHeadCoverage.of(r) for r in rows]


@strawberry.field(description="逾期未走访的住户 / households of a building overdue for a visit")
async def building_head_overdue(info: Info, building_id: strawberry.ID, first: int,
                                after: str | None = None
                                ) -> Connection[BuildingHeadOverdueHousehold]:
    check_first(first)
    start = decode_cursor(after)
    building = pk(building_id, "Building", "buildingId")
    assert building is not None
    async with info.context.read() as access:
        rows = await visits.overdue_page(access, building, after=start, first=first)
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
    async with ctx.read():
        rows = await visits.region_coverage_rows(node, visits.make_period(year, None))
    return [BuildingHeadCoverage.of(r) for r in rows]


# -- visit tasks --------------------------------------------------------------------------------
@strawberry.field(description="我负责楼栋的走访任务 / visit tasks of the caller's buildings")
async def building_head_visit_tasks(info: Info, first: int, after: str | None = None,
                                    status: BuildingHeadVisitTaskStatus | None = None
                                    ) -> Connection[BuildingHeadVisitTask]:
    check_first(first)
    start = decode_cursor(after)
    async with info.context.read() as access:
        rows = await visits.visit_tasks_page(access, status=status.value if status else None,
                                             after=start, first=first)
    return make_connection(rows, first, BuildingHeadVisitTask.of)


@strawberry.field(description="履职记录（最新的在前）/ duties recorded, newest first")
async def building_head_duties(info: Info, first: int, after: str | None = None,
                               building_id: strawberry.ID | None = None,
                               kind: BuildingHeadDutyKind | None = None
                               ) -> Connection[BuildingHeadDuty]:
    check_first(first)
    start = decode_cursor(after)
    building = pk(building_id, "Building", "buildingId")

    async def work(access: Access) -> list[dict[str, Any]]:
        return await duties.duties_page(access, first, start, building_id=building,
                                        kind=kind.value if kind else None)

    return make_connection(await read(info, work), first, BuildingHeadDuty.from_row)


@strawberry.field(description="本月走访提醒名单（可打印，抄送社区工作人员）/ this month's visit "
                              "reminder as a printable list", metadata={LIST_BOUND: 200})
async def building_head_reminder_list(info: Info, year: int | None = None,
                                      month: int | None = None
                                      ) -> list[BuildingHeadReminderLine]:
    async def work(access: Access) -> Any:
        return await visits.reminder_list(access, year, month)

    lines, names = await read(info, work)
    return [BuildingHeadReminderLine(
        building_id=encode_global_id("Building", line.building_id), building=line.building,
        head_name=names.get(line.head_resident_id, "") if line.head_resident_id else "",
        head_has_account=line.head_has_account, rooms=line.rooms) for line in lines]


@strawberry.field(description="三方联席会议与民情恳谈会（最新的在前）/ meetings, newest first")
async def building_head_meetings(info: Info, first: int, after: str | None = None,
                                 station_id: strawberry.ID | None = None,
                                 matter_id: strawberry.ID | None = None
                                 ) -> Connection[BuildingHeadMeeting]:
    check_first(first)
    start = decode_cursor(after)
    station = pk(station_id, "BuildingHeadStation", "stationId")
    matter = pk(matter_id, "BuildingHeadMatter", "matterId")

    async def work(access: Access) -> list[dict[str, Any]]:
        return await meetings.meetings_page(access, first, start, station_id=station,
                                            matter_id=matter)

    return make_connection(await read(info, work), first, BuildingHeadMeeting.from_row)


@strawberry.field(description="楼长满意度测评结果（匿名）/ a building's survey of its head")
async def building_head_survey(info: Info, building_id: strawberry.ID, year: int | None = None
                               ) -> BuildingHeadSurvey:
    building = pk(building_id, "Building", "buildingId")
    assert building is not None

    async def work(access: Access) -> survey.SurveyResult:
        return await survey.survey_of(access, building, year or today_shanghai().year)

    result = await read(info, work)
    return BuildingHeadSurvey(
        building_id=encode_global_id("Building", result.building_id), year=result.year,
        households=result.households, responses=result.responses,
        average=result.average_x100 / 100 if result.average_x100 is not None else None)


@strawberry.field(description="转交（双向进入）：转给我的或我转出的，最新的在前 / hand-offs to me or "
                              "by me, newest first")
async def building_head_handoffs(info: Info, direction: BuildingHeadHandoffDirection,
                                 first: int, after: str | None = None,
                                 open_only: bool = False) -> Connection[BuildingHeadHandoff]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        return await handoffs.handoffs_page(access, direction.value, first, start,
                                            status="open" if open_only else None)

    return make_connection(await read(info, work), first, BuildingHeadHandoff.from_row)


@strawberry.field(description="物业公司（按名称）/ property companies, by name",
                  metadata={LIST_BOUND: 200})
async def building_head_property_companies(info: Info,
                                           community_id: strawberry.ID | None = None
                                           ) -> list[BuildingHeadPropertyCompany]:
    community = pk(community_id, "Community", "communityId")

    async def work(access: Access) -> list[dict[str, Any]]:
        return await companies.property_companies(access, community)

    return [BuildingHeadPropertyCompany.from_row(r) for r in await read(info, work)]


QUERIES: list[Any] = [
    building_head_candidates, building_heads,
    building_head_coverage, building_head_overdue, building_head_region_coverage,
    building_head_visit_tasks, building_head_reminder_list, building_head_duties,
    building_head_board, building_head_meetings, building_head_handoffs,
    building_head_property_companies,
    building_head_stations, building_head_rota, building_head_evaluations, building_head_survey,
]
"""Query fields in schema order (``linli_query_fields``)."""
