"""How ``node(id:)`` loads the plugin's objects: None (``NOT_FOUND``) outside the caller's
scope — and for a pre-check or a result, for anyone but the donor and site or station staff
(an organiser asking ``node()`` for a pre-check learns nothing, not even that it exists)."""

from __future__ import annotations

from core.plugin import Info, NodeType
from plugins.blood_drive.schema.types import (
    BloodDriveBooking,
    BloodDriveCampaign,
    BloodDriveDonation,
    BloodDriveDonor,
    BloodDrivePrecheck,
    BloodDriveSession,
    BloodDriveSlot,
)
from plugins.blood_drive.services import bookings, campaigns, health
from plugins.blood_drive.services.common import can_see_health
from plugins.blood_drive.services.precheck import open_precheck
from plugins.blood_drive.tables import Donation

__all__ = ["NODE_TYPES"]


async def _campaign(info: Info, ident: int) -> BloodDriveCampaign | None:
    async with info.context.read():
        row = (await campaigns.campaigns_by_ids([ident])).get(ident)
    return BloodDriveCampaign.from_row(row) if row else None


async def _session(info: Info, ident: int) -> BloodDriveSession | None:
    async with info.context.read():
        row = (await campaigns.sessions_by_ids([ident])).get(ident)
    return BloodDriveSession.from_row(row) if row else None


async def _slot(info: Info, ident: int) -> BloodDriveSlot | None:
    async with info.context.read():
        row = (await campaigns.slots_by_ids([ident])).get(ident)
    return BloodDriveSlot.from_row(row) if row else None


async def _donor(info: Info, ident: int) -> BloodDriveDonor | None:
    async with info.context.read() as access:
        row = (await campaigns.donors_by_ids([ident])).get(ident)
        if row is not None and not (access.has("blood_drive.mobilise")
                                    or can_see_health(access, int(row["resident_id"]))):
            row = None
    return BloodDriveDonor.from_row(row) if row else None


async def _booking(info: Info, ident: int) -> BloodDriveBooking | None:
    async with info.context.read() as access:
        row = (await bookings.bookings_by_ids([ident])).get(ident)
        if row is not None and not (access.has("blood_drive.read")
                                    or access.has("blood_drive.mobilise")
                                    or access.has("blood_drive.health")):
            row = None
    return BloodDriveBooking.from_row(row) if row else None


async def _precheck(info: Info, ident: int) -> BloodDrivePrecheck | None:
    async with info.context.read() as access:
        row = await health.precheck_for(access, ident)
    return BloodDrivePrecheck.build(row, open_precheck(row)[1]) if row else None


async def _donation(info: Info, ident: int) -> BloodDriveDonation | None:
    async with info.context.read() as access:
        row = await Donation.select().where(Donation.id == ident).first()
        if row is not None:
            donor = (await campaigns.donors_by_ids([int(row["donor_id"])])).get(
                int(row["donor_id"]))
            if donor is None or not can_see_health(access, int(donor["resident_id"])):
                row = None
    return BloodDriveDonation.from_row(row) if row else None


NODE_TYPES: list[NodeType] = [
    NodeType("BloodDriveBooking", _booking),
    NodeType("BloodDriveCampaign", _campaign),
    NodeType("BloodDriveDonation", _donation),
    NodeType("BloodDriveDonor", _donor),
    NodeType("BloodDrivePrecheck", _precheck),
    NodeType("BloodDriveSession", _session),
    NodeType("BloodDriveSlot", _slot),
]
