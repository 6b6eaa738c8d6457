"""通借通还: checkout at any room, return at any room, renewals; check-in always says where the
copy goes next. Only-once rules are the database's, the same on both engines with no engine
checks here: a copy moves to ``on_loan`` by a conditional update (``WHERE status =
'available'``) and a loan's ``open_copy_id`` is unique, so one copy can never be lent twice
however many machines scan it at once; a card's count of open loans moves by a conditional
update (``WHERE open_loans < limit AND no overdue loan``), so the reader-type limit holds under
concurrent checkouts, and that update's row lock makes the per-class check that follows it see
every earlier checkout of the card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count
from piccolo.query.methods.select import Select

from core.plugin import Access, ApiError, now_utc, today_shanghai
from plugins.reading_rooms.services import holds as hold_service
from plugins.reading_rooms.services.common import (
    NetworkRef,
    get_room,
    loan_rules,
    next_open_day,
    require_room,
)
from plugins.reading_rooms.tables import Card, ClassLimit, Copy, Hold, Loan, Title, TransferItem

__all__ = ["Checkin", "checkin", "checkout", "copy_by_barcode", "release_loans", "renew"]


async def copy_by_barcode(network: NetworkRef, barcode: str) -> dict[str, Any]:
    """The copy with its title's class letter (``class_letter``), in one statement."""
    row = await Copy.select(*Copy.all_columns(),
                            Copy.title_id.join_on(Title.id).class_letter.as_alias(
                                "class_letter")).where(
        (Copy.network_id == network.id) & (Copy.barcode == (barcode or "").strip())).first()
    if row is None:
        raise ApiError.not_found("馆藏", "copy", "barcode")
    found = dict(row)
    found["class_letter"] = found["class_letter"] or "Z"
    return found


def _overdue_of(card_id: int, today: date) -> Select[Loan]:
    return Loan.select(Loan.card_id).where((Loan.card_id == card_id) & (Loan.status == "open")
                                           & (Loan.due_on < today))


async def checkout(access: Access, room_id: int, card_number: str, barcode: str
                   ) -> dict[str, Any]:
    """Lend the copy scanned at ``room_id`` to the card. Refused: a card not active or
    expired, an overdue item (overdue blocks new loans until returned), the limit of the
    reader's type reached, a copy not on this room's shelf (or on its hold shelf for another
    reader)."""
    from plugins.reading_rooms.services.cards import card_by_number

    network, room = await require_room(access, room_id)
    card = await card_by_number(network, card_number)
    today = today_shanghai()
    if card["status"] != "active" or (card["expires_on"] and card["expires_on"] < today):
        raise ApiError.invalid("cardNumber", "读者证不可用（停用或过期）",
                               "the card is blocked or expired")
    copy = await copy_by_barcode(network, barcode)
    if int(copy["current_room_id"]) != room_id and copy["status"] != "on_loan":
        raise ApiError.invalid("barcode", "该书不在本书房", "this copy is not at this room")
    rules = await loan_rules(network.county, today)
    policy = rules.policy(card["reader_type"], copy["class_letter"])
    # the card's open-loan count moves only while under the limit and with nothing overdue: a
    # conditional update, so concurrent checkouts cannot pass the limit (and the row it locks
    # until commit orders this card's checkouts for the class check below)
    took = await Card.update({Card.open_loans: Card.open_loans + 1}).where(
        (Card.id == card["id"]) & (Card.open_loans < rules.limit(card["reader_type"]))
        & Card.id.not_in(_overdue_of(int(card["id"]), today))).returning(Card.id)
    if not took:
        if await Loan.exists().where((Loan.card_id == card["id"]) & (Loan.status == "open")
                                     & (Loan.due_on < today)):
            raise ApiError.invalid("cardNumber", "有逾期未还的图书，请先归还",
                                   "an overdue item blocks new loans until it is returned")
        limit = rules.limit(card["reader_type"])
        raise ApiError.invalid("cardNumber", f"已达借阅上限（{limit}册）",
                               f"loan limit reached ({limit} items)")
    if policy.class_limit is not None and await Loan.count().where(
            (Loan.card_id == card["id"]) & (Loan.status == "open")
            & (Loan.class_letter == copy["class_letter"])) >= policy.class_limit:
        raise ApiError.invalid("cardNumber",
                               f"{copy['class_letter']}类图书已达借阅上限（{policy.class_limit}册）",
                               f"loan limit for class {copy['class_letter']} reached "
                               f"({policy.class_limit} items)")
    hold = None
    allowed = ["available"]
    if copy["status"] == "on_hold_shelf":
        hold = await Hold.select().where((Hold.id == copy["hold_id"])
                                         & (Hold.status == "ready")).first()
        if hold is None or int(hold["card_id"]) != int(card["id"]):
            raise ApiError.conflict("该书为其他读者预留", "this copy is held for another reader",
                                    "barcode")
        allowed = ["on_hold_shelf"]
    moved = await Copy.update({Copy.status: "on_loan", Copy.hold_id: None,
                               Copy.destination_room_id: None, Copy.updated_at: now_utc()}).where(
        (Copy.id == copy["id"]) & Copy.status.is_in(allowed)
        & (Copy.current_room_id == room_id)).returning(Copy.id)
    if not moved:
        raise ApiError.conflict("该书已借出或不可借", "this copy is already on loan or not "
                                "available", "barcode")
    due = await next_open_day(room, today + timedelta(days=policy.loan_days))
    loan = Loan(tenant_id=network.county.id, network_id=network.id, copy_id=copy["id"],
                card_id=card["id"], title_id=copy["title_id"],
                class_letter=copy["class_letter"], room_id=room_id,
                loaned_at=now_utc(), due_on=due, renewals=0, status="open",
                open_copy_id=copy["id"], rule_versions=rules.versions)
    await Loan.insert(loan)
    if hold is not None:
        await Hold.update({Hold.status: "collected", Hold.active_key: None}).where(
            Hold.id == hold["id"])
    return loan.to_dict()


async def release_loans(card_ids: list[int]) -> None:
    """Closed loans (returned or lost) give their place back on the cards' open-loan count."""
    for card_id in sorted(set(card_ids)):
        ended = card_ids.count(card_id)
        await Card.update({Card.open_loans: Card.open_loans - ended}).where(
            (Card.id == card_id) & (Card.open_loans >= ended))


@dataclass(frozen=True)
class Checkin:
    """Where a copy goes after check-in: ``shelf`` here, ``hold_shelf`` here (for a hold), or
    ``transit`` to ``destination_room_id`` (for a hold, home, or a room short of the class)."""

    copy: dict[str, Any]
    action: str
    destination_room_id: int
    reason: str
    """returned | hold | home | rebalance | received."""
    loan: dict[str, Any] | None = None
    hold_id: int | None = None


async def checkin(access: Access, room_id: int, barcode: str) -> Checkin:
    """Return a copy at any room (or receive a copy in transit here) and say where it goes."""
    network, room = await require_room(access, room_id)
    copy = await copy_by_barcode(network, barcode)
    now, today = now_utc(), today_shanghai()
    loan = None
    if copy["status"] == "on_loan":
        closed = await Loan.update({Loan.status: "returned", Loan.open_copy_id: None,
                                    Loan.returned_at: now, Loan.return_room_id: room_id}).where(
            (Loan.open_copy_id == copy["id"]) & (Loan.status == "open")
        ).returning(*Loan.all_columns())
        if closed:
            loan = dict(closed[0])
            await release_loans([int(loan["card_id"])])
    elif copy["status"] == "in_transit":
        return await _receive(network, room, copy)
    elif copy["status"] not in ("lost",):
        raise ApiError.invalid("barcode", "该书未借出，无需归还", "this copy is not on loan")
    # a copy declared lost that comes back is returned like any other
    letter = copy["class_letter"]
    hold = await hold_service.next_waiting(int(copy["title_id"]))
    if hold is not None:
        return await _route_to_hold(network, room, copy, hold, loan, today)
    destination, reason = room_id, "returned"
    if network.return_policy == "home" and int(copy["owning_room_id"]) != room_id:
        destination, reason = int(copy["owning_room_id"]), "home"
    elif network.return_policy == "float":
        surplus_to = await _surplus_destination(network, room_id, letter)
        if surplus_to is not None:
            destination, reason = surplus_to, "rebalance"
    action = "shelf" if destination == room_id else "transit"
    moved = {"status": "available" if action == "shelf" else "in_transit",
             "current_room_id": room_id,
             "destination_room_id": None if action == "shelf" else destination,
             "hold_id": None, "updated_at": now}
    await Copy.update({getattr(Copy, k): v for k, v in moved.items()}).where(
        Copy.id == copy["id"])
    return Checkin({**copy, **moved}, action, destination, reason, loan)


async def _route_to_hold(network: NetworkRef, room: dict[str, Any], copy: dict[str, Any],
                         hold: dict[str, Any], loan: dict[str, Any] | None, today: date
                         ) -> Checkin:
    pickup = int(hold["pickup_room_id"])
    if pickup == int(room["id"]):
        await hold_service.make_ready(network, hold, int(copy["id"]), pickup, today)
        action = "hold_shelf"
    else:
        await Copy.update({Copy.status: "in_transit", Copy.current_room_id: room["id"],
                           Copy.destination_room_id: pickup, Copy.hold_id: hold["id"],
                           Copy.updated_at: now_utc()}).where(Copy.id == copy["id"])
        await Hold.update({Hold.status: "in_transit", Hold.copy_id: copy["id"]}).where(
            Hold.id == hold["id"])
        action = "transit"
    return Checkin(await copy_by_barcode(network, copy["barcode"]), action, pickup, "hold", loan,
                   int(hold["id"]))


async def _receive(network: NetworkRef, room: dict[str, Any], copy: dict[str, Any]) -> Checkin:
    """A copy in transit scanned at a room: at its destination it arrives (onto the hold shelf
    when it travelled for a hold: only now is the reader told); elsewhere it is sent on."""
    room_id = int(room["id"])
    destination = int(copy["destination_room_id"] or room_id)
    if destination != room_id:
        return Checkin(copy, "transit", destination, "received")
    now, today = now_utc(), today_shanghai()
    await TransferItem.update({TransferItem.received_at: now}).where(
        (TransferItem.copy_id == copy["id"]) & TransferItem.received_at.is_null())
    from plugins.reading_rooms.services.transfers import close_received

    await close_received()
    if copy["hold_id"] is not None:
        hold = await Hold.select().where((Hold.id == copy["hold_id"])
                                         & (Hold.status == "in_transit")).first()
        if hold is not None:
            await hold_service.make_ready(network, dict(hold), int(copy["id"]), room_id, today)
            return Checkin(await copy_by_barcode(network, copy["barcode"]), "hold_shelf",
                           room_id, "hold", None, int(hold["id"]))
    await Copy.update({Copy.status: "available", Copy.current_room_id: room_id,
                       Copy.destination_room_id: None, Copy.hold_id: None,
                       Copy.updated_at: now}).where(Copy.id == copy["id"])
    return Checkin(await copy_by_barcode(network, copy["barcode"]), "shelf", room_id, "received")


async def _surplus_destination(network: NetworkRef, room_id: int, letter: str) -> int | None:
    """With a floating collection: when this room already holds its limit of the class, the
    room of the network with the lowest held-to-allowed ratio for the class (below 1)."""
    limits = {int(r["room_id"]): int(r["max_copies"]) for r in await ClassLimit.select().where(
        ClassLimit.class_letter == letter)}
    if room_id not in limits:
        return None
    held_rows = await Copy.select(Copy.current_room_id, Count(alias="count")).where(
        (Copy.network_id == network.id) & Copy.status.is_in(["available", "on_hold_shelf"])
        & (Copy.title_id.join_on(Title.id).class_letter == letter)
    ).group_by(Copy.current_room_id)
    held = {int(r["current_room_id"]): int(r["count"]) for r in held_rows}
    if held.get(room_id, 0) < limits[room_id]:
        return None
    ratios = sorted((held.get(r, 0) / allowed, r) for r, allowed in limits.items()
                    if r != room_id and allowed > 0 and held.get(r, 0) < allowed)
    return ratios[0][1] if ratios else None


async def renew(access: Access, network: NetworkRef, loan_id: int, *,
                own_card_ids: list[int] | None = None) -> dict[str, Any]:
    """One more loan period (up to the renewals allowed) unless another reader holds a
    reservation on the title; ``own_card_ids`` limits a reader to their own loans."""
    loan = await Loan.select().where((Loan.id == loan_id) & (Loan.network_id == network.id)
                                     ).first()
    if loan is None or (own_card_ids is not None and int(loan["card_id"]) not in own_card_ids):
        raise ApiError.not_found("借阅", "loan", "loanId")
    if loan["status"] != "open":
        raise ApiError.invalid("loanId", "该借阅已结束", "this loan has ended")
    today = today_shanghai()
    rules = await loan_rules(network.county, today)
    if int(loan["renewals"]) >= rules.renewals:
        raise ApiError.invalid("loanId", "已达续借次数上限", "no renewals left")
    if await Hold.exists().where((Hold.title_id == loan["title_id"])
                                 & (Hold.status == "waiting")):
        raise ApiError.invalid("loanId", "有读者预约此书，不能续借",
                               "another reader is waiting for this title")
    room = await get_room(int(loan["room_id"]))
    due = await next_open_day(room, max(loan["due_on"], today) + timedelta(
        days=rules.renewal_days))
    updated = await Loan.update({Loan.due_on: due, Loan.renewals: Loan.renewals + 1}).where(
        (Loan.id == loan_id) & (Loan.renewals == loan["renewals"])
        & (Loan.status == "open")).returning(Loan.id)
    if not updated:
        raise ApiError.conflict("续借冲突，请重试", "renewed meanwhile; try again", "loanId")
    return dict(await Loan.select().where(Loan.id == loan_id).first() or {})
