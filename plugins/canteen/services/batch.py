"""A day's meals uploaded in a batch (CSV or XLSX) by a canteen with a weak connection, or
imported from the city's own 幸福食堂 information system: the same rules as the counter, one
transaction, idempotent (a row already recorded with the same details is *unchanged*), and a
report of every rejected row with its reason."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from typing import Any

from core.plugin import Access, ApiError, NodeInfo, get_node, id_number_index
from plugins.canteen.services.canteens import can_serve, get_canteen
from plugins.canteen.services.common import SubsidyRules, city_of, subsidy_rules
from plugins.canteen.services.live import announce_meals
from plugins.canteen.services.meals import (
    MealInput,
    Recorded,
    SlotHeld,
    claim_slot,
    frozen_months,
    record_claimed,
    record_one,
)
from plugins.canteen.tables import Elder

__all__ = [
    "BatchReport",
    "Rejection",
    "batch_canteen",
    "parse_rows",
    "upload_meals",
    "upload_rows",
]

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


def parse_rows(data: bytes, filename: str, *, max_rows: int = MAX_ROWS) -> list[dict[str, str]]:
    """The rows of a CSV/XLSX with the headers card_token/卡号 or id_number/身份证号 (the city
    system's export identifies elders by ID card; either column, or both), served_on/日期,
    slot/餐次, price_fen/价格(分); at most ``max_rows`` (the upload's :data:`MAX_ROWS`)."""
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
    if len(body) > max_rows:
        raise ApiError.invalid("file", f"一次最多 {max_rows} 行", f"at most {max_rows} rows")
    return [{n: (r[columns[n]].strip() if n in columns and columns[n] < len(r) else "")
             for n in _HEADERS} for r in body]


async def upload_meals(access: Access, canteen_id: int, data: bytes, filename: str, *,
                       source: str = "batch") -> BatchReport:
    """Record a batch of meals of one canteen (operating or suspended) with the counter's rules.
    ``source`` is ``batch`` (the canteen's own upload) or ``import`` (the city's system)."""
    canteen = await batch_canteen(access, canteen_id, source)
    return await upload_rows(access, canteen, parse_rows(data, filename), source=source)


async def batch_canteen(access: Access, canteen_id: int, source: str) -> dict[str, Any]:
    """The canteen a batch is for, checked: the acting tenant's, the caller may serve there, it
    is operating or suspended; ``source`` is ``batch`` or ``import``."""
    if source not in ("batch", "import"):
        raise ApiError.invalid("source", "来源无效", "unknown source")
    canteen = await get_canteen(canteen_id)
    if canteen is None or int(canteen["tenant_id"]) != access.node_id:
        raise ApiError.not_found("食堂", "canteen", "canteenId")
    await can_serve(access, canteen)
    if canteen["status"] not in ("operating", "suspended"):
        raise ApiError.conflict("食堂未在运营", "the canteen is not operating", "canteenId")
    return canteen


async def upload_rows(access: Access, canteen: dict[str, Any], rows: list[dict[str, str]], *,
                      source: str, first_row: int = 1,
                      done: Callable[[int], None] | None = None) -> BatchReport:
    """Record parsed rows (:func:`parse_rows`) at a canteen checked by :func:`batch_canteen`,
    in the caller's transaction; ``first_row`` numbers the first of them in its file (the CLI
    writes a long file in several transactions), ``done(n)`` hears rows finished so far."""
    canteen_id = int(canteen["id"])
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
    finished = 0

    def reject(number: int, err: ApiError) -> None:
        report.rejected.append(Rejection(number + first_row - 1, str(err.code), err.zh,
                                         err.en, err.field))

    def tally(result: Recorded) -> None:
        if result.created:
            served_on = result.meal["served_on"]
            days[served_on] = days.get(served_on, 0) + 1
            report.recorded += 1
            report.subsidised += int(result.meal["subsidy_fen"] > 0)
        else:
            report.unchanged += 1

    def step() -> None:
        nonlocal finished
        finished += 1
        if done is not None:
            done(finished)

    # The city's rows are claimed in one global order — per (elder, day) every slot claim,
    # then the cap, as the counter does for its one meal — so two batches (or a batch and a
    # counter) touching the same elders in different street offices never deadlock.
    meals: list[tuple[int, MealInput | None]] = []
    for number, raw in enumerate(rows, start=1):
        key = keys[number - 1]
        try:
            if key.startswith("bad:"):
                id_number_index(raw["id_number"])  # raises the ID number's own error
            meals.append((number, _meal(raw, elders.get(key))))
        except ApiError as err:
            reject(number, err)
            step()
    meals.sort(key=lambda nm: (int(nm[1].elder_id), nm[1].served_on, nm[1].slot, nm[0])
               if nm[1] else (0, date.min, "", nm[0]))
    for (elder_id, served_on), group in groupby(
            meals, key=lambda nm: (nm[1].elder_id, nm[1].served_on) if nm[1] else (0, date.min)):
        held: list[tuple[int, MealInput, SlotHeld]] = []
        again: list[tuple[int, MealInput]] = []
        slots: set[str] = set()
        for number, meal in group:
            assert meal is not None
            elder = elders[keys[number - 1]]
            if meal.slot in slots:   # a second row for a slot this batch holds: after it
                again.append((number, meal))
                continue
            try:
                claim = await claim_slot(tenant, city, canteen, elder, meal)
            except ApiError as err:
                reject(number, err)
                step()
                continue
            if isinstance(claim, Recorded):
                tally(claim)
                step()
            else:
                slots.add(meal.slot)
                held.append((number, meal, claim))
        if served_on not in rules and (held or again):
            rules[served_on] = await _rules(tenant, served_on)
        for number, meal, claim in held:
            try:
                tally(await record_claimed(
                    tenant, city, canteen, elders[keys[number - 1]], meal, claim,
                    rules[served_on], source=source, frozen=frozen,
                    account_id=access.principal.account_id))
            except ApiError as err:
                reject(number, err)
            step()
        for number, meal in again:
            try:
                tally(await record_one(
                    tenant, city, canteen, elders[keys[number - 1]], meal, rules[served_on],
                    source=source, frozen=frozen, account_id=access.principal.account_id))
            except ApiError as err:
                reject(number, err)
            step()
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
