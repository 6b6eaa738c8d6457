"""Figures: the monthly "what the boxes lent" summary per building (loans, returns, top items,
losses) and its .xlsx sheet, plus the teams' response times as a sheet. Months are calendar
months in Asia/Shanghai; every summary is a handful of aggregate statements whatever the number
of loans."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from piccolo.query.functions.aggregate import Count, Sum

from core.plugin import SHANGHAI, place_names
from plugins.mutual_aid.services.common import bad
from plugins.mutual_aid.tables import Box, Item, Loan, Movement, Order
from plugins.mutual_aid.tables import Count as StockCount

__all__ = ["AGE_BUCKETS", "BuildingMonth", "box_summary", "box_summary_xlsx", "month_bounds",
           "open_needs_by_age", "response_times_xlsx"]

AGE_BUCKETS = (("under_1_day", "一天内", 0, 24), ("1_2_days", "1–2天", 24, 48),
               ("2_7_days", "2–7天", 48, 168), ("over_7_days", "7天以上", 168, None))
"""Open needs by how long they have waited since placed (hours; the 48 h default response
time is a boundary)."""

TOP_ITEMS = 3


@dataclass
class BuildingMonth:
    """One building's boxes in one month."""

    building_id: int
    building_name: str
    boxes: int = 0
    loans: int = 0
    """Loans opened in the month (returnable items taken)."""
    returned: int = 0
    """Of those, returned by now."""
    overdue: int = 0
    """Of those, still out past their due date."""
    takes: int = 0
    """Items taken, returnable and consumable (units)."""
    donated: int = 0
    """Units added by confirmed donations."""
    lost: int = 0
    broken: int = 0
    top_items: list[tuple[str, int]] = field(default_factory=list)
    """The most taken item lines (name, units), at most three."""


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) of ``YYYY-MM`` in Asia/Shanghai."""
    if not re.match(r"^[0-9]{4}-(0[1-9]|1[0-2])$", month):
        raise bad("月份格式须为 YYYY-MM", "the month is YYYY-MM", "month")
    year, mon = int(month[:4]), int(month[5:7])
    start = datetime.combine(date(year, mon, 1), time(), SHANGHAI)
    end = datetime.combine(date(year + (mon == 12), mon % 12 + 1, 1), time(), SHANGHAI)
    return start, end


async def box_summary(month: str, community_id: int | None = None) -> list[BuildingMonth]:
    """Per building with a box: the month's loans (returned, overdue), units taken, donated,
    lost and broken (the keeper's counts), and the top items."""
    start, end = month_bounds(month)
    query = Box.select(Box.id, Box.building_id)
    if community_id is not None:
        query = query.where(Box.community_id == community_id)
    boxes = {int(r["id"]): int(r["building_id"]) for r in await query}
    if not boxes:
        return []
    names = await place_names("building", set(boxes.values()))
    out = {b: BuildingMonth(b, names.get(b, "")) for b in sorted(set(boxes.values()))}
    for building in boxes.values():
        out[building].boxes += 1
    box_ids = list(boxes)
    today = datetime.now(SHANGHAI).date()
    for r in await Loan.select(Loan.box_id, Loan.returned_at, Loan.due_on).where(
            Loan.box_id.is_in(box_ids) & (Loan.taken_at >= start) & (Loan.taken_at < end)):
        row = out[boxes[int(r["box_id"])]]
        row.loans += 1
        row.returned += r["returned_at"] is not None
        row.overdue += r["returned_at"] is None and r["due_on"] < today
    moved = await Movement.select(Movement.box_id, Movement.item_id, Movement.kind,
                                  Sum(Movement.delta, alias="units")).where(
        Movement.box_id.is_in(box_ids) & Movement.kind.is_in(["take", "donation"])
        & (Movement.created_at >= start) & (Movement.created_at < end)).group_by(
        Movement.box_id, Movement.item_id, Movement.kind)
    per_item: dict[tuple[int, int], int] = {}
    for r in moved:
        row = out[boxes[int(r["box_id"])]]
        units = abs(int(r["units"] or 0))
        if r["kind"] == "take":
            row.takes += units
            key = (boxes[int(r["box_id"])], int(r["item_id"]))
            per_item[key] = per_item.get(key, 0) + units
        else:
            row.donated += units
    for r in await StockCount.select(StockCount.box_id, Sum(StockCount.lost, alias="lost"),
                                     Sum(StockCount.broken, alias="broken"),
                                     Count(alias="n")).where(
            StockCount.box_id.is_in(box_ids) & (StockCount.counted_at >= start)
            & (StockCount.counted_at < end)).group_by(StockCount.box_id):
        row = out[boxes[int(r["box_id"])]]
        row.lost += int(r["lost"] or 0)
        row.broken += int(r["broken"] or 0)
    items = {int(r["id"]): str(r["name"]) for r in await Item.select(Item.id, Item.name).where(
        Item.id.is_in(sorted({i for _, i in per_item}) or [-1]))}
    ranked: dict[int, dict[str, int]] = {}
    for (building, item), units in per_item.items():
        by_name = ranked.setdefault(building, {})
        name = items.get(item, "")
        by_name[name] = by_name.get(name, 0) + units
    for building, by_name in ranked.items():
        out[building].top_items = sorted(by_name.items(), key=lambda kv: (-kv[1], kv[0]))[
            :TOP_ITEMS]
    return list(out.values())


async def open_needs_by_age(community_id: int, at: datetime) -> list[dict[str, Any]]:
    """Open needs (placed, accepted, scheduled) of a community by age since placed: how many,
    how many still not accepted, how many escalated (one statement)."""
    rows = await Order.select(Order.placed_at, Order.status, Order.escalated_at).where(
        (Order.community_id == community_id)
        & Order.status.is_in(["placed", "accepted", "scheduled"]))
    counts = [[0, 0, 0] for _ in AGE_BUCKETS]
    for r in rows:
        placed = r["placed_at"]
        if isinstance(placed, str):
            placed = datetime.fromisoformat(placed)
        hours = (at - (placed if placed.tzinfo else placed.replace(tzinfo=UTC))
                 ).total_seconds() / 3600
        index = next(i for i, (_, _, low, high) in enumerate(AGE_BUCKETS)
                     if hours >= low and (high is None or hours < high))
        counts[index][0] += 1
        counts[index][1] += r["status"] == "placed"
        counts[index][2] += r["escalated_at"] is not None
    return [{"bucket": code, "label": label, "open": n, "unaccepted": unaccepted,
             "escalated": escalated}
            for (code, label, _, _), (n, unaccepted, escalated) in zip(AGE_BUCKETS, counts,
                                                                      strict=True)]


def box_summary_xlsx(title: str, month: str, rows: list[BuildingMonth]) -> bytes:
    """One sheet: a row per building, a total row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = month
    sheet.append([f"{title} 红邻菜单便民箱月度借用情况（{month}）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["楼栋", "便民箱", "借出（次）", "已归还", "逾期未还", "取用（件）", "捐赠入库（件）",
                  "丢失", "损坏", "借用最多的物品"])
    for r in rows:
        sheet.append([r.building_name, r.boxes, r.loans, r.returned, r.overdue, r.takes,
                      r.donated, r.lost, r.broken,
                      "、".join(f"{n}（{u}）" for n, u in r.top_items)])
    sheet.append(["合计", sum(r.boxes for r in rows), sum(r.loans for r in rows),
                  sum(r.returned for r in rows), sum(r.overdue for r in rows),
                  sum(r.takes for r in rows), sum(r.donated for r in rows),
                  sum(r.lost for r in rows), sum(r.broken for r in rows), None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def response_times_xlsx(title: str, rows: list[dict[str, Any]],
                        ages: list[dict[str, Any]] | None = None) -> bytes:
    """The teams' response times (hours): orders, accepted, done, escalated, median and 90th
    percentile from placed to accepted and to done; a second sheet of open needs by age."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "响应时效"
    sheet.append([f"{title} 红邻菜单各服务队响应时效（小时）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["服务队", "点单", "已接单", "已完成", "超时上报", "接单中位数", "接单P90",
                  "完成中位数", "完成P90"])
    for r in rows:
        sheet.append([r["team"]["name"], r["orders"], r["accepted"], r["done"], r["escalated"],
                      r["median_accept_hours"], r["p90_accept_hours"], r["median_done_hours"],
                      r["p90_done_hours"]])
    if ages is not None:
        aged = book.create_sheet("未办结需求")
        aged.append(["等待时长", "未办结", "其中未接单", "其中已上报"])
        for a in ages:
            aged.append([a["label"], a["open"], a["unaccepted"], a["escalated"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
