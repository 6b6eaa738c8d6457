"""One person's data in this plugin (``linli_personal_data``).

Export: loans, donations, orders (with rating and comment), the services the person gave as a
volunteer (orders they served, with minutes), sign-ups and +1s. Erase: +1s are deleted (a
voice, nothing depends on it); loans, donations, orders, services served and sign-ups are kept
with their resident id (stock history, service figures and the points a service earned are
records) and the order comments — the only free text — are blanked. Notes hold no person at
all."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from plugins.mutual_aid.tables import Donation, Loan, Order, PlusOne, Signup

__all__ = ["personal_data"]


def _json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in r.items()
             if k != "tenant_id"} for r in rows]


async def personal_data(resident_id: int, action: str) -> dict[str, Any] | None:
    loans = await Loan.select(Loan.id, Loan.item_id, Loan.quantity, Loan.taken_at, Loan.due_on,
                              Loan.returned_at).where(Loan.resident_id == resident_id)
    donations = await Donation.select(Donation.id, Donation.name, Donation.quantity,
                                      Donation.status, Donation.created_at).where(
        Donation.donor_resident_id == resident_id)
    orders = await Order.select(Order.id, Order.title, Order.status, Order.placed_at,
                                Order.rating, Order.comment).where(
        Order.resident_id == resident_id)
    served = await Order.select(Order.id, Order.title, Order.status, Order.done_at,
                                Order.minutes, Order.service_recorded).where(
        Order.server_resident_id == resident_id)
    signups = await Signup.select(Signup.id, Signup.session_id, Signup.attended).where(
        Signup.resident_id == resident_id)
    plus = await PlusOne.select(PlusOne.id, PlusOne.order_id).where(
        PlusOne.resident_id == resident_id)
    if not (loans or donations or orders or served or signups or plus):
        return None
    if action == "export":
        return {"loans": _json(loans), "donations": _json(donations), "orders": _json(orders),
                "services_given": _json(served), "signups": _json(signups),
                "plus_ones": _json(plus)}
    blanked = [r["id"] for r in orders if r["comment"]]
    if blanked:
        await Order.update({Order.comment: ""}).where(Order.id.is_in(blanked))
    if plus:
        await PlusOne.delete().where(PlusOne.resident_id == resident_id)
    return {"plus_ones_deleted": len(plus), "order_comments_cleared": len(blanked)}
