"""``linli canteen import-meals FILE --node CODE [--canteen ID] [--source …]`` (core's
``linli_cli_commands``): a long meals file recorded through the batch-upload service in batches,
rows done / total on stderr, each rejected row printed (exit 1), idempotent on a second run;
the city-wide once-a-slot rule applies; refused where the plugin is off."""

from __future__ import annotations

import functools
import io
from datetime import date, timedelta
from typing import Any

import pytest
from canteen_kit import enable, gid
from openpyxl import Workbook

from plugins.canteen.tables import Meal


@pytest.fixture
def linli(run_linli: Any) -> Any:
    return functools.partial(run_linli, "canteen")


async def _meals(city: Any, street: Any) -> list[dict[str, Any]]:
    async with city.read(street):
        return list(await Meal.select().order_by(Meal.id))


async def test_a_long_csv_with_progress_rejections_and_a_second_run(city, linli, tmp_path):
    elders = [await city.elder(f"导入{i}", date(1940 + i, 5, 1)) for i in range(3)]
    start = date(2024, 1, 1)
    lines = ["卡号,日期,餐次,价格(分)"]
    for n in range(450):
        token = elders[n % 3]["card_token"]
        if n == 7:
            token = "no-such-card"
        day = "2024-02-31" if n == 11 else (start + timedelta(days=n // 3)).isoformat()
        lines.append(f"{token},{day},lunch,1000")
    # the same meal again (unchanged) and the same slot at another price (refused)
    lines.append(f"{elders[0]['card_token']},{start.isoformat()},lunch,1000")
    lines.append(f"{elders[0]['card_token']},{start.isoformat()},lunch,800")
    path = tmp_path / "meals.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    out = await linli("import-meals", str(path), "--node", city.a.node.code)
    assert out.exit_code == 1, out.output          # rows were rejected
    assert "导入 importing: 0/452" in out.output and "导入 importing: 452/452" in out.output
    assert any(f"导入 importing: {k}/452" in out.output for k in range(200, 300)), out.output
    assert "第 8 行 / row 8" in out.output and "[cardToken]" in out.output
    assert "第 12 行 / row 12" in out.output and "[servedOn]" in out.output
    assert "第 452 行 / row 452" in out.output and "(CONFLICT)" in out.output
    assert "recorded 448 (subsidised 448), unchanged 1, rejected 3" in out.output, out.output
    meals = await _meals(city, city.a)
    assert len(meals) == 448 and {m["source"] for m in meals} == {"batch"}
    again = await linli("import-meals", str(path), "--node", city.a.node.code,
                        "--canteen", str(city.a.canteen["id"]))
    assert "recorded 0 (subsidised 0), unchanged 449, rejected 3" in again.output, again.output
    assert await _meals(city, city.a) == meals


async def test_city_system_xlsx_the_slot_city_wide_and_the_refusals(city, linli, tmp_path):
    elder = await city.elder("王秀英", date(1938, 2, 2))
    day = date(2024, 6, 3)
    book = Workbook()
    book.active.append(["card_token", "served_on", "slot", "price_fen"])
    book.active.append([elder["card_token"], day, "午餐", 1000])
    book.active.append([elder["card_token"], day, "dinner", 1000])
    buf = io.BytesIO()
    book.save(buf)
    path = tmp_path / "city.xlsx"
    path.write_bytes(buf.getvalue())
    canteen_b = gid("CanteenCanteen", int(city.b.canteen["id"]))
    await city.meal(city.a, elder, day, "lunch")   # street A's counter served lunch
    out = await linli("import-meals", str(path), "--node", city.b.node.code,
                      "--canteen", canteen_b, "--source", "city-system")
    assert out.exit_code == 1, out.output
    assert "第 1 行 / row 1" in out.output and "[slot] (CONFLICT)" in out.output
    assert "recorded 1 (subsidised 0), unchanged 0, rejected 1" in out.output, out.output
    [dinner] = await _meals(city, city.b)
    assert (dinner["slot"], dinner["source"], dinner["subsidy_fen"]) == ("dinner", "import", 0)
    other = await linli("import-meals", str(path), "--node", city.a.node.code,
                        "--canteen", canteen_b)    # street B's canteen is not A's
    assert other.exit_code == 1 and "NOT_FOUND" in other.output
    await enable(city.env, city.b.node, enabled=False)
    off = await linli("import-meals", str(path), "--node", city.b.node.code)
    assert off.exit_code == 1 and "PLUGIN_DISABLED" in off.output
