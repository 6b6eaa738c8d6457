"""Tables of the blood-drive plugin.

A campaign and its targets belong to the node that owns the campaign — usually the city, a
region — and are shared downward, so every street office below reads them. Sessions, slots,
donors, pre-checks, bookings and donations belong to the street office or town where the
collection happens and the donor lives.
"""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import BigInt, Boolean, Date, Integer, Text, Timestamptz, Varchar

from core.plugin import ScopedTable

__all__ = [
    "Booking",
    "BookingClaim",
    "Campaign",
    "Donation",
    "Donor",
    "Precheck",
    "Reminder",
    "Session",
    "Slot",
    "Target",
    "Unit",
    "Visit",
    "VolunteerShift",
]


class Campaign(ScopedTable, tablename="blood_drive_campaign"):
    """献血活动 A campaign (倡议): its organisers, call text, contact, period and targets."""

    shared_downward = True
    title = Varchar(length=120, null=False)
    call_text = Text(default="")
    organisers = Text(default="[]")
    """JSON list of the organising bodies' names, in the order of the call."""
    contact_name = Varchar(length=40, default="")
    contact_phones = Text(default="[]")
    """JSON list of the campaign's public contact phones (an office's, not a resident's)."""
    starts_on = Date(null=False, default=None)
    ends_on = Date(null=False, default=None)
    anchor_on = Date(null=True, default=None)
    """The commemorative day the campaign is anchored to (学雷锋纪念日 5 March)."""
    anchor_name = Varchar(length=60, default="")
    target_groups = Varchar(length=120, default="public")
    """Comma-separated: cadres, party_members, league_members, public."""
    target_donors = Integer(default=0)
    target_units = Integer(default=0)
    """Target in donation counts (200 mL of whole blood = 1 unit)."""
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "title", "starts_on")]


class Target(ScopedTable, tablename="blood_drive_target"):
    """A campaign's target for one street office (``work_unit`` empty) or one work unit there;
    owned by the campaign's owner."""

    shared_downward = True
    campaign_id = BigInt(null=False, default=None)
    target_tenant_id = BigInt(null=False, default=None)
    work_unit = Varchar(length=100, default="")
    donors = Integer(default=0)
    units = Integer(default=0)

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "campaign_id", "target_tenant_id", "work_unit")]


class Unit(ScopedTable, tablename="blood_drive_unit"):
    """A work unit mobilising its staff (机关、企事业单位) and its serving staff count."""

    name = Varchar(length=100, null=False)
    staff_count = Integer(default=0)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "name")]


class Donor(ScopedTable, tablename="blood_drive_donor"):
    """献血者 A resident registered as a donor, with their work unit and consents. A *visiting*
    donor (``home_tenant_id`` set) is a donor of another street office under the campaign's
    owner who booked a session here: ``resident_id`` is their resident record there, and
    ``name_cipher`` (sealed) is the name the site staff check in."""

    resident_id = BigInt(null=False, default=None)
    home_tenant_id = BigInt(null=True, default=None)
    name_cipher = Text(default="")
    work_unit = Varchar(length=100, default="")
    gold_awards = Integer(default=0)
    """National gold awards (奉献奖金奖) already received: three make the lifetime award."""
    remind_opt_in = Boolean(default=False)
    leaderboard_opt_in = Boolean(default=False)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "resident_id")]


class Precheck(ScopedTable, tablename="blood_drive_precheck"):
    """献血前健康征询 A self-reported pre-check: answers and reasons sealed (personal data),
    the outcome and the rule versions used."""

    donor_id = BigInt(null=False, default=None)
    campaign_id = BigInt(null=True, default=None)
    checked_on = Date(null=False, default=None)
    answers_cipher = Text(default="")
    reasons_cipher = Text(default="")
    outcome = Varchar(length=16, null=False)
    """eligible | eligible_from | not_eligible."""
    eligible_on = Date(null=True, default=None)
    rule_versions = Text(default="{}")
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "donor_id", "id")]


class Session(ScopedTable, tablename="blood_drive_session"):
    """采血场次 A collection session: a site (a blood bus at a place) on a date."""

    campaign_id = BigInt(null=False, default=None)
    site_name = Varchar(length=100, null=False)
    address = Varchar(length=200, default="")
    held_on = Date(null=False, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "campaign_id", "held_on", "site_name")]


class Slot(ScopedTable, tablename="blood_drive_slot"):
    """A time slot of a session with its capacity; ``booked`` only grows by a conditional
    update (``booked < capacity``), so it never exceeds the capacity."""

    session_id = BigInt(null=False, default=None)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    capacity = Integer(null=False, default=None)
    booked = Integer(default=0)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "session_id", "starts_at")]


class Booking(ScopedTable, tablename="blood_drive_booking"):
    """预约 A donor's booking of a slot. ``active`` is 1 while booked or checked in and NULL
    afterwards: the unique key (campaign, donor, active) allows one open booking per campaign."""

    campaign_id = BigInt(null=False, default=None)
    session_id = BigInt(null=False, default=None)
    slot_id = BigInt(null=False, default=None)
    donor_id = BigInt(null=False, default=None)
    status = Varchar(length=12, default="booked")
    """booked | cancelled | checked_in | donated | deferred | no_show (the slot passed while
    still booked; set when the donor books again)."""
    active = Integer(null=True, default=None)
    booked_at = Timestamptz()
    cancelled_at = Timestamptz(null=True, default=None)
    checked_in_at = Timestamptz(null=True, default=None)

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "campaign_id", "donor_id", "active"),
        ("tenant_id", "slot_id", "id")]


class BookingClaim(ScopedTable, tablename="blood_drive_booking_claim"):
    """The campaign owner's once-only record: one open booking per person and campaign across
    every street office of the campaign. Owned by the campaign's owner (the city for a city
    campaign), written by a street office through ``core.plugin.as_region``; ``person_key`` is
    core's pseudonymous key of the person (the same for one person registered in two street
    offices); ``active`` is 1 while the booking is open and NULL afterwards."""

    shared_downward = True
    campaign_id = BigInt(null=False, default=None)
    person_key = Varchar(length=40, null=False)
    booking_tenant_id = BigInt(null=False, default=None)
    booking_id = BigInt(null=True, default=None)
    active = Integer(null=True, default=None)
    ends_at = Timestamptz(null=True, default=None)
    """The booked slot's end: once passed, a booking never attended is no longer the person's
    future booking, and a new booking takes the claim over."""
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "campaign_id", "person_key", "active"),
        ("tenant_id", "booking_tenant_id", "booking_id")]


class Visit(ScopedTable, tablename="blood_drive_visit"):
    """The home street office's record of its donor's booking at another street office's
    session of a region's campaign (made through ``book_visiting``): what the donor needs to
    go there — the street office's name and code, the site, the address and the slot's time —
    copied when the booking is made, so the home office never reads the other office's rows.
    ``booking_tenant_id``/``booking_id`` name the booking there (to cancel it); ``status``
    is booked, cancelled or attended (set with the result there; never the result itself)."""

    donor_id = BigInt(null=False, default=None)
    campaign_id = BigInt(null=False, default=None)
    booking_tenant_id = BigInt(null=False, default=None)
    booking_id = BigInt(null=False, default=None)
    street_name = Varchar(length=100, default="")
    street_code = Varchar(length=40, default="")
    site_name = Varchar(length=100, default="")
    address = Varchar(length=200, default="")
    held_on = Date(null=False, default=None)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    status = Varchar(length=12, default="booked")
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "booking_tenant_id", "booking_id"), ("tenant_id", "donor_id", "id")]


class Donation(ScopedTable, tablename="blood_drive_donation"):
    """献血结果 A result: donated (kind, volume or units, the count it makes) or deferred (the
    reason sealed). ``result_key`` makes entry and import idempotent."""

    donor_id = BigInt(null=False, default=None)
    campaign_id = BigInt(null=True, default=None)
    booking_id = BigInt(null=True, default=None)
    donated_on = Date(null=False, default=None)
    outcome = Varchar(length=10, null=False)
    """donated | deferred."""
    kind = Varchar(length=12, default="whole_blood")
    """whole_blood | platelets."""
    volume_ml = Integer(default=0)
    units = Integer(default=0)
    count_x100 = Integer(default=0)
    """The honours count ×100 (300 mL of whole blood = 150)."""
    count_rule_version = Integer(default=0)
    adverse_reaction = Boolean(default=False)
    deferral_cipher = Text(default="")
    result_key = Varchar(length=80, null=False)
    source = Varchar(length=8, default="entry")
    """entry | import | visit (the home street office's record of its donor's donation at
    another street office's session, written there with the result: no campaign, so only
    the collecting office's row counts in the campaign's statistics)."""
    recorded_by = BigInt(null=True, default=None)
    recorded_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "result_key"), ("tenant_id", "donor_id", "donated_on", "id")]


class VolunteerShift(ScopedTable, tablename="blood_drive_volunteer"):
    """A volunteer's service at a session (学雷锋志愿服务队伍), once per session."""

    session_id = BigInt(null=False, default=None)
    resident_id = BigInt(null=False, default=None)
    minutes = Integer(null=False, default=None)
    recorded_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "session_id",
                                                         "resident_id")]


class Reminder(ScopedTable, tablename="blood_drive_reminder"):
    """A re-eligibility reminder already sent (one per donor and eligible date)."""

    donor_id = BigInt(null=False, default=None)
    eligible_on = Date(null=False, default=None)
    sent_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "donor_id", "eligible_on")]
