"""One person's blood-drive data for the PIPL export and erasure (``linli_personal_data``).

Erasure deletes the pre-checks (health answers and reasons) and cancels open bookings (their
seats are given back); donation results are the blood station's record and count towards
honours and statistics, so they are kept and pseudonymised (the sealed deferral reason is
blanked); the donor row is kept for them, its work unit and consents cleared."""

from __future__ import annotations

import json
from typing import Any

from plugins.blood_drive.services.precheck import open_precheck
from plugins.blood_drive.tables import Booking, Donation, Donor, Precheck, Slot

__all__ = ["personal_data"]


async def personal_data(resident_id: int, action: str) -> dict[str, Any] | None:
    donor = await Donor.select().where(Donor.resident_id == resident_id).first()
    if donor is None:
        return None
    donor_id = int(donor["id"])
    prechecks = await Precheck.select().where(Precheck.donor_id == donor_id).order_by(Precheck.id)
    bookings = await Booking.select().where(Booking.donor_id == donor_id).order_by(Booking.id)
    donations = await Donation.select().where(Donation.donor_id == donor_id
                                              ).order_by(Donation.id)
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
        }
    open_ones = [b for b in bookings if b["status"] == "booked"]
    for b in open_ones:
        await Booking.update({Booking.status: "cancelled", Booking.active: None}).where(
            Booking.id == b["id"])
        await Slot.update({Slot.booked: Slot.booked - 1}).where(
            (Slot.id == b["slot_id"]) & (Slot.booked > 0))
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
    return {"prechecks_deleted": len(prechecks), "bookings_cancelled": len(open_ones),
            "deferral_reasons_blanked": len(blanked), "donor_cleared": cleared}
