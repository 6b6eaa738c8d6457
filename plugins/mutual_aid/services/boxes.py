"""便民箱 Boxes: item lines, takes and returns with loans, donations, counts, restocking.

Stock is only ever changed by conditional updates (``quantity >= n`` for a take), so two
residents cannot take the last wrench at once; every change is also an append-only movement."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.plugin import SHANGHAI, Access, ResidentRecipient, notify, record
from plugins.mutual_aid.services.common import (
    bad,
    check_building,
    conflict,
    ensure,
    not_found,
    now,
    resident_of,
    rule_value,
    tenant_of,
    text,
    today_shanghai,
)
from plugins.mutual_aid.tables import Box, Count, Donation, Item, Loan, Movement, Restock

__all__ = [
    "KINDS",
    "add_item",
    "box_page",
    "confirm_donation",
    "count_item",
    "create_box",
    "get_box",
    "items_of_boxes",
    "loan_page",
    "offer_donation",
    "open_restocks",
    "remind_overdue",
    "return_loan",
    "take",
]

KINDS = ("tool", "consumable")
CONDITIONS = ("good", "worn", "broken")


async def get_box(box_id: int, field: str = "boxId") -> dict[str, Any]:
    row = await Box.select().where(Box.id == box_id).first()
    if row is None:
        raise not_found("便民箱", "box", field)
    return dict(row)


async def _item(item_id: int, field: str = "itemId") -> tuple[dict[str, Any], dict[str, Any]]:
    row = await Item.select().where(Item.id == item_id).first()
    if row is None:
        raise not_found("物品", "item", field)
    return dict(row), await get_box(int(row["box_id"]), field)


async def create_box(access: Access, *, building_id: int, name: str, place_note: str = "",
                     keeper_account_id: int | None = None, honour_mode: bool = True
                     ) -> dict[str, Any]:
    building = await check_building(building_id)
    ensure(access, "mutual_aid.box", building.community_id, building.id)
    row = Box(tenant_id=tenant_of(access), community_id=building.community_id,
              building_id=building.id, name=text(name, "name", required=True, limit=100),
              place_note=text(place_note, "placeNote", required=False, limit=200),
              keeper_account_id=keeper_account_id or access.principal.account_id,
              honour_mode=honour_mode, created_at=now())
    await Box.insert(row)
    await record("mutual_aid.box.create", account_id=access.principal.account_id,
                 object_type="mutual_aid_box", object_id=row.id, summary={"name": row.name})
    return await get_box(int(row.id))


async def add_item(access: Access, *, box_id: int, name: str, kind: str, quantity: int,
                   category: str = "", loanable: bool | None = None,
                   restock_threshold: int = 0, condition: str = "good") -> dict[str, Any]:
    box = await get_box(box_id)
    ensure(access, "mutual_aid.box", box["community_id"], box["building_id"])
    if kind not in KINDS:
        raise bad("类型须为 tool 或 consumable", "kind must be tool or consumable", "kind")
    if condition not in CONDITIONS:
        raise bad("状况须为 good、worn 或 broken", "condition must be good, worn or broken",
                  "condition")
    if not 0 <= quantity <= 10000:
        raise bad("数量须在0到10000之间", "quantity must be 0–10000", "quantity")
    if not 0 <= restock_threshold <= 10000:
        raise bad("补货阈值须在0到10000之间", "restockThreshold must be 0–10000",
                  "restockThreshold")
    loans = kind == "tool" if loanable is None else loanable
    if loans and kind != "tool":
        raise bad("只有可归还的工具可以借用", "only returnable tools can be lent", "loanable")
    row = Item(tenant_id=tenant_of(access), box_id=box_id,
               name=text(name, "name", required=True, limit=100),
               category=text(category, "category", required=False, limit=50), kind=kind,
               loanable=loans, quantity=quantity, condition=condition,
               restock_threshold=restock_threshold, created_at=now())
    await Item.insert(row)
    await record("mutual_aid.item.add", account_id=access.principal.account_id,
                 object_type="mutual_aid_item", object_id=row.id,
                 summary={"box_id": box_id, "name": row.name, "quantity": quantity})
    await _check_restock(access, int(row.id))
    item, _ = await _item(int(row.id))
    return item


async def _check_restock(access: Access, item_id: int) -> None:
    """Open a restock request when stock is at or below the threshold (one open per item: the
    unique ``open_item`` key), close the open one when it is back above."""
    item, _ = await _item(item_id)
    low = int(item["quantity"]) <= int(item["restock_threshold"])
    if low and int(item["restock_threshold"]) > 0:
        if await Restock.exists().where(Restock.open_item == item_id):
            return
        try:
            await Restock.insert(Restock(tenant_id=tenant_of(access), box_id=item["box_id"],
                                         item_id=item_id, open_item=item_id,
                                         quantity_at=item["quantity"], status="open",
                                         created_at=now()))
        except Exception as exc:  # a concurrent take opened it first
            from plugins.mutual_aid.services.common import is_unique_violation
            if not is_unique_violation(exc):
                raise
    elif not low:
        await Restock.update({Restock.status: "closed", Restock.open_item: None,
                              Restock.closed_at: now()}).where(Restock.open_item == item_id)


async def _move(access: Access, item: dict[str, Any], kind: str, delta: int,
                resident_id: int | None) -> None:
    await Movement.insert(Movement(tenant_id=tenant_of(access), box_id=item["box_id"],
                                   item_id=item["id"], kind=kind, delta=delta,
                                   resident_id=resident_id,
                                   account_id=access.principal.account_id, created_at=now()))


async def take(access: Access, *, item_id: int, resident_id: int | None = None,
               quantity: int = 1) -> dict[str, Any]:
    """取用 Take from a box: lowers stock only when enough is left (conditional update); a
    loanable item opens a loan due after ``mutual_aid.loan_days``. Returns the item and the
    loan (None for consumables)."""
    item, box = await _item(item_id)
    who = resident_of(access, resident_id, "mutual_aid.lend", box["community_id"],
                      box["building_id"])
    if not 1 <= quantity <= 100:
        raise bad("数量须在1到100之间", "quantity must be 1–100", "quantity")
    left = await Item.update({Item.quantity: Item.quantity - quantity}).where(
        (Item.id == item_id) & (Item.quantity >= quantity)).returning(Item.quantity)
    if not left:
        raise conflict("库存不足，已被邻居取走", "not enough left in the box", "quantity")
    await _move(access, item, "take", -quantity, who)
    loan = None
    if item["loanable"]:
        days = await rule_value("mutual_aid.loan_days", tenant_of(access))
        taken = now()
        row = Loan(tenant_id=tenant_of(access), box_id=box["id"], item_id=item_id,
                   resident_id=who, quantity=quantity, taken_at=taken,
                   due_on=taken.astimezone(SHANGHAI).date() + timedelta(days=int(days.value)),
                   rule_version=days.version)
        await Loan.insert(row)
        loan = dict(await Loan.select().where(Loan.id == row.id).first() or {})
    await record("mutual_aid.take", account_id=access.principal.account_id,
                 object_type="mutual_aid_item", object_id=item_id,
                 summary={"quantity": quantity, "loan": loan["id"] if loan else None})
    await _check_restock(access, item_id)
    return {"item": (await _item(item_id))[0], "loan": loan}


async def return_loan(access: Access, *, loan_id: int, condition: str = "good"
                      ) -> dict[str, Any]:
    """归还 Close a loan once (conditional update) and put the item back."""
    loan = await Loan.select().where(Loan.id == loan_id).first()
    if loan is None:
        raise not_found("借用记录", "loan", "loanId")
    item, box = await _item(int(loan["item_id"]), "loanId")
    resident_of(access, int(loan["resident_id"]), "mutual_aid.lend", box["community_id"],
                box["building_id"])
    if condition not in CONDITIONS:
        raise bad("状况须为 good、worn 或 broken", "condition must be good, worn or broken",
                  "condition")
    closed = await Loan.update({Loan.returned_at: now()}).where(
        (Loan.id == loan_id) & Loan.returned_at.is_null()).returning(Loan.id)
    if not closed:
        raise conflict("已归还", "already returned", "loanId")
    await Item.update({Item.quantity: Item.quantity + int(loan["quantity"]),
                       Item.condition: condition}).where(Item.id == item["id"])
    await _move(access, item, "return", int(loan["quantity"]), int(loan["resident_id"]))
    await record("mutual_aid.return", account_id=access.principal.account_id,
                 object_type="mutual_aid_loan", object_id=loan_id, summary={})
    await _check_restock(access, int(item["id"]))
    return dict(await Loan.select().where(Loan.id == loan_id).first() or {})


async def offer_donation(access: Access, *, box_id: int, name: str, quantity: int,
                         kind: str = "consumable", item_id: int | None = None,
                         resident_id: int | None = None) -> dict[str, Any]:
    """捐赠 A resident offers things for a box; stock changes only when the keeper confirms."""
    box = await get_box(box_id)
    donor = access.principal.resident_id if resident_id is None else resident_of(
        access, resident_id, "mutual_aid.box", box["community_id"], box["building_id"])
    if kind not in KINDS:
        raise bad("类型须为 tool 或 consumable", "kind must be tool or consumable", "kind")
    if not 1 <= quantity <= 1000:
        raise bad("数量须在1到1000之间", "quantity must be 1–1000", "quantity")
    if item_id is not None:
        _, item_box = await _item(item_id)
        if item_box["id"] != box_id:
            raise bad("物品不在该便民箱", "the item is not in this box", "itemId")
    row = Donation(tenant_id=tenant_of(access), box_id=box_id, item_id=item_id,
                   name=text(name, "name", required=True, limit=100), kind=kind,
                   quantity=quantity, donor_resident_id=donor, status="pending",
                   created_at=now())
    await Donation.insert(row)
    return dict(await Donation.select().where(Donation.id == row.id).first() or {})


async def confirm_donation(access: Access, *, donation_id: int, accept: bool = True
                           ) -> dict[str, Any]:
    """确认捐赠 The keeper confirms (stock added, once) or declines a pending donation."""
    donation = await Donation.select().where(Donation.id == donation_id).first()
    if donation is None:
        raise not_found("捐赠", "donation", "donationId")
    box = await get_box(int(donation["box_id"]), "donationId")
    ensure(access, "mutual_aid.box", box["community_id"], box["building_id"])
    decided = await Donation.update({
        Donation.status: "confirmed" if accept else "declined",
        Donation.decided_by: access.principal.account_id, Donation.decided_at: now(),
    }).where((Donation.id == donation_id) & (Donation.status == "pending")).returning(
        Donation.id)
    if not decided:
        raise conflict("该捐赠已处理", "the donation was already decided", "donationId")
    if accept:
        item_id = donation["item_id"]
        if item_id is None:
            item = await add_item(access, box_id=box["id"], name=donation["name"],
                                  kind=donation["kind"], quantity=0)
            item_id = item["id"]
            await Donation.update({Donation.item_id: item_id}).where(Donation.id == donation_id)
        await Item.update({Item.quantity: Item.quantity + int(donation["quantity"])}).where(
            Item.id == item_id)
        item, _ = await _item(int(item_id))
        await _move(access, item, "donation", int(donation["quantity"]),
                    donation["donor_resident_id"])
        await _check_restock(access, int(item_id))
    await record("mutual_aid.donation.confirm", account_id=access.principal.account_id,
                 object_type="mutual_aid_donation", object_id=donation_id,
                 summary={"accepted": accept})
    return dict(await Donation.select().where(Donation.id == donation_id).first() or {})


async def count_item(access: Access, *, item_id: int, counted: int, broken: int = 0,
                     note: str = "") -> dict[str, Any]:
    """盘点 The keeper's count: the difference to stock is recorded as lost (missing) and
    broken, and stock set to what is usable; history is kept, nothing is deleted."""
    item, box = await _item(item_id)
    ensure(access, "mutual_aid.box", box["community_id"], box["building_id"])
    if not 0 <= counted <= 10000:
        raise bad("盘点数量须在0到10000之间", "counted must be 0–10000", "counted")
    if not 0 <= broken <= counted:
        raise bad("损坏数不能超过盘点数", "broken cannot exceed counted", "broken")
    expected = int(item["quantity"])
    usable = counted - broken
    row = Count(tenant_id=tenant_of(access), box_id=box["id"], item_id=item_id,
                expected=expected, counted=counted, lost=max(expected - counted, 0),
                broken=broken, note=text(note, "note", required=False, limit=200),
                counted_by=access.principal.account_id, counted_at=now())
    await Count.insert(row)
    # set relative to the stock read, so a take that happened meanwhile is not undone
    change = usable - expected
    await Item.update({Item.quantity: Item.quantity + change}).where(
        (Item.id == item_id) & (Item.quantity >= max(-change, 0)))
    await _move(access, item, "count", usable - expected, None)
    await record("mutual_aid.count", account_id=access.principal.account_id,
                 object_type="mutual_aid_item", object_id=item_id,
                 summary={"expected": expected, "counted": counted, "broken": broken})
    await _check_restock(access, item_id)
    return dict(await Count.select().where(Count.id == row.id).first() or {})


async def box_page(access: Access, first: int, after: int, *,
                   building_id: int | None = None) -> list[dict[str, Any]]:
    """Boxes in id order after the cursor (``first + 1`` rows), limited to where the caller
    may read."""
    query = Box.select().where(Box.id > after)
    if building_id is not None:
        query = query.where(Box.building_id == building_id)
    limit = access.limit("mutual_aid.read")
    if limit is not None:
        query = query.where(Box.community_id.is_in(sorted(limit.community_ids) or [-1])
                            | Box.building_id.is_in(sorted(limit.building_ids) or [-1]))
    return [dict(r) for r in await query.order_by(Box.id).limit(first + 1)]


async def items_of_boxes(box_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Item lines of many boxes in one statement."""
    out: dict[int, list[dict[str, Any]]] = {b: [] for b in box_ids}
    if box_ids:
        for r in await Item.select().where(Item.box_id.is_in(box_ids)).order_by(Item.id):
            out[int(r["box_id"])].append(dict(r))
    return out


async def loan_page(access: Access, first: int, after: int, *, overdue: bool = False,
                    open_only: bool = True) -> list[dict[str, Any]]:
    limit = access.limit("mutual_aid.read")
    query = Loan.select().where(Loan.id > after)
    if open_only or overdue:
        query = query.where(Loan.returned_at.is_null())
    if overdue:
        query = query.where(Loan.due_on < today_shanghai())
    if limit is not None:
        boxes = Box.select(Box.id).where(
            Box.community_id.is_in(sorted(limit.community_ids) or [-1])
            | Box.building_id.is_in(sorted(limit.building_ids) or [-1]))
        query = query.where(Loan.box_id.is_in(boxes))
    return [dict(r) for r in await query.order_by(Loan.id).limit(first + 1)]


async def open_restocks() -> list[dict[str, Any]]:
    return [dict(r) for r in await Restock.select().where(Restock.status == "open")
            .order_by(Restock.id)]


async def remind_overdue(ctx: dict[str, Any], tenant_id: int) -> int:
    """逾期提醒 Each borrower of an open loan past its due date is reminded once a day
    (conditional update on ``reminded_on``); returns how many loans were reminded."""
    today = today_shanghai()
    due = await Loan.select().where(Loan.returned_at.is_null() & (Loan.due_on < today)
                                    & (Loan.reminded_on.is_null() | (Loan.reminded_on < today)))
    names = {int(r["id"]): str(r["name"]) for r in await Item.select(Item.id, Item.name).where(
        Item.id.is_in([int(r["item_id"]) for r in due] or [-1]))}
    count = 0
    for loan in due:
        won = await Loan.update({Loan.reminded_on: today}).where(
            (Loan.id == loan["id"]) & (Loan.reminded_on.is_null()
                                       | (Loan.reminded_on < today))).returning(Loan.id)
        if not won:
            continue
        count += 1
        name = names.get(int(loan["item_id"]), "物品")
        await notify(ResidentRecipient(int(loan["resident_id"])), "mutual_aid.loan_overdue",
                     "便民箱物品请归还", f"您借用的“{name}”应于{loan['due_on']}归还，请放回便民箱，"
                     f"方便其他邻居使用 / please return the {name} borrowed from the box")
    return count
