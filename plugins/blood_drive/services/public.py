"""The public call (公开倡议): what a resident sees without a login — each running campaign's
call, organisers, period and public contact, with the sessions still ahead that have seats left.
Nothing about donors, bookings or results; the read runs in ``core.plugin.public_read``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plugins.blood_drive.tables import Campaign, Session, Slot

__all__ = ["SESSIONS_SHOWN", "PublicCall", "PublicSession", "public_calls"]

SESSIONS_SHOWN = 20
"""At most this many open sessions per campaign on the board (soonest first)."""


@dataclass
class PublicSession:
    row: dict[str, Any]
    slots: list[dict[str, Any]] = field(default_factory=list)

    @property
    def seats_left(self) -> int:
        return sum(max(int(s["capacity"]) - int(s["booked"]), 0) for s in self.slots)


@dataclass
class PublicCall:
    campaign: dict[str, Any]
    sessions: list[PublicSession] = field(default_factory=list)


async def public_calls(today: date, first: int) -> list[PublicCall]:
    """Campaigns readable at the node that have not ended (soonest end first, at most
    ``first``), each with its sessions from ``today`` on that still have a free seat. Three
    statements, whatever the number of campaigns and sessions."""
    campaigns = await Campaign.select(
        Campaign.id, Campaign.title, Campaign.call_text, Campaign.organisers,
        Campaign.contact_name, Campaign.contact_phones, Campaign.starts_on, Campaign.ends_on,
        Campaign.anchor_name,
    ).where(Campaign.ends_on >= today).order_by(Campaign.ends_on, Campaign.id).limit(first)
    calls = {int(c["id"]): PublicCall(campaign=c) for c in campaigns}
    if not calls:
        return []
    sessions = await Session.select(
        Session.id, Session.campaign_id, Session.site_name, Session.address, Session.held_on,
    ).where(Session.campaign_id.is_in(list(calls)) & (Session.held_on >= today)
            ).order_by(Session.held_on, Session.id)
    found = {int(s["id"]): PublicSession(row=s) for s in sessions}
    if found:
        for slot in await Slot.select(
                Slot.id, Slot.session_id, Slot.starts_at, Slot.ends_at, Slot.capacity,
                Slot.booked).where(Slot.session_id.is_in(list(found))).order_by(Slot.starts_at):
            found[int(slot["session_id"])].slots.append(slot)
    for session in found.values():
        call = calls[int(session.row["campaign_id"])]
        if session.seats_left > 0 and len(call.sessions) < SESSIONS_SHOWN:
            call.sessions.append(session)
    return list(calls.values())
