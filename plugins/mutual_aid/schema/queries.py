"""Query fields of the plugin: boxes and loans, the menu's orders and teams, notes, and the
two public boards (readable without login; name the tenant with X-Linli-Node)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import strawberry

from core.plugin import (
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
    MutualAidLoan,
    MutualAidNote,
    MutualAidOrder,
    MutualAidTeam,
    MutualAidTeamResponse,
)
from plugins.mutual_aid.services import boxes, menu, notes

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
                              "board: open needs with their +1s (no login needed)")
async def mutual_aid_needs_board(info: Info, first: int, after: str | None = None
                                 ) -> Connection[MutualAidOrder]:
    check_first(first)
    start = decode_cursor(after)
    async with public_read(info.context):
        rows = await menu.open_needs(first, start)
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


QUERIES = [mutual_aid_boxes, mutual_aid_loans, mutual_aid_orders, mutual_aid_teams,
           mutual_aid_notes, mutual_aid_needs_board, mutual_aid_notes_board,
           mutual_aid_team_response_times]
