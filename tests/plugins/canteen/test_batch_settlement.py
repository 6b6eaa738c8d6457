"""Batch upload (idempotent, per-row rejections), monthly settlement (10,000 meals match a hand
computation), review, frozen approved months with adjustments in the next month, payment by the
region and the Excel export."""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from core.errors import ApiError
from core.plugin import system_access
from plugins.canteen.services import batch, settlement
from plugins.canteen.tables import Meal, Settlement


def _csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    lines = ["卡号,日期,餐次,价格(分)"] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


async def _upload(city, street, data: bytes, name: str = "day.csv") -> batch.BatchReport:
    async with city.write(street):
        return await batch.upload_meals(city.system(street), int(street.canteen["id"]), data,
                                        name)


async def _count(city, street) -> list[dict]:
    async with city.read(street):
        return list(await Meal.select().order_by(Meal.id))


async def test_batch_upload_twice_changes_nothing(city):
    old = await city.elder("刘桂芝", date(1941, 1, 1))
    young = await city.elder("陈志强", date(1958, 1, 1))
    rows = [
        (old["card_token"], "2024-05-06", "lunch", "1000"),
        (old["card_token"], "2024-05-06", "晚餐", "900"),
        (young["card_token"], "2024-05-06", "lunch", "1000"),
        ("no-such-card", "2024-05-06", "lunch", "1000"),
        (old["card_token"], "2024-13-01", "lunch", "1000"),
        (old["card_token"], "2024-05-07", "lunch", "abc"),
        (old["card_token"], "2024-05-07", "supper", "1000"),
    ]
    first = await _upload(city, city.a, _csv(rows))
    assert (first.recorded, first.unchanged, first.subsidised) == (3, 0, 1)
    assert [(r.row, r.code, r.field) for r in first.rejected] == [
        (4, "NOT_FOUND", "cardToken"), (5, "INVALID_ARGUMENT", "servedOn"),
        (6, "INVALID_ARGUMENT", "priceFen"), (7, "INVALID_ARGUMENT", "slot")]
    before = await _count(city, city.a)
    second = await _upload(city, city.a, _csv(rows))
    assert (second.recorded, second.unchanged, len(second.rejected)) == (0, 3, 4)
    assert await _count(city, city.a) == before
    # XLSX with the same rows: unchanged too
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["card_token", "served_on", "slot", "price_fen"])
    for r in rows[:3]:
        sheet.append([r[0], date.fromisoformat(r[1]), r[2], int(r[3])])
    buf = io.BytesIO()
    book.save(buf)
    third = await _upload(city, city.a, buf.getvalue(), "day.xlsx")
    assert (third.recorded, third.unchanged, third.rejected) == (0, 3, [])
    with pytest.raises(ApiError) as err:
        await _upload(city, city.a, b"a,b\n1,2\n")
    assert (err.value.code, err.value.field) == ("INVALID_ARGUMENT", "file")


async def test_settlement_of_ten_thousand_meals(city):
    """10,000 meals (inserted directly: the rules are tested elsewhere) across brackets, slots
    and two canteens; the claim equals the sum computed by hand here."""
    rng = random.Random(14)
    canteen = int(city.a.canteen["id"])
    brackets = [("age_70_79", 200), ("age_80_plus", 400), ("age_70_79+dibao", 300), ("", 0)]
    expected: dict[str, list[int]] = {}
    rows = []
    for i in range(10_000):
        code, fen = brackets[rng.randrange(4)]
        price = rng.choice((600, 800, 1000, 1200))
        fen = min(fen, price)
        day = date(2024, 4, 1) + timedelta(days=i % 30)
        if fen:
            line = expected.setdefault(code, [0, 0])
            line[0] += 1
            line[1] += fen
        rows.append(Meal(tenant_id=city.a.node.id, canteen_id=canteen, elder_id=100_000 + i,
                         city_id=city.city.id, served_on=day, slot="lunch", price_fen=price,
                         subsidy_fen=fen, self_pay_fen=price - fen, bracket=code,
                         unsubsidised_reason="" if fen else "not_eligible",
                         settle_month="2024-04", meal_key=f"bulk:{i}", source="import",
                         recorded_at=datetime.now(UTC)))
    async with city.write(city.a):
        for start in range(0, len(rows), 1000):
            await Meal.insert(*rows[start:start + 1000])
        written = await settlement.generate_month(city.a.node.id, "2024-04")
        again = await settlement.generate_month(city.a.node.id, "2024-04")
        [claim] = await Settlement.select().where(Settlement.month == "2024-04")
    assert (written, again) == (1, 0)
    lines = {x["bracket"]: [x["meals"], x["fen"]] for x in json.loads(claim["lines"])}
    assert lines == expected
    assert claim["meals"] == 10_000
    assert claim["subsidised_meals"] == sum(v[0] for v in expected.values())
    assert claim["total_fen"] == sum(v[1] for v in expected.values())


async def test_review_freeze_adjust_pay_and_export(city, factory, linli_env):
    elder = await city.elder("吴秀兰", date(1935, 2, 2))
    await city.meal(city.a, elder, date(2024, 2, 5))
    await city.meal(city.a, elder, date(2024, 2, 6))
    async with city.write(city.a):
        access = system_access(city.a.node)
        assert await settlement.generate_month(city.a.node.id, "2024-02") == 1
        [claim] = await Settlement.select().where(Settlement.month == "2024-02")
        assert (claim["subsidised_meals"], claim["total_fen"]) == (2, 800)
        with pytest.raises(ApiError) as err:
            await settlement.review(access, int(claim["id"]), False, " ")
        assert err.value.field == "reason"
        returned = await settlement.review(access, int(claim["id"]), False, "缺签字")
        assert returned["status"] == "returned"
        with pytest.raises(ApiError):  # a returned claim is not reviewed again until refreshed
            await settlement.review(access, int(claim["id"]), True)
    await city.meal(city.a, elder, date(2024, 2, 7))   # the correction
    async with city.write(city.a):
        assert await settlement.generate_month(city.a.node.id, "2024-02") == 1
        approved = await settlement.review(access, int(claim["id"]), True)
        assert (approved["status"], approved["total_fen"]) == ("approved", 1200)
    # the approved month is frozen: a late meal for February counts in March as an adjustment
    late = await city.meal(city.a, elder, date(2024, 2, 8))
    assert (late["settle_month"], late["adjustment"]) == ("2024-03", True)
    async with city.write(city.a):
        assert await settlement.generate_month(city.a.node.id, "2024-02") == 0
        [feb] = await Settlement.select().where(Settlement.month == "2024-02")
        assert (feb["status"], feb["total_fen"], feb["subsidised_meals"]) == ("approved", 1200,
                                                                               3)
        await settlement.generate_month(city.a.node.id, "2024-03")
        [mar] = await Settlement.select().where(Settlement.month == "2024-03")
        assert (mar["total_fen"], mar["adjustment_fen"]) == (400, 400)
    # the district above marks February paid (its own row); the street office sees it
    district = await _district(city)
    finance = await factory.account(district, "canteen.finance")
    fin_access = await _access(linli_env, finance, district)
    async with linli_env.state.db.scoped(fin_access.scope, write=True):
        await settlement.mark_paid(fin_access, int(feb["id"]), date(2024, 3, 20))
        await settlement.mark_paid(fin_access, int(feb["id"]), date(2024, 3, 21))  # idempotent
        with pytest.raises(ApiError):
            await settlement.mark_paid(fin_access, int(mar["id"]))
    async with city.read(city.a):
        assert await settlement.paid_ids([int(feb["id"]), int(mar["id"])]) == {
            int(feb["id"]): date(2024, 3, 20)}
    from openpyxl import load_workbook

    data = settlement.export_xlsx("街道0", "2024-02", [feb], {int(feb["canteen_id"]): "幸福食堂0"})
    sheet = load_workbook(io.BytesIO(data)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1][:5] == ["序号", "食堂名称", "补贴档位", "补贴餐次", "金额（元）"]
    assert values[-1][1:5] == ["合计", None, 3, 12.0]


async def _district(city):
    from tenants.service import get_node

    async with city.env.state.db.transaction(write=False):
        return await get_node(city.a.node.parent_id)


async def _access(linli_env, account, node):
    from core.identity.auth import access_at, load_principal

    async with linli_env.state.db.transaction(write=False):
        principal = await load_principal(account.id, linli_env.state.rolebook)
        return await access_at(principal, node)
