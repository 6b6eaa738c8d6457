"""HTTP downloads of the points supermarket (``linli_routes``, under ``/p/points_market``):
the printable 公示栏 notice list of a village, the sheet for the public credit information
platform (公共信用信息平台) and a batch of point cards for printing. Each is for a signed-in
caller (or a counter API key) with the permission, at the node of ``X-Linli-Node``; every one
holds personal data or bearer serials, so every download is audited with its caller."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, Response, get

from core.plugin import Access, ApiError, Download, download, pk_of, today_shanghai
from plugins.points_market import NAME
from plugins.points_market.services import claims, reports, shop

__all__ = ["ROUTES"]


def _day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ApiError.invalid(field, "日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD") from exc


@get("/notice.xlsx")
async def notice_xlsx(request: Request[Any, Any, Any], community: str | None = None,
                      on: str | None = None) -> Response[Any]:
    """公示栏 The claims on notice on ``on`` (default today), of one village/community when
    ``community`` (a Community global id) is given."""
    async def make(access: Access) -> Download:
        community_id = pk_of(community, "Community", "community") if community else None
        day = _day(on, "on") or today_shanghai()
        rows = await claims.notice_list(community_id, day)
        data = await reports.sheet_xlsx(rows, "公示栏")
        return Download(data, f"公示栏-{day.isoformat()}.xlsx", (
            "points_market.export", "PointsMarketNotice", community_id or "",
            {"sheet": "notice", "on": day.isoformat(), "rows": len(rows)}))

    return await download(request, plugin=NAME, permission="points_market.read", make=make)


@get("/credit-platform.xlsx")
async def credit_platform_xlsx(request: Request[Any, Any, Any], start: str | None = None,
                               end: str | None = None) -> Response[Any]:
    """公共信用信息平台 The posted (approved and unchallenged) claims whose conduct happened
    from ``start`` to ``end`` (default: this year so far)."""
    async def make(access: Access) -> Download:
        today = today_shanghai()
        first = _day(start, "start") or date(today.year, 1, 1)
        last = _day(end, "end") or today
        rows = await reports.credit_rows(first, last)
        data = await reports.sheet_xlsx(rows, "公共信用信息平台")
        return Download(data, f"信用信息-{first.isoformat()}-{last.isoformat()}.xlsx", (
            "points_market.export", "PointsMarketClaim", "",
            {"sheet": "credit_platform", "start": first.isoformat(), "end": last.isoformat(),
             "rows": len(rows)}))

    return await download(request, plugin=NAME, permission="points_market.read", make=make)


@get("/cards.xlsx")
async def card_batch_xlsx(request: Request[Any, Any, Any], batch: str) -> Response[Any]:
    """信义积分卡 A batch's serials for printing (bearer tokens: managers only, audited)."""
    async def make(access: Access) -> Download:
        batch_id = pk_of(batch, "PointsMarketCardBatch", "batch")
        assert batch_id is not None
        row, cards = await shop.batch_cards(batch_id)
        data = shop.cards_xlsx(row, cards)
        return Download(data, f"积分卡-{row['prefix']}{batch_id:04d}.xlsx", (
            "points_market.export", "PointsMarketCardBatch", batch_id,
            {"sheet": "cards", "cards": len(cards)}))

    return await download(request, plugin=NAME, permission="points_market.manage", make=make)


ROUTES = [notice_xlsx, credit_platform_xlsx, card_batch_xlsx]
