"""``linli blood-drive import-results FILE --node CODE --session ID`` (core's
``linli_cli_commands``): a long station file (.csv or .xlsx) imported into a session's campaign
in batches, rows done / total on stderr, each rejected row printed, idempotent on a second run;
refused where the plugin is off."""

from __future__ import annotations

import functools
import io
from datetime import date, timedelta
from typing import Any

import pytest
from openpyxl import Workbook

from core.people.residents import apply_resident, make_resident_data
from core.testing import id_number
from plugins.blood_drive.tables import Donation

HEADER = ["血站记录号", "身份证号", "献血日期", "结果", "类型", "献血量", "治疗单位", "暂缓原因"]




@pytest.fixture
def linli(run_linli: Any) -> Any:
    return functools.partial(run_linli, "blood-drive")


async def _people(world: Any, n: int) -> list[str]:
    numbers = [id_number(date(1980 + i, 3, 1 + i)) for i in range(n)]
    async with world.write(world.a.node):
        for i, number in enumerate(numbers):
            await apply_resident(make_resident_data(
                name=f"导入者{i}", id_number=number, household=world.a.household,
                relation="其他", tags=[]), world.env.settings.pii_key)
    return numbers


async def test_a_long_csv_imports_with_progress_and_rejections(world, linli, tmp_path):
    campaign = await world.campaign()
    session = await world.session(world.a, campaign)
    numbers = await _people(world, 3)
    lines = [",".join(HEADER)]
    start = date(2020, 1, 1)
    for n in range(450):
        number = numbers[n % 3]
        if n == 7:
            number = "110101199001011234"            # nobody here holds it
        day = "31/02/2024" if n == 11 else (start + timedelta(days=n)).isoformat()
        lines.append(f"ST-{n},{number},{day},已献血,全血,200,,")
    lines.append(f"ST-3,{numbers[0]},{start.isoformat()},已献血,全血,200,,")
    path = tmp_path / "results.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    out = await linli("import-results", str(path), "--node", world.a.node.code,
                      "--session", str(session["id"]))
    assert out.exit_code == 1, out.output          # rows were rejected
    assert "导入 importing: 0/451" in out.output and "导入 importing: 451/451" in out.output
    assert "导入 importing: 226/451" in out.output or "导入 importing: 227/451" in out.output \
        or any(f"导入 importing: {k}/451" in out.output for k in range(200, 280))
    assert "第 9 行 / row 9" in out.output and "[idNumber]" in out.output   # ST-7
    assert "第 13 行 / row 13" in out.output and "[donatedOn]" in out.output  # ST-11
    assert "imported 448, duplicates 1, rejected 2" in out.output
    async with world.read(world.a.node):
        rows = await Donation.select().where(Donation.source == "import")
    assert len(rows) == 448 and {r["campaign_id"] for r in rows} == {campaign["id"]}
    again = await linli("import-results", str(path), "--node", world.a.node.code,
                        "--session", str(session["id"]))
    assert "imported 0, duplicates 449, rejected 2" in again.output, again.output
    async with world.read(world.a.node):
        assert await Donation.count().where(Donation.source == "import") == 448


async def test_an_xlsx_by_global_id_and_the_refusals(world, linli, tmp_path, enable_plugin):
    from core.plugin import encode_global_id

    campaign = await world.campaign()
    session = await world.session(world.a, campaign)
    [number] = await _people(world, 1)
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["X-1", number, date(2024, 3, 1), "已献血", "全血", 400, None, None])
    book.active.append(["X-2", number, date(2024, 9, 1), "暂缓", "全血", None, None, "hemoglobin"])
    buf = io.BytesIO()
    book.save(buf)
    path = tmp_path / "results.xlsx"
    path.write_bytes(buf.getvalue())
    gid = encode_global_id("BloodDriveSession", int(session["id"]))
    out = await linli("import-results", str(path), "--node", world.a.node.code, "--session", gid)
    assert out.exit_code == 0, out.output
    assert "imported 2, duplicates 0, rejected 0" in out.output
    other = await linli("import-results", str(path), "--node", world.b.node.code,
                        "--session", gid)     # the session is not B's
    assert other.exit_code == 1 and "NOT_FOUND" in other.output
    await enable_plugin(world.a.node, "blood_drive", enabled=False)
    off = await linli("import-results", str(path), "--node", world.a.node.code, "--session", gid)
    assert off.exit_code == 1 and "PLUGIN_DISABLED" in off.output
