"""Query fields of the plugin: the catalogue, claims (the review queue and the notice list),
an account with its statement, the shop and rankings. Each decodes its arguments, asks a service
inside the request's scope and builds the answer."""

from __future__ import annotations

from typing import Any

import strawberry

from core.plugin import (
    Access,
    ApiError,
    Connection,
    Info,
    check_first,
    choose,
    decode_cursor,
    encode_global_id,
    make_connection,
    pk_of,
    public_read,
    today_shanghai,
)
from plugins.points_market.schema.types import (
    PointsMarketAccount,
    PointsMarketClaim,
    PointsMarketGood,
    PointsMarketItem,
    PointsMarketNoticeLine,
    PointsMarketRankRow,
    load_statement,
    read,
    statement_page,
    statement_wanted,
)
from plugins.points_market.services import access as acl
from plugins.points_market.services import pages, reports

__all__ = ["QUERIES"]


def _after(after: str | None) -> int | None:
    return decode_cursor(after) if after else None


@strawberry.field(description="积分事项目录（各版本）/ the catalogue, every version")
async def points_market_items(info: Info, first: int, after: str | None = None
                              ) -> Connection[PointsMarketItem]:
    check_first(first)
    start = _after(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        acl.require(access, "points_market.read")
        return await pages.item_page(first, start)

    return make_connection(await read(info, work), first, PointsMarketItem.from_row)


@strawberry.field(description="积分申报（新→旧；可按状态、社区/村筛选）/ claims, newest first")
async def points_market_claims(info: Info, first: int, after: str | None = None,
                               status: str | None = None,
                               community_id: strawberry.ID | None = None
                               ) -> Connection[PointsMarketClaim]:
    check_first(first)
    start = _after(after)
    community = pk_of(community_id, "Community", "communityId")

    async def work(access: Access) -> list[dict[str, Any]]:
        acl.require(access, "points_market.read")
        return await pages.claim_page(first, start, status=status, community_id=community)

    return make_connection(await read(info, work), first, PointsMarketClaim.from_row)


@strawberry.field(description="居民或家庭的积分账户 / a resident's or household's account")
async def points_market_account(info: Info, resident_id: strawberry.ID | None = None,
                                household_id: strawberry.ID | None = None
                                ) -> PointsMarketAccount:
    wanted = statement_wanted(info)

    async def work(access: Access) -> PointsMarketAccount:
        resident = pk_of(resident_id, "Resident", "residentId")
        household = pk_of(household_id, "Household", "householdId")
        if (resident is None) == (household is None):
            raise ApiError.invalid("residentId", "请指定居民或家庭（二选一）",
                                   "name either a resident or a household")
        if resident is not None:
            acl.may_read_resident(access, resident)
            kind, owner = "resident", resident
        else:
            acl.require(access, "points_market.read")
            kind, owner = "household", household or 0
        page = None
        if wanted is not None and wanted[1] is None:   # the first page: one read with figures
            figures, rows = await reports.account_with_page(
                kind, owner, access.node_id, access.node_path, first=wanted[0])
            page = await statement_page(wanted[0], None, rows)
        else:
            figures = await reports.figures_of(kind, owner, access.node_id, access.node_path)
            if figures.account_id is not None and wanted is not None:
                page = await load_statement(figures.account_id, *wanted)
        return PointsMarketAccount(
            kind=kind, owner_id=strawberry.ID(str(resident_id or household_id)),
            balance=figures.balance, earned=figures.earned, stars=figures.stars,
            star_rule_version=figures.rule_version, account_pk=figures.account_id,
            prefetched=page)

    account: PointsMarketAccount = await read(info, work)
    return account


@strawberry.field(description="信义超市货架 / goods on the shelf")
async def points_market_goods(info: Info, first: int, after: str | None = None
                              ) -> Connection[PointsMarketGood]:
    check_first(first)
    start = _after(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        return await pages.good_page(first, start)

    return make_connection(await read(info, work), first, PointsMarketGood.from_row)


@strawberry.field(description="积分排行（季度或年度；按名次分页）/ quarterly or yearly ranking, "
                              "paged by rank")
async def points_market_ranking(info: Info, year: int, first: int, after: str | None = None,
                                quarter: int | None = None, household: bool = False
                                ) -> Connection[PointsMarketRankRow]:
    check_first(first)
    skip = decode_cursor(after)

    async def work(access: Access) -> list[reports.RankRow]:
        acl.require(access, "points_market.read")
        return await reports.ranking("household" if household else "resident", year, quarter,
                                     first=first + 1, skip=skip)

    return _rank_rows(await read(info, work), first, household)


def _rank_rows(rows: list[reports.RankRow], first: int, household: bool
               ) -> Connection[PointsMarketRankRow]:
    """A page of a ranking; the cursor is the rank (ranks run on without gaps)."""
    prefix = "Household" if household else "Resident"
    return make_connection(rows, first, lambda r: PointsMarketRankRow(
        rank=r.rank, kind=r.kind, owner_id=encode_global_id(prefix, r.owner_id),
        points=r.points, name=r.name), pk=lambda r: int(r.rank))


@strawberry.field(description="公开积分排行榜（只列出同意公开的居民；匿名访问用 X-Linli-Node 指定"
                              "街镇）/ the public ranking: only residents who agreed appear "
                              "(anonymous reads name the node with X-Linli-Node)")
async def points_market_public_ranking(info: Info, year: int, first: int,
                                       after: str | None = None, quarter: int | None = None,
                                       household: bool = False
                                       ) -> Connection[PointsMarketRankRow]:
    check_first(first)
    skip = decode_cursor(after)
    async with public_read(info.context):
        rows = await reports.ranking("household" if household else "resident", year, quarter,
                                     first=first + 1, public=True, skip=skip)
    return _rank_rows(rows, first, household)


@strawberry.field(description="公开公示栏：正在公示的积分申报（新→旧；姓名遮蔽；匿名访问用 X-Linli-Node "
                              "指定街镇）/ the public notice board: claims on notice today, "
                              "newest first, names masked (anonymous reads name the node with "
                              "X-Linli-Node)")
async def points_market_public_notices(info: Info, first: int, after: str | None = None,
                                       community_id: strawberry.ID | None = None
                                       ) -> Connection[PointsMarketNoticeLine]:
    check_first(first)
    before = _after(after)
    community = pk_of(community_id, "Community", "communityId")
    async with public_read(info.context):
        lines = await reports.public_notices(today_shanghai(), first + 1, community,
                                             before=before)
    return make_connection(lines, first, lambda n: PointsMarketNoticeLine(
        claim_id=encode_global_id("PointsMarketClaim", n.claim_id), subject_kind=n.subject_kind,
        name=n.name, community=n.community, item_code=n.item_code,
        item_name=choose(n.item_name_zh, n.item_name_en or n.item_name_zh), points=n.points,
        occurred_on=n.occurred_on, notice_starts_on=n.notice_from,
        notice_ends_on=n.notice_until), pk=lambda n: int(n.claim_id))


QUERIES = [points_market_items, points_market_claims, points_market_account,
           points_market_goods, points_market_ranking, points_market_public_ranking,
           points_market_public_notices]
