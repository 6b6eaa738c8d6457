"""Re-eligibility reminders: a donor who opted in is told once when they may donate whole
blood again (the interval from their latest donation, a rule value). Idempotent: the
(donor, eligible date) key is inserted in the job's own transaction before notifying."""

from __future__ import annotations

from datetime import date

from core.plugin import (
    ResidentRecipient,
    notify,
    now_utc,
    today_shanghai,
)
from plugins.blood_drive.services.common import node_of, rule_values
from plugins.blood_drive.services.precheck import PastDonation, interval_end
from plugins.blood_drive.tables import Donation, Donor, Reminder

__all__ = ["send_reminders"]


async def send_reminders(tenant_id: int, on: date | None = None) -> int:
    """Notify every opted-in donor of the tenant who became eligible again since their latest
    donation and was not told yet; returns how many were told."""
    day = on or today_shanghai()
    donors = {int(r["id"]): int(r["resident_id"]) for r in await Donor.select(
        Donor.id, Donor.resident_id).where(Donor.remind_opt_in == True)}
    if not donors:
        return 0
    latest: dict[int, PastDonation] = {}
    for r in await Donation.select(Donation.donor_id, Donation.donated_on, Donation.kind).where(
            Donation.donor_id.is_in(sorted(donors)) & (Donation.outcome == "donated")):
        past = PastDonation(r["donated_on"], str(r["kind"]))
        current = latest.get(int(r["donor_id"]))
        if current is None or past.donated_on > current.donated_on:
            latest[int(r["donor_id"])] = past
    rules, _ = await rule_values(await node_of(tenant_id), day, "blood_drive.intervals")
    told = 0
    for donor_id, past in sorted(latest.items()):
        eligible = interval_end(past, "whole_blood", rules["blood_drive.intervals"])
        if eligible > day:
            continue
        inserted = await Reminder.insert(Reminder(
            tenant_id=tenant_id, donor_id=donor_id, eligible_on=eligible, sent_at=now_utc())
        ).on_conflict(action="DO NOTHING").returning(Reminder.id)
        if not inserted:
            continue
        await notify(ResidentRecipient(donors[donor_id]), "blood_drive.eligible_again",
                     "您可以再次献血了", f"自 {eligible.isoformat()} 起您可以再次献全血，感谢您的奉献。")
        told += 1
    return told
