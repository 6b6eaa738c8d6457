"""The event the plugin emits: a completed donation (points_market awards points for it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.plugin import EventType

__all__ = ["DONATION_COMPLETED", "EVENT_TYPES", "DonationCompleted"]


@dataclass(frozen=True)
class DonationCompleted:
    """献血完成 A donor donated (v1): ``resident_id`` is the donor's resident record. Emitted
    in the donor's own street office: for a visiting donor who donated at another street
    office's session, in their home office, with the home office's donor and donation ids
    (its record of the visit); ``campaign_id`` is the campaign either way."""

    resident_id: int
    donor_id: int
    donation_id: int
    donated_on: date
    kind: str
    volume_ml: int
    units: int
    campaign_id: int | None


DONATION_COMPLETED = EventType("blood_drive.donation_completed", 1, DonationCompleted,
                               "献血完成", "A donation was completed")

EVENT_TYPES = [DONATION_COMPLETED]
