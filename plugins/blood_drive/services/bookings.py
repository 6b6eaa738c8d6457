"""预约 Booking a slot, cancelling, checking in. Two database rules make the only-once
promises: the slot's seat is taken by a conditional update (``booked < capacity``), and the
campaign owner's claim table (``blood_drive_booking_claim``, unique (owner, campaign, person,
active)) allows one open booking per person and campaign across every street office of the
campaign — a street office writes the claim into the city's rows through
``core.plugin.as_region``; a booking whose slot ended unattended is no longer a future booking
(``no_show``) and gives its claim over; the person is core's pseudonymous person key, the same for one person
registered in two street offices. All run in the mutation's one transaction, so a refusal of
any leaves nothing written."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    ErrorCode,
    NodeInfo,
    PubSub,
    Subscription,
    after_commit,
    as_region,
    beside,
    get_node,
    get_pubsub,
    get_resident,
    now_utc,
    person_keys,
    plugin_enabled,
    record,
    seal_personal,
)
from plugins.blood_drive import NAME
from plugins.blood_drive.services.common import is_self, require_any
from plugins.blood_drive.tables import (
    Booking,
    BookingClaim,
    Campaign,
    Donor,
    Session,
    Slot,
    Visit,
)

__all__ = [
    "SLOT_TOPIC",
    "SlotUpdate",
    "announce_slots",
    "book",
    "book_visiting",
    "booking_page",
    "bookings_by_ids",
    "cancel",
    "cancel_visiting",
    "check_in",
    "get_booking",
    "mark_visit",
    "release_claims",
    "slot_updates",
    "visits_of",
]


@dataclass(frozen=True)
class SlotUpdate:
    """A committed change of a slot's seats (a booking, a cancellation): which slot, which
    session, where. Carries ids only; subscribers re-read the slot in their own scope."""

    tenant_id: int
    session_id: int
    slot_id: int


SLOT_TOPIC = "blood_drive.slots"
"""The live-update topic of slot availability (core's pubsub service), keyed by tenant id."""


def slot_updates(pubsub: PubSub, tenant_id: int) -> Subscription[SlotUpdate]:
    """The tenant's slot updates from now on (close the subscription when done)."""
    return pubsub.subscribe(SLOT_TOPIC, tenant_id, SlotUpdate)


def announce_slots(slots: list[dict[str, Any]]) -> None:
    """Publish the slots' new availability once the transaction commits (never after a
    rollback)."""
    updates = [SlotUpdate(int(s["tenant_id"]), int(s["session_id"]), int(s["id"]))
               for s in slots]
    if not updates:
        return

    async def publish() -> None:
        for update in updates:
            await get_pubsub().publish(SLOT_TOPIC, update.tenant_id, update)

    after_commit(publish)

PERSON_PURPOSE = "blood_drive.booking"


@asynccontextmanager
async def _at_owner(owner_id: int, tenant_id: int) -> AsyncIterator[None]:
    """Work on the campaign owner's claim rows: the tenant's own (a street office's campaign)
    or the region's above it through ``as_region``."""
    if owner_id == tenant_id:
        yield
        return
    owner = await get_node(owner_id)
    if owner is None:
        raise ApiError.not_found("献血活动", "campaign", "slotId")
    async with as_region(owner, BookingClaim):
        yield


async def _person_key(resident_id: int) -> str:
    key = (await person_keys([resident_id], PERSON_PURPOSE)).get(resident_id)
    if key is None:
        raise ApiError.not_found("居民", "resident", "donorId")
    return key


async def _claim(owner_id: int, tenant_id: int, campaign_id: int, key: str,
                 booking_id: int, ends_at: datetime) -> bool:
    """Claim the person's one future booking of the campaign (``INSERT … ON CONFLICT DO
    NOTHING`` on the owner's unique key: a concurrent claim waits for the other transaction and
    then does nothing). A claim held by a booking whose slot has ended unattended is taken over:
    it is closed by a conditional update (``active = 1 AND ends_at <= now``, which one
    transaction alone wins) and the claim is tried once more."""
    row = BookingClaim(tenant_id=owner_id, campaign_id=campaign_id, person_key=key,
                       booking_tenant_id=tenant_id, booking_id=booking_id, active=1,
                       ends_at=ends_at, created_at=now_utc())
    async with _at_owner(owner_id, tenant_id):
        claimed = await BookingClaim.insert(row).on_conflict(action="DO NOTHING").returning(
            BookingClaim.id)
        if not claimed:
            passed = await BookingClaim.update({BookingClaim.active: None}).where(
                (BookingClaim.campaign_id == campaign_id) & (BookingClaim.person_key == key)
                & (BookingClaim.active == 1) & (BookingClaim.ends_at <= now_utc())
            ).returning(BookingClaim.id)
            if passed:
                claimed = await BookingClaim.insert(row).on_conflict(
                    action="DO NOTHING").returning(BookingClaim.id)
    return bool(claimed)


async def _expire_unattended(donor_id: int, campaign_id: int) -> None:
    """The donor's bookings of the campaign here whose slot ended while still booked are no
    longer future bookings: marked ``no_show`` (closed, their claims freed)."""
    open_ones = await Booking.select().where(
        (Booking.donor_id == donor_id) & (Booking.campaign_id == campaign_id)
        & (Booking.status == "booked"))
    if not open_ones:
        return
    ended = {int(r["id"]) for r in await Slot.select(Slot.id).where(
        Slot.id.is_in(sorted({int(b["slot_id"]) for b in open_ones}))
        & (Slot.ends_at <= now_utc()))}
    stale = [b for b in open_ones if int(b["slot_id"]) in ended]
    if not stale:
        return
    await Booking.update({Booking.status: "no_show", Booking.active: None}).where(
        Booking.id.is_in([int(b["id"]) for b in stale]) & (Booking.status == "booked"))
    await release_claims([dict(b) for b in stale])


async def release_claims(bookings: list[dict[str, Any]], *, forget: bool = False) -> None:
    """The bookings are no longer open (cancelled, donated, deferred, erased): free their
    persons' claims so they may book again; ``forget`` (erasure) deletes the closed claims
    instead, so no pseudonymous person key of them stays with the campaign's owner."""
    by_campaign: dict[int, list[dict[str, Any]]] = {}
    for b in bookings:
        by_campaign.setdefault(int(b["campaign_id"]), []).append(b)
    if not by_campaign:
        return
    owners = {int(c["id"]): int(c["tenant_id"]) for c in await Campaign.select(
        Campaign.id, Campaign.tenant_id).where(Campaign.id.is_in(sorted(by_campaign)))}
    for campaign_id, rows in by_campaign.items():
        owner_id = owners.get(campaign_id)
        if owner_id is None:
            continue
        tenant_id = int(rows[0]["tenant_id"])
        mine = ((BookingClaim.campaign_id == campaign_id)
                & (BookingClaim.booking_tenant_id == tenant_id)
                & BookingClaim.booking_id.is_in([int(r["id"]) for r in rows]))
        async with _at_owner(owner_id, tenant_id):
            await BookingClaim.update({BookingClaim.active: None}).where(mine)
            if forget:
                await BookingClaim.delete().where(mine & BookingClaim.active.is_null())


async def _donor_for(access: Access, donor_id: int) -> dict[str, Any]:
    donor = await Donor.select().where(Donor.id == donor_id).first()
    if donor is None:
        raise ApiError.not_found("献血者", "donor", "donorId")
    if not is_self(access, int(donor["resident_id"])):
        require_any(access, "blood_drive.mobilise", "blood_drive.health")
    return dict(donor)


async def book(access: Access, slot_id: int, donor_id: int) -> dict[str, Any]:
    """Book a seat of a future slot for a donor of the slot's street office."""
    donor = await _donor_for(access, donor_id)
    slot = await Slot.select().where(Slot.id == slot_id).first()
    if slot is None:
        raise ApiError.not_found("时段", "slot", "slotId")
    if int(slot["tenant_id"]) != int(donor["tenant_id"]):
        raise ApiError.invalid("slotId", "只能预约本街镇的场次",
                               "book a session of the donor's own street office")
    session, owner_id = await _future_slot(dict(slot))
    return await _reserve(dict(slot), session, owner_id, donor_id,
                          await _person_key(int(donor["resident_id"])))


async def _future_slot(slot: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The slot's session and its campaign's owner; refused once the slot has started."""
    if slot["starts_at"] <= now_utc():
        raise ApiError.invalid("slotId", "该时段已开始或已结束", "this slot has started or passed")
    session = await Session.select().where(Session.id == slot["session_id"]).first()
    assert session is not None
    campaign = await Campaign.select(Campaign.tenant_id).where(
        Campaign.id == session["campaign_id"]).first()
    if campaign is None:
        raise ApiError.not_found("献血活动", "campaign", "slotId")
    return dict(session), int(campaign["tenant_id"])


async def _reserve(slot: dict[str, Any], session: dict[str, Any], owner_id: int, donor_id: int,
                   key: str) -> dict[str, Any]:
    """In the slot's street office: the booking row, the owner's once-only claim for the
    person ``key`` and the seat — each refused by the database, all in one transaction."""
    campaign_id = int(session["campaign_id"])
    slot_id = int(slot["id"])
    await _expire_unattended(donor_id, campaign_id)
    row = Booking(tenant_id=int(slot["tenant_id"]), campaign_id=campaign_id,
                  session_id=int(session["id"]), slot_id=slot_id, donor_id=donor_id,
                  status="booked", active=1, booked_at=now_utc())
    inserted = await Booking.insert(row).on_conflict(action="DO NOTHING").returning(Booking.id)
    if not inserted:
        raise ApiError.conflict("该献血者在本次活动中已有预约，请先取消再改约",
                                "the donor already holds a booking in this campaign: cancel "
                                "it to rebook", "donorId")
    if not await _claim(owner_id, int(slot["tenant_id"]), campaign_id, key,
                        int(inserted[0]["id"]), slot["ends_at"]):
        raise ApiError.conflict("该献血者在本次活动中已有预约（可能在其他街镇），请先取消再改约",
                                "the donor already holds a booking in this campaign (perhaps "
                                "in another street office): cancel it to rebook", "donorId")
    seat = await Slot.update({Slot.booked: Slot.booked + 1}).where(
        (Slot.id == slot_id) & (Slot.booked < Slot.capacity)).returning(Slot.id)
    if not seat:
        raise ApiError.conflict("该时段已约满", "this slot is full", "slotId")
    announce_slots([slot])
    return await get_booking(int(inserted[0]["id"]))


async def _common_region(access: Access, street: NodeInfo) -> NodeInfo | None:
    """The nearest region above both the acting street office and ``street`` (None for a
    region or an office of another tree)."""
    if street.is_region:
        return None
    home = [int(p) for p in access.node_path.strip("/").split("/") if p][:-1]
    shared = [n for n in home if n in street.ancestor_ids]
    return await get_node(shared[-1]) if shared else None


def _not_reachable() -> ApiError:
    return ApiError.not_found("时段", "slot", "slotId")


async def book_visiting(access: Access, street: NodeInfo, slot_id: int, donor_id: int
                        ) -> dict[str, Any]:
    """A donor of the acting street office (themselves, or staff mobilising them) books a slot
    of another street office ``street``, in a campaign owned by a region above both — the
    city's campaign runs across its street offices. The booking, the seat and a *visiting*
    donor row (the person's name sealed, for check-in) are written in ``street``'s scope
    (``core.plugin.beside``) in the mutation's own transaction, the once-only claim in the owner's table as for every
    booking, so one person still holds one future booking in the campaign whichever street
    offices they book in. A slot outside such a campaign, of a region, or where the plugin is
    off is not found; the acting office's own slots go through :func:`book`."""
    if street.id == access.node_id:
        return await book(access, slot_id, donor_id)
    donor = await _donor_for(access, donor_id)
    if donor["home_tenant_id"] is not None:
        raise ApiError.not_found("献血者", "donor", "donorId")
    resident_id = int(donor["resident_id"])
    resident = await get_resident(resident_id)
    if resident is None:
        raise ApiError.not_found("居民", "resident", "donorId")
    key = await _person_key(resident_id)
    above_home = {int(p) for p in access.node_path.strip("/").split("/") if p} - {
        access.node_id}
    region = await _common_region(access, street)
    if region is None or not await plugin_enabled(NAME, street):
        raise _not_reachable()
    async with beside(street, region):
        slot = await Slot.select().where(Slot.id == slot_id).first()
        if slot is None:
            raise _not_reachable()
        session, owner_id = await _future_slot(dict(slot))
        if owner_id not in above_home:        # not a campaign run across both offices
            raise _not_reachable()
        await Donor.insert(Donor(
            tenant_id=street.id, resident_id=resident_id, home_tenant_id=access.node_id,
            name_cipher=seal_personal(resident.name), created_at=now_utc())
        ).on_conflict(action="DO NOTHING")
        visitor = await Donor.select(Donor.id, Donor.home_tenant_id).where(
            Donor.resident_id == resident_id).first()
        if visitor is None or visitor["home_tenant_id"] != access.node_id:
            raise ApiError(ErrorCode.CONFLICT, "该居民已是该街镇的献血者，请在该街镇预约",
                           "this person is a donor of that street office: book there",
                           "donorId")
        booking = await _reserve(dict(slot), session, owner_id, int(visitor["id"]), key)
        await record("blood_drive.booking.create", account_id=access.principal.account_id,
                     object_type="BloodDriveBooking", object_id=booking["id"],
                     summary={"visiting_from": access.node_id})
    visit = Visit(tenant_id=access.node_id, donor_id=donor_id, campaign_id=int(
        session["campaign_id"]), booking_tenant_id=street.id, booking_id=int(booking["id"]),
        street_name=street.name, street_code=street.code, site_name=str(session["site_name"]),
        address=str(session["address"]), held_on=session["held_on"],
        starts_at=slot["starts_at"], ends_at=slot["ends_at"], status="booked",
        created_at=now_utc())
    await Visit.insert(visit)
    return booking | {"visit": await _visit_row(street.id, int(booking["id"]))}


async def _visit_row(street_id: int, booking_id: int) -> dict[str, Any]:
    row = await Visit.select().where((Visit.booking_tenant_id == street_id)
                                     & (Visit.booking_id == booking_id)).first()
    assert row is not None
    return dict(row)


async def mark_visit(home_id: int, street_id: int, booking_id: int, status: str) -> None:
    """In the home street office's scope: the visit's booking there was cancelled or attended."""
    await Visit.update({Visit.status: status}).where(
        (Visit.tenant_id == home_id) & (Visit.booking_tenant_id == street_id)
        & (Visit.booking_id == booking_id) & (Visit.status == "booked"))


async def visits_of(access: Access, donor_id: int, first: int, after: int | None
                    ) -> list[dict[str, Any]]:
    """The donor's bookings at other street offices (newest first), as their home street
    office recorded them: for the donor themselves and the office's mobilising staff."""
    await _donor_for(access, donor_id)
    query = Visit.select().where(Visit.donor_id == donor_id)
    if after:
        query = query.where(Visit.id < after)
    return list(await query.order_by(Visit.id, ascending=False).limit(first + 1))


async def get_booking(booking_id: int) -> dict[str, Any]:
    row = await Booking.select().where(Booking.id == booking_id).first()
    if row is None:
        raise ApiError.not_found("预约", "booking", "bookingId")
    return dict(row)


async def cancel(access: Access, booking_id: int) -> dict[str, Any]:
    """Cancel an open booking (the seat is given back); the donor may then book again."""
    booking = await get_booking(booking_id)
    await _donor_for(access, int(booking["donor_id"]))
    return await _cancel_open(booking)


async def _cancel_open(booking: dict[str, Any]) -> dict[str, Any]:
    booking_id = int(booking["id"])
    done = await Booking.update({Booking.status: "cancelled", Booking.active: None,
                                 Booking.cancelled_at: now_utc()}).where(
        (Booking.id == booking_id) & (Booking.status == "booked")).returning(Booking.id)
    if not done:
        raise ApiError.conflict("该预约已不能取消", "this booking can no longer be cancelled",
                                "bookingId")
    await Slot.update({Slot.booked: Slot.booked - 1}).where(
        (Slot.id == booking["slot_id"]) & (Slot.booked > 0))
    await release_claims([booking])
    slot = await Slot.select().where(Slot.id == booking["slot_id"]).first()
    announce_slots([dict(slot)] if slot is not None else [])
    return await get_booking(booking_id)


async def cancel_visiting(access: Access, street: NodeInfo, booking_id: int) -> dict[str, Any]:
    """Cancel a booking a donor of the acting street office holds in ``street`` (made by
    :func:`book_visiting`): the donor themselves or the acting office's mobilising staff, in
    ``street``'s scope; anyone else's booking there is not found."""
    if street.id == access.node_id:
        return await cancel(access, booking_id)
    region = await _common_region(access, street)
    if region is None or not await plugin_enabled(NAME, street):
        raise ApiError.not_found("预约", "booking", "bookingId")
    async with beside(street, region):
        booking = await Booking.select().where(Booking.id == booking_id).first()
        visitor = None if booking is None else await Donor.select().where(
            Donor.id == booking["donor_id"]).first()
        if booking is None or visitor is None or visitor["home_tenant_id"] != access.node_id:
            raise ApiError.not_found("预约", "booking", "bookingId")
        if not is_self(access, int(visitor["resident_id"])):
            require_any(access, "blood_drive.mobilise")
        done = await _cancel_open(dict(booking))
        await record("blood_drive.booking.cancel", account_id=access.principal.account_id,
                     object_type="BloodDriveBooking", object_id=booking_id,
                     summary={"visiting_from": access.node_id})
    await mark_visit(access.node_id, street.id, booking_id, "cancelled")
    visit = await Visit.select().where((Visit.booking_tenant_id == street.id)
                                       & (Visit.booking_id == booking_id)).first()
    return done | ({"visit": dict(visit)} if visit is not None else {})


async def check_in(access: Access, booking_id: int) -> dict[str, Any]:
    """签到 Site staff check a booked donor in (once)."""
    require_any(access, "blood_drive.health")
    await get_booking(booking_id)
    done = await Booking.update({Booking.status: "checked_in",
                                 Booking.checked_in_at: now_utc()}).where(
        (Booking.id == booking_id) & (Booking.status == "booked")).returning(Booking.id)
    if not done:
        raise ApiError.conflict("该预约不是待签到状态", "this booking is not awaiting check-in",
                                "bookingId")
    return await get_booking(booking_id)


async def bookings_by_ids(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Booking.select().where(Booking.id.is_in(sorted(set(ids))))
    return {int(r["id"]): r for r in rows}


async def booking_page(access: Access, first: int, after: int | None, *,
                       campaign_id: int | None = None, session_id: int | None = None
                       ) -> list[dict[str, Any]]:
    """Bookings readable here (organisers included: a booking holds no health data)."""
    require_any(access, "blood_drive.read", "blood_drive.mobilise", "blood_drive.health")
    query = Booking.select()
    if campaign_id is not None:
        query = query.where(Booking.campaign_id == campaign_id)
    if session_id is not None:
        query = query.where(Booking.session_id == session_id)
    if after:
        query = query.where(Booking.id > after)
    return list(await query.order_by(Booking.id).limit(first + 1))
