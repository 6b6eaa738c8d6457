"""Publication: rankings (names withheld for residents without consent), star grades by the
tenant's thresholds, the printable notice sheet, and a person's data (PIPL)."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from core.plugin import today_shanghai
from plugins.points_market.services import claims, consent, personal_data_of, reports


async def test_quarterly_ranking_and_stars(market):
    await market.fund(market.resident.id, 45, key="a")
    await market.fund(market.neighbour.id, 12, key="b")
    today = today_shanghai()
    quarter = (today.month - 1) // 3 + 1
    async with market.read():
        top = await reports.ranking("resident", today.year, quarter)
    async with market.write():
        await consent.set_consent(market.neighbour.id, True, account_id=None)
        named = await reports.ranking("resident", today.year, None)
        figures = await reports.figures_of("resident", market.resident.id, market.node.id)
    assert [(r.owner_id, r.points, r.name) for r in top] == [
        (market.resident.id, 45, None), (market.neighbour.id, 12, None)]
    assert named[1].name == market.neighbour.name
    assert (figures.balance, figures.earned, figures.stars) == (45, 45, 2)


async def test_notice_sheet_prints_the_village_list(market):
    async with market.write():
        row = await claims.report_claim(item_code="C06", occurred_on=today_shanghai(),
                                        resident_id=market.resident.id)
        await claims.review_claim(row["id"], True, reviewer_account_id=None)
        board = await claims.notice_list(market.place.community.id)
        data = await reports.sheet_xlsx(board, "公示栏")
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == market.resident.name and rows[1][2] == "C06" and rows[1][4] == 10
    assert rows[1][8] == (today_shanghai() + timedelta(days=6)).isoformat()


async def test_personal_data_export_and_erase(market):
    await market.fund(market.resident.id, 5)
    async with market.write():
        await claims.report_claim(item_code="C04", occurred_on=today_shanghai(),
                                  resident_id=market.resident.id, evidence="张三扫雪")
        out = await personal_data_of(market.resident.id, "export")
        assert out["account"][0]["balance"] == 5 and out["claims"][0]["evidence"] == "张三扫雪"
        assert await personal_data_of(market.resident.id, "erase") == {"claims_blanked": 1}
        assert await personal_data_of(market.resident.id, "erase") == {"claims_blanked": 0}
        assert await personal_data_of(market.neighbour.id, "export") is None
