"""Monthly settlement per canteen and month (Asia/Shanghai): the claim lists subsidised meals by
bracket and the total. Generated when the month closes (idempotent: a claim not yet approved is
recomputed from the meals, an approved one is never touched); the street office approves or
returns it with reasons; the district or county marks it paid. An approved month is frozen:
meals recorded for it later count in the next open month as adjustments."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Count, Sum

from core.plugin import Access, ApiError, get_node, now_utc, today_shanghai
from plugins.canteen.services.common import month_key, require
from plugins.canteen.tables import Canteen, Meal, Payment, Settlement

__all__ = [
    "claim_lines",
    "export_xlsx",
    "generate_month",
    "mark_paid",
    "paid_ids",
    "previous_month",
    "review",
    "settlement_page",
]


def previous_month(today: date | None = None) -> str:
    today = today or today_shanghai()
    return month_key(date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1))


async def claim_lines(canteen_ids: list[int], month: str
                      ) -> dict[int, dict[str, Any]]:
    """Per canteen: meals counted in ``month``, subsidised ones by bracket, total and
    adjustments (two statements, aggregated in the database)."""
    out: dict[int, dict[str, Any]] = {
        c: {"meals": 0, "subsidised": 0, "total": 0, "adjustment": 0, "lines": {}}
        for c in canteen_ids}
    if not canteen_ids:
        return out
    where = Meal.canteen_id.is_in(canteen_ids) & (Meal.settle_month == month)
    counted = await Meal.select(Meal.canteen_id, Count(alias="n")).where(where).group_by(
        Meal.canteen_id)
    for r in counted:
        out[int(r["canteen_id"])]["meals"] = int(r["n"])
    rows = await Meal.select(
        Meal.canteen_id, Meal.bracket, Meal.adjustment, Count(alias="n"),
        Sum(Meal.subsidy_fen, alias="fen"),
    ).where(where & (Meal.subsidy_fen > 0)).group_by(
        Meal.canteen_id, Meal.bracket, Meal.adjustment)
    for r in rows:
        claim = out[int(r["canteen_id"])]
        n, fen = int(r["n"]), int(r["fen"] or 0)
        line = claim["lines"].setdefault(str(r["bracket"]), {"meals": 0, "fen": 0})
        line["meals"] += n
        line["fen"] += fen
        claim["subsidised"] += n
        claim["total"] += fen
        if r["adjustment"]:
            claim["adjustment"] += fen
    return out


async def generate_month(tenant_id: int, month: str | None = None) -> int:
    """Generate (or refresh) every canteen's claim of the tenant for ``month`` (default: the
    month just closed); approved claims are left alone. Returns claims written."""
    month = month or previous_month()
    canteens = [int(r["id"]) for r in await Canteen.select(Canteen.id).where(
        Canteen.tenant_id == tenant_id)]
    claims = await claim_lines(canteens, month)
    existing = {int(r["canteen_id"]): r for r in await Settlement.select().where(
        Settlement.canteen_id.is_in(canteens or [-1]) & (Settlement.month == month))}
    written = 0
    for canteen_id, claim in claims.items():
        if claim["meals"] == 0 and canteen_id not in existing:
            continue
        lines = json.dumps([{"bracket": b, **v} for b, v in sorted(claim["lines"].items())],
                           ensure_ascii=False)
        values = {"meals": claim["meals"], "subsidised_meals": claim["subsidised"],
                  "total_fen": claim["total"], "adjustment_fen": claim["adjustment"],
                  "lines": lines}
        old = existing.get(canteen_id)
        if old is None:
            await Settlement.insert(Settlement(
                tenant_id=tenant_id, canteen_id=canteen_id, month=month, status="generated",
                generated_at=now_utc(), **values)).on_conflict(action="DO NOTHING")
            written += 1
        elif old["status"] in ("generated", "returned") \
                and any(old[k] != v for k, v in values.items()):
            await Settlement.update({**{getattr(Settlement, k): v for k, v in values.items()},
                                     Settlement.status: "generated",
                                     Settlement.generated_at: now_utc()}).where(
                (Settlement.id == old["id"]) & Settlement.status.is_in(["generated",
                                                                        "returned"]))
            written += 1
    return written


async def review(access: Access, settlement_id: int, approve: bool, reason: str = ""
                 ) -> dict[str, Any]:
    """Street-office review: approve (the month is frozen) or return with reasons."""
    require(access, "canteen.settle")
    row = await Settlement.select().where(Settlement.id == settlement_id).first()
    if row is None or int(row["tenant_id"]) != access.node_id:
        raise ApiError.not_found("结算单", "claim", "settlementId")
    if row["status"] != "generated":
        raise ApiError.conflict("该结算单不在待审核状态", "the claim is not awaiting review",
                                "settlementId")
    if not approve and not reason.strip():
        raise ApiError.invalid("reason", "退回须说明理由", "a return needs a reason")
    changed = await Settlement.update({
        Settlement.status: "approved" if approve else "returned",
        Settlement.return_reason: "" if approve else reason.strip()[:500],
        Settlement.reviewed_by: access.principal.account_id,
        Settlement.reviewed_at: now_utc(),
    }).where((Settlement.id == settlement_id) & (Settlement.status == "generated")).returning(
        Settlement.id)
    if not changed:
        raise ApiError.conflict("该结算单已被处理", "the claim was handled meanwhile",
                                "settlementId")
    found = await Settlement.select().where(Settlement.id == settlement_id).first()
    assert found is not None
    return dict(found)


async def mark_paid(access: Access, settlement_id: int, paid_on: date | None = None
                    ) -> dict[str, Any]:
    """The district or county marks an approved claim of a street office below it paid (a row
    of its own; idempotent)."""
    require(access, "canteen.pay")
    node = await get_node(access.node_id)
    if node is None or not node.is_region:
        raise ApiError.forbidden("须由区县财政标记拨付", "claims are marked paid by a region")
    row = await Settlement.select().where(Settlement.id == settlement_id).first()
    if row is None:
        raise ApiError.not_found("结算单", "claim", "settlementId")
    if row["status"] != "approved":
        raise ApiError.conflict("只能拨付已审核通过的结算单", "only approved claims are paid",
                                "settlementId")
    await Payment.insert(Payment(
        tenant_id=node.id, settlement_tenant_id=int(row["tenant_id"]),
        settlement_id=settlement_id, paid_on=paid_on or today_shanghai(),
        paid_by=access.principal.account_id, paid_at=now_utc())).on_conflict(
        action="DO NOTHING")
    return dict(row)


async def paid_ids(settlement_ids: list[int]) -> dict[int, date]:
    """Claims marked paid (readable by the street office and by the region), by id."""
    if not settlement_ids:
        return {}
    rows = await Payment.select(Payment.settlement_id, Payment.paid_on).where(
        Payment.settlement_id.is_in(settlement_ids))
    return {int(r["settlement_id"]): r["paid_on"] for r in rows}


_BRACKET_ZH = {"age_70_79": "70–79周岁", "age_80_plus": "80周岁及以上"}


def export_xlsx(tenant_name: str, month: str, claims: list[dict[str, Any]],
                names: dict[int, str]) -> bytes:
    """The finance layout: one sheet, one block per canteen (bracket, meals, fen per meal,
    amount in yuan), a subtotal per canteen and a grand total."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = month
    sheet.append([f"{tenant_name} 幸福食堂助餐补贴结算表（{month}）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["序号", "食堂名称", "补贴档位", "补贴餐次", "金额（元）", "其中调整（元）", "状态"])
    grand = 0
    for number, claim in enumerate(claims, start=1):
        for line in json.loads(claim["lines"]):
            sheet.append([number, names.get(int(claim["canteen_id"]), ""),
                          _BRACKET_ZH.get(line["bracket"], line["bracket"]), line["meals"],
                          line["fen"] / 100, None, claim["status"]])
        sheet.append([number, names.get(int(claim["canteen_id"]), ""), "小计",
                      claim["subsidised_meals"], claim["total_fen"] / 100,
                      claim["adjustment_fen"] / 100, claim["status"]])
        grand += int(claim["total_fen"])
    sheet.append([None, "合计", None, sum(int(c["subsidised_meals"]) for c in claims),
                  grand / 100, None, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def settlement_page(access: Access, first: int, after: int, month: str | None
                          ) -> list[dict[str, Any]]:
    """Claims readable here (a street office's own; a region's tenants below it) by id."""
    if not (access.has("canteen.read") or access.has("canteen.pay")):
        raise ApiError.forbidden("没有权限查看结算", "you may not read claims")
    query = Settlement.select().where(Settlement.id > after)
    if month is not None:
        query = query.where(Settlement.month == month)
    return list(await query.order_by(Settlement.id).limit(first + 1))
