"""Daily work of a network, run for each tenant over the rooms placed in it: due-soon and overdue
notices, hold-shelf expiry, lost marking. Each is idempotent: notices by their unique key
(kind, loan, day), the others by conditional updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core.plugin import LocalText, as_region, emit, now_utc, today_shanghai
from plugins.reading_rooms.services.circulation import release_loans
from plugins.reading_rooms.services.common import ALL_TABLES, NetworkRef, get_network, loan_rules
from plugins.reading_rooms.services.holds import expire_holds, tell
from plugins.reading_rooms.tables import Copy, Loan, Network, Room

__all__ = ["DailyOutcome", "LoanOverdue", "daily_for_tenant"]


@dataclass(frozen=True)
class LoanOverdue:
    """Payload of ``reading_rooms.loan_overdue`` (once per loan, the first day it is overdue)."""

    loan_id: int
    card_id: int
    room_id: int
    due_on: date


@dataclass
class DailyOutcome:
    due_soon: int = 0
    overdue: int = 0
    holds_expired: int = 0
    lost: int = 0


async def daily_for_tenant(tenant_id: int, today: date | None = None) -> DailyOutcome:
    """The day's work for the rooms placed in ``tenant_id`` (inside the tenant's write scope)."""
    today = today or today_shanghai()
    outcome = DailyOutcome()
    networks = await Network.select(Network.id)
    for row in networks:
        network = await get_network(int(row["id"]))
        async with as_region(network.county, *ALL_TABLES):
            rooms = [int(r["id"]) for r in await Room.select(Room.id).where(
                (Room.network_id == network.id) & (Room.place_tenant_id == tenant_id))]
            if rooms:
                await _daily(network, rooms, today, outcome)
    return outcome


async def _daily(network: NetworkRef, rooms: list[int], today: date,
                 outcome: DailyOutcome) -> None:
    rules = await loan_rules(network.county, today)
    soon = today + timedelta(days=rules.due_soon_days)
    due = await Loan.select(Loan.id, Loan.card_id, Loan.due_on).where(
        (Loan.network_id == network.id) & (Loan.status == "open") & Loan.room_id.is_in(rooms)
        & (Loan.due_on == soon))
    for loan in due:
        due_on = loan["due_on"]
        if await tell(int(loan["card_id"]), "reading_rooms.due_soon", int(loan["id"]),
                      LocalText("图书即将到期", "A book is due soon"),
                      LocalText(f"您借阅的图书将于{due_on.month}月{due_on.day}日到期，请及时归还或续借",
                                f"A book you borrowed is due on {due_on.isoformat()}; return "
                                "or renew it in time"),
                      period=today.isoformat()):
            outcome.due_soon += 1
    late = await Loan.select(Loan.id, Loan.card_id, Loan.due_on, Loan.room_id).where(
        (Loan.network_id == network.id) & (Loan.status == "open") & Loan.room_id.is_in(rooms)
        & (Loan.due_on < today))
    for loan in late:
        first = await tell(int(loan["card_id"]), "reading_rooms.overdue", int(loan["id"]),
                           LocalText("图书已逾期", "A book is overdue"),
                           LocalText("您借阅的图书已逾期，逾期期间不能借新书，请尽快归还",
                                     "A book you borrowed is overdue; no new loans until it "
                                     "is returned"),
                           period="-")
        if first:
            outcome.overdue += 1
            await emit("reading_rooms.loan_overdue",
                       LoanOverdue(int(loan["id"]), int(loan["card_id"]), int(loan["room_id"]),
                                   loan["due_on"]), tenant_id=network.county.id)
    cutoff = today - timedelta(days=rules.lost_after_days)
    lost = await Loan.update({Loan.status: "lost", Loan.open_copy_id: None,
                              Loan.lost_at: now_utc()}).where(
        (Loan.network_id == network.id) & (Loan.status == "open") & Loan.room_id.is_in(rooms)
        & (Loan.due_on < cutoff)).returning(Loan.copy_id, Loan.card_id)
    if lost:
        await release_loans([int(r["card_id"]) for r in lost])
        await Copy.update({Copy.status: "lost", Copy.updated_at: now_utc()}).where(
            Copy.id.is_in([int(r["copy_id"]) for r in lost]) & (Copy.status == "on_loan"))
        outcome.lost += len(lost)
    outcome.holds_expired += await expire_holds(network, today, rooms)
