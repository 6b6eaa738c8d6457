"""A day's meals uploaded in a batch (CSV or XLSX) by a canteen with a weak connection, or
imported from the city's own 幸福食堂 information system: the same rules as the counter, one
transaction, idempotent (a row already recorded with the same details is *unchanged*), and a
report of every rejected row with its reason."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.plugin import Access, ApiError, NodeInfo, get_node, id_number_index
from plugins.canteen.services.canteens import can_serve, get_canteen
from plugins.canteen.services.common import SubsidyRules, city_of, subsidy_rules
from plugins.canteen.services.live import announce_meals
from plugins.canteen.services.meals import MealInput, frozen_months, record_one
from plugins.canteen.tables import Elder

__all__ = ["BatchReport", "Rejection", "parse_rows", "upload_meals"]

MAX_ROWS = 5000
_HEADERS = {
    "card_token": ("card_token", "卡号", "card"),
    "id_number": ("id_number", "身份证号", "id"),
    "served_on": ("served_on", "日期", "date"),
    "slot": ("slot", "餐次"),
    "price_fen": ("price_fen", "价格(分)", "价格（分）", "price"),
}
_SLOT_ZH = {"早餐": "breakfast", "午餐": "lunch", "晚餐": "dinner"}


@dataclass(frozen=True)
class Rejection:
    row: int
    """1-based data row (the header is row 0)."""
    code: str
    message_zh: str
    message_en: str
    field: str | None


@dataclass
class BatchReport:
    recorded: int = 0
    unchanged: int = 0
    subsidised: int = 0
    rejected: list[Rejection] = field(default_factory=list)


def _cells(data: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:  # a damaged or foreign file is the client's input
            raise ApiError.invalid("file", "无法读取 Excel 文件", "cannot read the Excel file") \
                from exc
        if sheet is None:
            return []
        return [["" if v is None else (v.isoformat()[:10] if isinstance(v, date) else str(v))
                 for v in row] for row in sheet.iter_rows(values_only=True)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError.invalid("file", "CSV 须为 UTF-8 编码", "the CSV must be UTF-8") from exc
    return [row for row in csv.reader(io.StringIO(text))]


def parse_rows(data: bytes, filename: str) -> list[dict[str, str]]:
    """The rows of a CSV/XLSX with the headers card_token/卡号 or id_number/身份证号 (the city
    system's export identifies elders by ID card; either column, or both), served_on/日期,
    slot/餐次, price_fen/价格(分)."""
    cells = _cells(data, filename)
    if not cells:
        raise ApiError.invalid("file", "文件为空", "the file is empty")
    header = [h.strip().lower() for h in cells[0]]
    columns: dict[str, int] = {}
    for name, aliases in _HEADERS.items():
        for i, h in enumerate(header):
            if h in aliases:
                columns[name] = i
        if name not in columns and name not in ("card_token", "id_number"):
            raise ApiError.invalid("file", f"缺少列 {aliases[1]}", f"missing column {name}")
    if "card_token" not in columns and "id_number" not in columns:
        raise ApiError.invalid("file", "缺少列 卡号 或 身份证号", "missing column card_token or id_number")
    body = [r for r in cells[1:] if any(c.strip() for c in r)]
    if len(body) > MAX_ROWS:
        raise ApiError.invalid("file", f"一次最多 {MAX_ROWS} 行", f"at most {MAX_ROWS} rows")
    return [{n: (r[columns[n]].strip() if n in columns and columns[n] < len(r) else "")
             for n in _HEADERS} for r in body]


async def upload_meals(access: Access, canteen_id: int, data: bytes, filename: str, *,
                       source: str = "batch") -> BatchReport:
    """Record a batch of meals of one canteen (operating or suspended) with the counter's rules.
    ``source`` is ``batch`` (the canteen's own upload) or ``import`` (the city's system)."""
    if source not in ("batch", "import"):
        raise ApiError.invalid("source", "来源无效", "unknown source")
    canteen = await get_canteen(canteen_id)
    if canteen is None or int(canteen["tenant_id"]) != access.node_id:
        raise ApiError.not_found("食堂", "canteen", "canteenId")
    await can_serve(access, canteen)
    if canteen["status"] not in ("operating", "suspended"):
        raise ApiError.conflict("食堂未在运营", "the canteen is not operating", "canteenId")
    rows = parse_rows(data, filename)
    tenant = await get_node(access.node_id)
    assert tenant is not None
    city = await city_of(tenant.id)
    keys = [_key(r) for r in rows]
    tokens = sorted({r["card_token"] for r in rows if r["card_token"]})
    indexes = sorted({k[4:] for k in keys if k.startswith("idx:")})
    found = await Elder.select().where(
        (Elder.card_token.is_in(tokens or ["-"]) | Elder.id_number_index.is_in(indexes or ["-"]))
        & (Elder.active == True))
    elders: dict[str, Any] = {}
    for e in found:
        elders[f"card:{e['card_token']}"] = e
        if e["id_number_index"]:
            elders[f"idx:{e['id_number_index']}"] = e
    frozen = await frozen_months(canteen_id)
    rules: dict[date, SubsidyRules] = {}
    report = BatchReport()
    days: dict[date, int] = {}
    # Claim the city's daily rows in one global order (elder, day), so two batches touching
    # the same elders in different street offices cannot deadlock each other.
    ordered = sorted(enumerate(rows, start=1), key=lambda nr: (
        int(elders[keys[nr[0] - 1]]["id"]) if keys[nr[0] - 1] in elders else 0,
        nr[1]["served_on"], nr[0]))
    for number, raw in ordered:
        key = keys[number - 1]
        try:
            if key.startswith("bad:"):
                id_number_index(raw["id_number"])  # raises the ID number's own error
            meal = _meal(raw, elders.get(key))
            if meal.served_on not in rules:
                rules[meal.served_on] = await _rules(tenant, meal.served_on)
            done = await record_one(tenant, city, canteen, elders[key], meal,
                                    rules[meal.served_on], source=source, frozen=frozen,
                                    account_id=access.principal.account_id)
        except ApiError as err:
            report.rejected.append(Rejection(number, str(err.code), err.zh,
                                             err.en, err.field))
            continue
        if done.created:
            days[meal.served_on] = days.get(meal.served_on, 0) + 1
            report.recorded += 1
            report.subsidised += int(done.meal["subsidy_fen"] > 0)
        else:
            report.unchanged += 1
    report.rejected.sort(key=lambda r: r.row)
    for served_on, count in sorted(days.items()):
        announce_meals(tenant.id, canteen_id, served_on, count)
    return report


async def _rules(tenant: NodeInfo, day: date) -> SubsidyRules:
    return await subsidy_rules(tenant, day)


def _key(raw: dict[str, str]) -> str:
    """How a row names its elder: ``card:<token>``, ``idx:<blind index of the ID number>``
    (one equality per elder, nobody decrypted), or ``bad:`` for an invalid ID number."""
    if raw["card_token"]:
        return f"card:{raw['card_token']}"
    if raw["id_number"]:
        try:
            return f"idx:{id_number_index(raw['id_number'])}"
        except ApiError:
            return "bad:"
    return "none:"


def _meal(raw: dict[str, str], elder: dict[str, Any] | None) -> MealInput:
    if elder is None:
        raise ApiError.not_found("登记的老人", "registered elder",
                                 "cardToken" if raw["card_token"] or not raw["id_number"]
                                 else "idNumber")
    try:
        day = date.fromisoformat(raw["served_on"][:10])
    except ValueError as exc:
        raise ApiError.invalid("servedOn", "日期格式须为 YYYY-MM-DD",
                               "the date must be YYYY-MM-DD") from exc
    try:
        price = int(raw["price_fen"])
    except ValueError as exc:
        raise ApiError.invalid("priceFen", "价格须为整数（分）", "the price is whole fen") from exc
    return MealInput(int(elder["id"]), day, _SLOT_ZH.get(raw["slot"], raw["slot"]), price)
