"""``linli reading-rooms import-catalogue FILE --node COUNTY --network ID --room ID`` (core's
``linli_cli_commands``): a long catalogue sheet imported through the mutation's service in
batches, rows done / total on stderr, each rejected row printed with its line, exit code 1 when
any was; a second run adds nothing; audited per batch; refused where the plugin is off."""

from __future__ import annotations

import functools
import io
import json
from typing import Any

import pytest
from openpyxl import Workbook

from core.plugin import encode_global_id
from plugins.reading_rooms.services.catalogue import SHEET_HEADERS
from plugins.reading_rooms.tables import Copy, Title
from tests.plugins.reading_rooms.conftest import isbn13


@pytest.fixture
def linli(run_linli: Any) -> Any:
    return functools.partial(run_linli, "reading-rooms")


def _sheet(tmp_path: Any, rows: list[list[Any]]) -> str:
    book = Workbook()
    book.active.append(list(SHEET_HEADERS))
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    path = tmp_path / "catalogue.xlsx"
    path.write_bytes(buf.getvalue())
    return str(path)


async def test_a_long_sheet_with_progress_rejections_and_a_rerun(world: Any, linli: Any,
                                                               tmp_path: Any) -> None:
    rows: list[list[Any]] = []
    for i in range(320):
        isbn = isbn13(20000 + i)
        codes = f"C{i:05d}" + (f"，C{i:05d}B" if i % 50 == 0 else "")
        room = "" if i == 40 else "不二城市书房"               # blank: the --room
        letter = "I"
        if i == 7:
            isbn = isbn[:-1] + str((int(isbn[-1]) + 1) % 10)    # a wrong check digit
        if i == 150:
            letter = "W"                                        # not one of the 22 classes
        if i == 290:
            room = "没有的书房"
        rows.append([isbn, f"书名{i}", "作者", "出版社", 2001, letter, f"{letter}24/{i}", room,
                     codes])
    rows.append([isbn13(20001), "书名1", "作者", "出版社", 2001, "I", "I24/1", "不二城市书房",
                 "C00002"])                                     # another title's barcode
    path = _sheet(tmp_path, rows)
    network = encode_global_id("ReadingRoomNetwork", int(world.network.id))
    args = ("import-catalogue", path, "--node", world.county.code, "--network", network,
            "--room", str(world.rooms["sz"]))
    out = await linli(*args)
    assert out.exit_code == 1, out.output               # rows were rejected
    for k in (0, 33, 193, 321):
        assert f"导入 importing: {k}/321" in out.output, out.output
    assert "第 9 行 / row 9" in out.output and "[isbn]" in out.output
    assert "第 152 行 / row 152" in out.output and "[classLetter]" in out.output
    assert "第 292 行 / row 292" in out.output and "[room]" in out.output
    assert "第 322 行 / row 322" in out.output and "barcode in use: C00002" in out.output
    assert "titles 317, copies 323, unchanged 0, rejected 4" in out.output
    async with world.db.scoped(_scope(world)):
        assert await Title.count().where(Title.title.like("书名%")) == 317
        assert await Copy.count().where(Copy.barcode.like("C%")) == 323
        blank = await Copy.select().where(Copy.barcode == "C00040").first()
        assert blank is not None and blank["owning_room_id"] == world.rooms["sz"]
        from core.audit.service import AuditEntry

        audits = await AuditEntry.select(AuditEntry.summary).where(
            AuditEntry.action == "reading_rooms.title.add")
    summaries = [json.loads(a["summary"]) for a in audits]
    assert [(s["titles"], s["errors"], s["cli"]) for s in summaries] == [
        (198, 2, True), (119, 2, True)]                   # a batch of 200, then 121
    again = await linli(*args)
    assert again.exit_code == 1, again.output
    assert "titles 0, copies 0, unchanged 323, rejected 4" in again.output, again.output
    async with world.db.scoped(_scope(world)):
        assert await Title.count().where(Title.title.like("书名%")) == 317
        assert await Copy.count().where(Copy.barcode.like("C%")) == 323


def _scope(world: Any) -> Any:
    from tenants.service import scope_for

    return scope_for(world.county)


async def test_refusals(world: Any, linli: Any, tmp_path: Any, enable_plugin: Any) -> None:
    path = _sheet(tmp_path, [[isbn13(30001), "书", "", "", "", "I", "", "不二城市书房", "D1"]])
    below = await linli("import-catalogue", path, "--node", world.qr.code)
    assert below.exit_code == 1 and "NOT_FOUND" in below.output, below.output  # not the county
    room = await linli("import-catalogue", path, "--node", world.county.code, "--room", "999999")
    assert room.exit_code == 1 and "NOT_FOUND" in room.output and "[room]" in room.output
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    broken = await linli("import-catalogue", str(junk), "--node", world.county.code)
    assert broken.exit_code == 1 and "INVALID_ARGUMENT" in broken.output
    await enable_plugin(world.county, "reading_rooms", enabled=False)
    off = await linli("import-catalogue", path, "--node", world.county.code)
    assert off.exit_code == 1 and "PLUGIN_DISABLED" in off.output
