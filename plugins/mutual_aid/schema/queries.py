"""Query fields of the plugin: boxes and loans, the menu's orders and teams, notes, and the
two public boards (readable without login; name the tenant with X-Linli-Node)."""

from __future__ import annotations

import base64
from datetime import timedelta
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
    make_connection,
    now_utc,
)
from plugins.mutual_aid.schema.common import pk, public_read, read
from plugins.mutual_aid.schema.types import (
    MutualAidBox,
    MutualAidBoxMonth,
    MutualAidDish,
    MutualAidLoan,
    MutualAidNeedAge,
    MutualAidNote,
    MutualAidOrder,
    MutualAidProject,
    MutualAidSession,
    MutualAidTeam,
    MutualAidTeamResponse,
)
from plugins.mutual_aid.services import boxes, figures, menu, notes, projects, sessions

__all__ = ["QUERIES"]


def _require(access: Access, permission: str) -> None:
    if not access.has(permission):
        decision = access.check(permission)
        raise ApiError(ErrorCode.FORBIDDEN, decision.reason_zh, decision.reason_en)


@strawberry.field(description="便民箱及其物品 / boxes and their item lines")
async def mutual_aid_boxes(info: Info, first: int, after: str | None = None,
                           building_id: strawberry.ID | None = None
                           ) -> Connection[MutualAidBox]:
    check_first(first)
    start = decode_cursor(after)
    building = pk(building_id, "Building", "buildingId")

    async def work(access: Access) -> list[dict[str, Any]]:
        _require(access, "mutual_aid.read")
        return await boxes.box_page(access, first, start, building_id=building)

    return make_connection(await read(info, work), first, MutualAidBox.from_row)


@strawberry.field(description="借用记录（默认未还）/ loans (open ones unless includeReturned)")
async def mutual_aid_loans(info: Info, first: int, after: str | None = None,
                           overdue_only: bool = False, include_returned: bool = False
                           ) -> Connection[MutualAidLoan]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        _require(access, "mutual_aid.read")
        return await boxes.loan_page(access, first, start, overdue=overdue_only,
                                     open_only=not include_returned)

    return make_connection(await read(info, work), first, MutualAidLoan.from_row)


@strawberry.field(description="点单（员工看本社区，居民看自己的）/ orders (staff: their "
                              "communities; residents: their own)")
async def mutual_aid_orders(info: Info, first: int, after: str | None = None,
                            status: str | None = None, team_id: strawberry.ID | None = None
                            ) -> Connection[MutualAidOrder]:
    check_first(first)
    start = decode_cursor(after)
    team = pk(team_id, "MutualAidTeam", "teamId")

    async def work(access: Access) -> list[dict[str, Any]]:
        return await menu.order_page(access, first, start, status=status, team_id=team)

    return make_connection(await read(info, work), first, MutualAidOrder.from_row)


@strawberry.field(description="社区的志愿服务队 / a community's volunteer teams")
async def mutual_aid_teams(info: Info, community_id: strawberry.ID) -> list[MutualAidTeam]:
    community = pk(community_id, "Community", "communityId")
    assert community is not None
    async with public_read(info.context):
        rows = await menu.teams_of(community)
    return [MutualAidTeam.from_row(r) for r in rows]


@strawberry.field(description="菜单：服务队提供的菜品（公开，无需登录）/ the menu: the dishes teams "
                              "offer (public, no login needed)")
async def mutual_aid_dishes(info: Info, first: int, after: str | None = None,
                            community_id: strawberry.ID | None = None,
                            team_id: strawberry.ID | None = None, mode: str | None = None,
                            include_inactive: bool = False) -> Connection[MutualAidDish]:
    check_first(first)
    start = decode_cursor(after)
    community = pk(community_id, "Community", "communityId")
    team = pk(team_id, "MutualAidTeam", "teamId")
    async with public_read(info.context):
        rows = await menu.dish_page(first, start, community_id=community, team_id=team,
                                    mode=mode, active_only=not include_inactive)
    return make_connection(rows, first, MutualAidDish.from_row)


@strawberry.field(description="集体活动场次，按开始时间（默认只列未开始的；含名额与报名数；公开）/ "
                              "group sessions in start order (upcoming unless includePast), "
                              "with places and sign-ups (public)")
async def mutual_aid_sessions(info: Info, first: int, after: str | None = None,
                              community_id: strawberry.ID | None = None,
                              team_id: strawberry.ID | None = None,
                              dish_id: strawberry.ID | None = None,
                              include_past: bool = False) -> Connection[MutualAidSession]:
    check_first(first)
    # the cursor is a position in start-time order (a start time is not an id)
    offset = decode_cursor(after)
    community = pk(community_id, "Community", "communityId")
    team = pk(team_id, "MutualAidTeam", "teamId")
    dish = pk(dish_id, "MutualAidDish", "dishId")
    async with public_read(info.context):
        rows = await sessions.session_page(first, offset, since=None if include_past else now_utc(),
                                           community_id=community, team_id=team, dish_id=dish)
    return make_connection(rows, first, MutualAidSession.from_row,
                           pk=lambda r: int(r["position"]))


@strawberry.field(description="红便签（待审、已公开、已隐藏）/ notes for moderation")
async def mutual_aid_notes(info: Info, first: int, after: str | None = None,
                           status: str | None = None) -> Connection[MutualAidNote]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        _require(access, "mutual_aid.moderate")
        return await notes.note_page(first, start, public=False, status=status)

    return make_connection(await read(info, work), first, MutualAidNote.from_row)


@strawberry.field(description="公开需求榜：未办结的需求及附议数（无需登录）/ the public needs "
                              "board: open needs with their +1s, of one community or the "
                              "whole tenant (no login needed)")
async def mutual_aid_needs_board(info: Info, first: int, after: str | None = None,
                                 community_id: strawberry.ID | None = None
                                 ) -> Connection[MutualAidOrder]:
    check_first(first)
    start = decode_cursor(after)
    community = pk(community_id, "Community", "communityId")
    async with public_read(info.context):
        rows = await menu.open_needs(first, start, community)
    return make_connection(rows, first, MutualAidOrder.from_row)


@strawberry.field(description="公开红便签栏：已公开的便签与答复（无需登录）/ the public note "
                              "board: published notes and answers (no login needed)")
async def mutual_aid_notes_board(info: Info, first: int, after: str | None = None,
                                 community_id: strawberry.ID | None = None
                                 ) -> Connection[MutualAidNote]:
    check_first(first)
    start = decode_cursor(after)
    community = pk(community_id, "Community", "communityId")
    async with public_read(info.context):
        rows = await notes.note_page(first, start, public=True, community_id=community)
    return make_connection(rows, first, MutualAidNote.from_row)


@strawberry.field(description="各服务队响应时效（公开，无需登录）/ response times per team "
                              "(public, no login needed)")
async def mutual_aid_team_response_times(info: Info, community_id: strawberry.ID,
                                         days: int = 90) -> list[MutualAidTeamResponse]:
    community = pk(community_id, "Community", "communityId")
    assert community is not None
    if not 1 <= days <= 366:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "天数须在1到366之间", "days must be 1–366",
                       "days")
    async with public_read(info.context):
        rows = await menu.response_times(community, now_utc() - timedelta(days=days))
    return [MutualAidTeamResponse.from_row(r) for r in rows]


@strawberry.field(description="红邻菜单项目（4有循环）/ menu projects through the 4有 cycle")
async def mutual_aid_projects(info: Info, first: int, after: str | None = None,
                              community_id: strawberry.ID | None = None
                              ) -> Connection[MutualAidProject]:
    check_first(first)
    start = decode_cursor(after)
    community = pk(community_id, "Community", "communityId")

    async def work(access: Access) -> list[dict[str, Any]]:
        _require_read(access)
        return await projects.project_page(access, first, start, community)

    return make_connection(await read(info, work), first, MutualAidProject.from_row)


def _require_read(access: Access) -> None:
    _require(access, "mutual_aid.read")


async def _box_month(info: Info, month: str, community_id: strawberry.ID | None
                     ) -> list[figures.BuildingMonth]:
    community = pk(community_id, "Community", "communityId")

    async def work(access: Access) -> list[figures.BuildingMonth]:
        _require_read(access)
        return await figures.box_summary(month, community)

    return await read(info, work)


@strawberry.field(description="便民箱月度借用情况（按楼栋：借出、归还、逾期、取用、捐赠、丢失损坏、"
                              "借用最多的物品）/ what the boxes lent in a month, per building",
                  metadata={LIST_BOUND: 200})
async def mutual_aid_box_summary(info: Info, month: str,
                                 community_id: strawberry.ID | None = None
                                 ) -> list[MutualAidBoxMonth]:
    return [MutualAidBoxMonth.of(r) for r in await _box_month(info, month, community_id)]


@strawberry.field(description="下载便民箱月度借用情况（xlsx，base64）/ the month's box summary "
                              "as an .xlsx sheet (base64)")
async def mutual_aid_box_summary_export(info: Info, month: str,
                                        community_id: strawberry.ID | None = None) -> str:
    rows = await _box_month(info, month, community_id)
    node = await info.context.node()
    data = figures.box_summary_xlsx(node.name, month, rows)
    return base64.b64encode(data).decode()


@strawberry.field(description="下载各服务队响应时效（xlsx，base64）/ the teams' response times "
                              "as an .xlsx sheet (base64)")
async def mutual_aid_response_times_export(info: Info, community_id: strawberry.ID,
                                           days: int = 90) -> str:
    community = pk(community_id, "Community", "communityId")
    assert community is not None
    if not 1 <= days <= 366:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "天数须在1到366之间", "days must be 1–366",
                       "days")

    async def work(access: Access) -> list[dict[str, Any]]:
        _require_read(access)
        return await menu.response_times(community, now_utc() - timedelta(days=days))

    async def ages(access: Access) -> list[dict[str, Any]]:
        return await figures.open_needs_by_age(community, now_utc())

    rows = await read(info, work)
    aged = await read(info, ages)
    node = await info.context.node()
    return base64.b64encode(figures.response_times_xlsx(node.name, rows, aged)).decode()


@strawberry.field(description="未办结需求按等待时长统计（公开，无需登录）/ open needs by age "
                              "(public, no login needed)", metadata={LIST_BOUND: 4})
async def mutual_aid_open_needs_by_age(info: Info, community_id: strawberry.ID
                                       ) -> list[MutualAidNeedAge]:
    community = pk(community_id, "Community", "communityId")
    assert community is not None
    async with public_read(info.context):
        rows = await figures.open_needs_by_age(community, now_utc())
    return [MutualAidNeedAge(**r) for r in rows]


QUERIES = [mutual_aid_boxes, mutual_aid_loans, mutual_aid_orders, mutual_aid_teams,
           mutual_aid_dishes, mutual_aid_sessions,
           mutual_aid_notes, mutual_aid_needs_board, mutual_aid_notes_board,
           mutual_aid_team_response_times, mutual_aid_projects, mutual_aid_box_summary,
           mutual_aid_box_summary_export, mutual_aid_response_times_export,
           mutual_aid_open_needs_by_age]
