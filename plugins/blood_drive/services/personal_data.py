"""One person's blood-drive data for the PIPL export and erasure (``linli_personal_data``).

Erasure deletes the pre-checks (health answers and reasons) and cancels open bookings (their
seats are given back) and deletes their closed once-only claims at the campaign's owner
(the pseudonymous person key with them); donation results are the blood station's record and count towards
honours and statistics, so they are kept and pseudonymised (the sealed deferral reason is
blanked); the donor row is kept for them, its work unit and consents cleared.

A person who booked sessions of other street offices (a city's campaign) has a *visiting*
donor row in each: those street offices are reached with ``core.plugin.beside`` and treated
alike (exported under ``visiting``; erased the same way, the sealed name blanked too)."""

from __future__ import annotations

import json
from typing import Any

from core.plugin import beside, current_scope, get_node, tenants_enabled_below
from plugins.blood_drive import NAME
from plugins.blood_drive.services.bookings import announce_slots, release_claims
from plugins.blood_drive.services.precheck import open_precheck
from plugins.blood_drive.tables import Booking, Donation, Donor, Precheck, Slot, Visit

__all__ = ["personal_data"]


async def personal_data(resident_id: int, action: str) -> dict[str, Any] | None:
    home = await Donor.select().where(Donor.resident_id == resident_id).first()
    out = await _here(dict(home), action) if home is not None else None
    visits = await _visiting(resident_id, action)
    if not visits:
        return out
    if action == "export":
        return {**(out or {}), "visiting": [
            {"street_office_id": t, **part} for t, part in visits]}
    total = dict(out or {})
    for _, part in visits:
        for k, v in part.items():
            total[k] = int(total.get(k, 0)) + int(v)
    return total


async def _visiting(resident_id: int, action: str) -> list[tuple[int, dict[str, Any]]]:
    """The person's visiting donor rows in the other street offices of the tree."""
    node_id = current_scope().write_node
    home = await get_node(node_id) if node_id is not None else None
    if home is None:
        return []
    path = [int(p) for p in home.path.strip("/").split("/") if p]
    root = await get_node(path[0]) if len(path) > 1 else None
    if root is None:
        return []
    found = []
    for street in await tenants_enabled_below(NAME, root):
        if street.id == home.id or street.is_region:
            continue
        region = next(n for n in reversed(path[:-1]) if n in street.ancestor_ids)
        async with beside(street, await _node(region)):
            visitor = await Donor.select().where(
                (Donor.resident_id == resident_id) & (Donor.home_tenant_id == home.id)).first()
            if visitor is not None:
                part = await _here(dict(visitor), action)
                if action != "export" and visitor["name_cipher"]:
                    await Donor.update({Donor.name_cipher: ""}).where(
                        Donor.id == visitor["id"])
                    part["visitor_name_blanked"] = 1
                found.append((street.id, part))
    return found


async def _node(node_id: int) -> Any:
    node = await get_node(node_id)
    assert node is not None
    return node


async def _here(donor: dict[str, Any], action: str) -> dict[str, Any]:
    donor_id = int(donor["id"])
    prechecks = await Precheck.select().where(Precheck.donor_id == donor_id).order_by(Precheck.id)
    bookings = await Booking.select().where(Booking.donor_id == donor_id).order_by(Booking.id)
    donations = await Donation.select().where(Donation.donor_id == donor_id
                                              ).order_by(Donation.id)
    visits = await Visit.select().where(Visit.donor_id == donor_id).order_by(Visit.id)
    if action == "export":
        checks = []
        for p in prechecks:
            answers, reasons = open_precheck(p)
            checks.append({"checked_on": p["checked_on"], "outcome": p["outcome"],
                           "eligible_on": p["eligible_on"], "answers": json.dumps(
                               answers, ensure_ascii=False), "reasons": ",".join(reasons)})
        return {
            "donor": [{"work_unit": donor["work_unit"], "remind_opt_in": donor["remind_opt_in"],
                       "leaderboard_opt_in": donor["leaderboard_opt_in"],
                       "gold_awards": donor["gold_awards"]}],
            "prechecks": checks,
            "bookings": [{"campaign_id": b["campaign_id"], "slot_id": b["slot_id"],
                          "status": b["status"], "booked_at": b["booked_at"]} for b in bookings],
            "donations": [{"donated_on": d["donated_on"], "outcome": d["outcome"],
                           "kind": d["kind"], "volume_ml": d["volume_ml"], "units": d["units"]}
                          for d in donations],
            "visits": [{"campaign_id": v["campaign_id"], "street_office": v["street_name"],
                        "site_name": v["site_name"], "held_on": v["held_on"],
                        "starts_at": v["starts_at"], "status": v["status"]} for v in visits],
        }
    open_ones = [b for b in bookings if b["status"] == "booked"]
    for b in open_ones:
        await Booking.update({Booking.status: "cancelled", Booking.active: None}).where(
            Booking.id == b["id"])
        await Slot.update({Slot.booked: Slot.booked - 1}).where(
            (Slot.id == b["slot_id"]) & (Slot.booked > 0))
    await release_claims([dict(b) for b in bookings if b["status"] != "checked_in"],
                         forget=True)
    announce_slots([{"tenant_id": b["tenant_id"], "session_id": b["session_id"],
                     "id": b["slot_id"]} for b in open_ones])
    if prechecks:
        await Precheck.delete().where(Precheck.donor_id == donor_id)
    blanked = [d for d in donations if d["deferral_cipher"]]
    if blanked:
        await Donation.update({Donation.deferral_cipher: ""}).where(
            Donation.id.is_in([int(d["id"]) for d in blanked]))
    cleared = int(bool(donor["work_unit"] or donor["remind_opt_in"]
                       or donor["leaderboard_opt_in"]))
    if cleared:
        await Donor.update({Donor.work_unit: "", Donor.remind_opt_in: False,
                            Donor.leaderboard_opt_in: False}).where(Donor.id == donor_id)
    if visits:     # the bookings there are cancelled through the visiting rows
        await Visit.delete().where(Visit.donor_id == donor_id)
    return {"prechecks_deleted": len(prechecks), "bookings_cancelled": len(open_ones),
            "visits_deleted": len(visits),
            "deferral_reasons_blanked": len(blanked), "donor_cleared": cleared}
