"""The blood station's result sheet (.xlsx, or .csv in UTF-8 with the same header): one header
row, then one result per row. Columns
by Chinese or English header, in any order:

| 血站记录号 / external_id | 身份证号 / id_number | 献血日期 / donated_on | 结果 / outcome (已献血/暂缓,
donated/deferred) | 类型 / kind (全血/血小板) | 献血量 / volume_ml | 治疗单位 / units |
暂缓原因 / deferral_code |

Rows that cannot be read are reported with their sheet row number; the rest go through
``results.import_results`` like GraphQL rows (idempotent by the station's record number)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from core.plugin import ApiError
from plugins.blood_drive.services.results import ImportRow, ResultInput

__all__ = ["HEADERS", "MAX_ROWS", "parse_sheet"]

HEADERS = {
    "血站记录号": "external_id", "external_id": "external_id",
    "身份证号": "id_number", "id_number": "id_number",
    "献血日期": "donated_on", "donated_on": "donated_on",
    "结果": "outcome", "outcome": "outcome",
    "类型": "kind", "kind": "kind",
    "献血量": "volume_ml", "volume_ml": "volume_ml",
    "治疗单位": "units", "units": "units",
    "暂缓原因": "deferral_code", "deferral_code": "deferral_code",
}
WORDS = {"已献血": "donated", "暂缓": "deferred", "全血": "whole_blood", "血小板": "platelets"}
MAX_ROWS = 2000


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _int(value: Any) -> int:
    return 0 if value in (None, "") else int(str(value).strip())


Rejected = tuple[int, str, str, str, str | None]


def _lines(data: bytes) -> Iterator[Iterable[Any]]:
    """The rows of an .xlsx file's first sheet, or of a CSV file (UTF-8, a BOM allowed)."""
    if data[:2] == b"PK":
        from openpyxl import load_workbook  # imported when used (as the other plugins do)

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise ApiError.invalid("file", "无法读取 Excel 文件", "not a readable .xlsx file"
                                   ) from exc
        sheet_rows: Iterator[Iterable[Any]] = book.worksheets[0].iter_rows(values_only=True)
        return sheet_rows
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError.invalid("file", "文件须为 .xlsx 或 UTF-8 编码的 .csv",
                               "the file must be .xlsx or a UTF-8 .csv") from exc
    return iter(csv.reader(io.StringIO(text)))


def parse_sheet(data: bytes, *, max_rows: int = MAX_ROWS, campaign_id: int | None = None
                ) -> tuple[list[ImportRow], list[Rejected]]:
    """The rows of the file (.xlsx or .csv) and the rows that could not be read; every row
    carries ``campaign_id`` when given (the session's campaign)."""
    lines = _lines(data)
    header = [HEADERS.get(str(h or "").strip(), "") for h in next(lines, ())]
    if not {"external_id", "id_number", "donated_on", "outcome"} <= set(header):
        raise ApiError.invalid("file", "表头须含 血站记录号、身份证号、献血日期、结果",
                               "the header needs external_id, id_number, donated_on, outcome")
    rows: list[ImportRow] = []
    bad: list[Rejected] = []
    for number, values in enumerate(lines, start=2):
        if number - 1 > max_rows:
            raise ApiError.invalid("file", f"每次最多导入{max_rows}行",
                                   f"{max_rows} rows at most per import")
        cells = {k: v for k, v in zip(header, values, strict=False) if k}
        if all(v in (None, "") for v in cells.values()):
            continue
        try:
            outcome = str(cells.get("outcome") or "").strip()
            kind = str(cells.get("kind") or "全血").strip()
            rows.append(ImportRow(
                row=number, external_id=str(cells.get("external_id") or "").strip(),
                donor_id=None, donated_on=_day(cells.get("donated_on")),
                id_number=str(cells.get("id_number") or "").strip(), campaign_id=campaign_id,
                result=ResultInput(
                    outcome=WORDS.get(outcome, outcome), kind=WORDS.get(kind, kind),
                    volume_ml=_int(cells.get("volume_ml")), units=_int(cells.get("units")),
                    deferral_code=str(cells.get("deferral_code") or "").strip() or None)))
        except (ValueError, TypeError):
            bad.append((number, "INVALID_ARGUMENT", "日期或数量格式无效",
                        "a date or a number cannot be read", "donatedOn"))
    return rows, bad
