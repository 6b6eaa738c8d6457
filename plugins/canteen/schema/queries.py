"""Query fields of the plugin: canteens, the elder registry, meals, claims, signals and the
public weekly menu. Each decodes its arguments, asks a service inside the request's scope and
builds the answer."""

from __future__ import annotations

import base64
import re
from datetime import date, timedelta
from typing import Annotated, Any

import strawberry

from core.plugin import (
    Access,
    ApiError,
    Connection,
    Info,
    check_first,
    decode_cursor,
    get_node,
    make_connection,
    today_shanghai,
)
from plugins.canteen.schema.common import pk, public_read, read, required_pk
from plugins.canteen.schema.types import (
    CanteenBracketCount,
    CanteenCanteen,
    CanteenDayStat,
    CanteenElder,
    CanteenMeal,
    CanteenMenuItem,
    CanteenPublicCanteen,
    CanteenSettlement,
)
from plugins.canteen.services import canteens, elders, meals, settlement, signals
from plugins.canteen.services.common import require

__all__ = ["QUERIES"]

_MONTH = "^[0-9]{4}-(0[1-9]|1[0-2])$"


def _month(value: str | None) -> str | None:
    if value is not None and not re.match(_MONTH, value):
        raise ApiError.invalid("month", "月份格式须为 YYYY-MM", "the month is YYYY-MM")
    return value


def _range(start: date, end: date) -> None:
    if end < start or (end - start).days > 366:
        raise ApiError.invalid("to", "日期范围无效（最长一年）", "invalid range (a year at most)")


@strawberry.field(description="本街镇的幸福食堂 / the tenant's canteens")
async def canteen_canteens(info: Info, first: int, after: str | None = None
                           ) -> Connection[CanteenCanteen]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        return await canteens.canteen_page(access, first, start)

    return make_connection(await read(info, work), first, CanteenCanteen.from_row)


@strawberry.field(description="刷卡识别老人（卡号或二维码）/ identify an elder by card or QR token")
async def canteen_identify_elder(info: Info, card_token: str) -> CanteenElder:
    async def work(access: Access) -> dict[str, Any]:
        if not (access.has("canteen.serve") or access.has("canteen.elders")):
            raise ApiError.forbidden("没有权限", "permission denied")
        return await elders.find_elder(card_token=card_token)

    return CanteenElder.from_row(await read(info, work))


@strawberry.field(description="按姓名查找登记的老人 / search the elder registry by name prefix")
async def canteen_elders(info: Info, name: str, first: int, after: str | None = None
                         ) -> Connection[CanteenElder]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        if not (access.has("canteen.serve") or access.has("canteen.elders")):
            raise ApiError.forbidden("没有权限", "permission denied")
        return await elders.search_elders(name, first, start or None)

    return make_connection(await read(info, work), first, CanteenElder.from_row)


@strawberry.field(description="就餐记录 / meals of the tenant's canteens")
async def canteen_meals(info: Info, first: int, after: str | None = None,
                        canteen_id: strawberry.ID | None = None,
                        served_on: date | None = None) -> Connection[CanteenMeal]:
    check_first(first)
    start = decode_cursor(after)
    canteen = pk(canteen_id, "CanteenCanteen", "canteenId")

    async def work(access: Access) -> list[dict[str, Any]]:
        return await meals.meal_page(access, first, start, canteen_id=canteen,
                                     served_on=served_on)

    return make_connection(await read(info, work), first, CanteenMeal.from_row)


@strawberry.field(description="月度结算单 / monthly claims (a region sees its tenants')")
async def canteen_settlements(info: Info, first: int, after: str | None = None,
                              month: str | None = None) -> Connection[CanteenSettlement]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        return await settlement.settlement_page(access, first, start, _month(month))

    return make_connection(await read(info, work), first, CanteenSettlement.from_row)


@strawberry.field(description="结算表 Excel（base64）/ the month's claims as an Excel sheet, "
                              "base64")
async def canteen_settlement_export(info: Info, month: str) -> str:
    async def work(access: Access) -> bytes:
        _month(month)
        require(access, "canteen.read")
        rows = await settlement.settlement_page(access, 100, 0, month)
        node = await get_node(access.node_id)
        names = await canteens.names_of([int(r["canteen_id"]) for r in rows])
        return settlement.export_xlsx(node.name if node else "", month, rows, names)

    return base64.b64encode(await read(info, work)).decode()


@strawberry.field(description="每日就餐统计与上座率 / meals per canteen per day, utilisation")
async def canteen_daily_stats(info: Info, from_: Annotated[date, strawberry.argument(
        name="from")], to: date, canteen_id: strawberry.ID | None = None
                              ) -> list[CanteenDayStat]:
    canteen = pk(canteen_id, "CanteenCanteen", "canteenId")

    async def work(access: Access) -> list[signals.DayStat]:
        _range(from_, to)
        rows = await canteens.canteen_page(access, 100, 0)
        ids = [int(r["id"]) for r in rows if canteen in (None, int(r["id"]))]
        return await signals.daily_stats(ids, from_, to)

    return [CanteenDayStat.of(s) for s in await read(info, work)]


@strawberry.field(description="按档位统计受补贴老人数 / elders subsidised by bracket")
async def canteen_elders_by_bracket(info: Info, from_: Annotated[date, strawberry.argument(
        name="from")], to: date) -> list[CanteenBracketCount]:
    async def work(access: Access) -> dict[str, int]:
        _range(from_, to)
        rows = await canteens.canteen_page(access, 100, 0)
        return await signals.elders_by_bracket([int(r["id"]) for r in rows], from_, to)

    found = await read(info, work)
    return [CanteenBracketCount(bracket=b, elders=n) for b, n in sorted(found.items())]


@strawberry.field(description="食堂本周菜单（可匿名，用 X-Linli-Node 指定街镇）/ a canteen's "
                              "weekly menu (anonymous readers name the node with X-Linli-Node)")
async def canteen_menu(info: Info, canteen_id: strawberry.ID, week_starts_on: date | None = None
                       ) -> list[CanteenMenuItem]:
    canteen = required_pk(canteen_id, "CanteenCanteen", "canteenId")
    today = today_shanghai()
    monday = week_starts_on or (today - timedelta(days=today.weekday()))
    async with public_read(info.context):
        found = await canteens.get_canteen(canteen)
        if found is None:
            raise ApiError.not_found("食堂", "canteen", "canteenId")
        rows = (await canteens.menu_of([canteen], monday))[canteen]
    return [CanteenMenuItem.from_row(r) for r in rows]


@strawberry.field(description="街镇的幸福食堂（可匿名，用 X-Linli-Node 指定街镇；不含规划中与已关闭的）"
                              "/ a tenant's canteens for residents, no login (name the node "
                              "with X-Linli-Node); planned and closed ones are not listed")
async def canteen_public_canteens(info: Info, first: int, after: str | None = None
                                  ) -> Connection[CanteenPublicCanteen]:
    check_first(first)
    start = decode_cursor(after)
    async with public_read(info.context) as tenant_id:
        rows = await canteens.public_canteen_page(tenant_id, first, start)
    return make_connection(rows, first, CanteenPublicCanteen.from_row)


QUERIES: list[Any] = [
    canteen_canteens, canteen_identify_elder, canteen_elders, canteen_meals,
    canteen_settlements, canteen_settlement_export, canteen_daily_stats,
    canteen_elders_by_bracket, canteen_menu, canteen_public_canteens,
]
"""Query fields in schema order (``linli_query_fields``)."""
