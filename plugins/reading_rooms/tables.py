"""Tables of the reading-rooms plugin (城市书房, 通借通还).

Everything belongs to the county (a region node) that runs the network. The network, its rooms,
opening calendar, class limits, seats, activities, titles and copies are *shared downward*: every
street office and town below the county can search the catalogue and see availability. Cards,
loans, holds, seat bookings and sign-ups are private to the county but *reached from below*: a
reader acting at their own tenant enters them through ``core.plugin.as_region`` and the services
touch only the reader's own rows. Staff links and transfers are the county staff's; they are reached from below only by the
plugin's own daily job and demo, which work per tenant.
"""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import BigInt, Date, Integer, Text, Timestamptz, Varchar

from core.plugin import ScopedTable

__all__ = [
    "Activity",
    "Card",
    "ClassLimit",
    "Closure",
    "Copy",
    "Hold",
    "Loan",
    "Network",
    "Notice",
    "Room",
    "Seat",
    "SeatBooking",
    "SeatSlot",
    "Signup",
    "Staff",
    "Title",
    "TitleGram",
    "Transfer",
    "TransferItem",
    "Visit",
]


class Network(ScopedTable, tablename="reading_rooms_network"):
    """书房网络 A county's network of city reading rooms."""

    shared_downward = True
    name = Varchar(length=100, null=False)
    supervisor = Varchar(length=100, default="文化和旅游局")
    """The bureau that guides and supervises the network (文化和旅游局)."""
    return_policy = Varchar(length=12, default="float")
    """float (the copy stays where returned) | home (it goes back to its owning room)."""
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "name")]


class Room(ScopedTable, tablename="reading_rooms_room"):
    """城市书房 A reading room of the network, placed in a tenant below the county."""

    shared_downward = True
    network_id = BigInt(null=False, default=None)
    name = Varchar(length=100, null=False)
    place_tenant_id = BigInt(null=False, default=None)
    """The street office or town the room sits in."""
    address = Varchar(length=200, default="")
    operator_name = Varchar(length=100, default="")
    person_in_charge = Varchar(length=60, default="")
    """负责人."""
    areas = Varchar(length=100, default="adult,children,quiet_study,parent_child")
    closed_weekdays = Varchar(length=20, default="")
    """Comma-separated weekdays the room is closed (0 = Monday)."""
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "network_id", "name")]


class Closure(ScopedTable, tablename="reading_rooms_closure"):
    """闭馆日 A day a room is closed beyond its weekly closed days (holidays, repairs)."""

    shared_downward = True
    room_id = BigInt(null=False, default=None)
    day = Date(null=False, default=None)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "room_id", "day")]


class ClassLimit(ScopedTable, tablename="reading_rooms_class_limit"):
    """分类限额 How many copies of a class a room may hold under a floating collection."""

    shared_downward = True
    room_id = BigInt(null=False, default=None)
    class_letter = Varchar(length=1, null=False)
    max_copies = Integer(null=False, default=None)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "room_id", "class_letter")]


class Title(ScopedTable, tablename="reading_rooms_title"):
    """书目 A title record of the network's catalogue."""

    shared_downward = True
    network_id = BigInt(null=False, default=None)
    isbn13 = Varchar(length=13, null=False)
    isbn10 = Varchar(length=10, null=True, default=None)
    title = Varchar(length=200, null=False)
    authors = Varchar(length=200, default="")
    publisher = Varchar(length=100, default="")
    year = Integer(null=True, default=None)
    class_letter = Varchar(length=1, null=False)
    """One of the 22 top-level classes of 中图法 (5th edition)."""
    call_number = Varchar(length=40, default="")
    search_text = Text(default="")
    """Lower-cased title, authors and both ISBN forms, for substring search on both engines."""

    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "network_id", "isbn13")]


class TitleGram(ScopedTable, tablename="reading_rooms_title_gram"):
    """检索词元 One two-character gram of a title's title or authors (a one-character word is its
    own gram). A search finds the titles holding every gram of a fragment (红楼 → 红楼梦) by
    equality on this table's (tenant, gram) index before the substring check, so it never scans
    the catalogue. Equality, not a GIN operator: under row-level security PostgreSQL uses an
    index only for leakproof operators, and ``text = text`` is one (``@>`` and ``LIKE`` are
    not)."""

    shared_downward = True
    title_id = BigInt(null=False, default=None)
    gram = Varchar(length=8, null=False)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "gram", "title_id")]


class Copy(ScopedTable, tablename="reading_rooms_copy"):
    """馆藏复本 One physical copy: barcode unique in the network, owning and current room."""

    shared_downward = True
    network_id = BigInt(null=False, default=None)
    title_id = BigInt(null=False, default=None, index=True)
    barcode = Varchar(length=32, null=False)
    owning_room_id = BigInt(null=False, default=None)
    current_room_id = BigInt(null=False, default=None, index=True)
    status = Varchar(length=16, default="available")
    """available | on_loan | in_transit | on_hold_shelf | lost | withdrawn."""
    destination_room_id = BigInt(null=True, default=None)
    """Where a copy in transit is going."""
    hold_id = BigInt(null=True, default=None)
    """The hold a copy in transit or on the hold shelf is meant for."""
    updated_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "network_id", "barcode")]


class Seat(ScopedTable, tablename="reading_rooms_seat"):
    """自习座位 A quiet-study seat of a room."""

    shared_downward = True
    room_id = BigInt(null=False, default=None)
    label = Varchar(length=20, null=False)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "room_id", "label")]


class SeatSlot(ScopedTable, tablename="reading_rooms_seat_slot"):
    """已约时段 A seat's slot of a day taken: no reader in it, so it is shared downward and every
    tenant below sees which slots are free; its unique key is the one-booking-per-seat-at-a-time
    rule (the private :class:`SeatBooking` says whose it is)."""

    shared_downward = True
    seat_id = BigInt(null=False, default=None)
    day = Date(null=False, default=None)
    slot = Integer(null=False, default=None)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "seat_id", "day", "slot")]


class Activity(ScopedTable, tablename="reading_rooms_activity"):
    """活动 A salon, parent-child event or 品茶读书 with sign-ups up to its capacity."""

    shared_downward = True
    room_id = BigInt(null=False, default=None)
    title = Varchar(length=100, null=False)
    kind = Varchar(length=20, default="salon")
    """salon | parent_child | tea_reading | other."""
    starts_at = Timestamptz()
    capacity = Integer(null=False, default=None)
    signed_up = Integer(default=0)
    """Kept by a conditional update (``signed_up < capacity``), so capacity holds under load."""
    created_at = Timestamptz()


class Card(ScopedTable, tablename="reading_rooms_card"):
    """读者证 A reader's card: the reader's own registration data (encrypted), one per person
    per network (the blind index of the ID number is unique)."""

    reached_from_below = True
    network_id = BigInt(null=False, default=None)
    card_number = Varchar(length=20, null=False)
    account_id = BigInt(null=True, default=None, index=True)
    resident_id = BigInt(null=True, default=None)
    """A resident of the reader's tenant the reader said they are (never read from here)."""
    home_tenant_id = BigInt(null=True, default=None)
    name_cipher = Text(null=False, default=None)
    phone_cipher = Text(null=True, default=None)
    id_number_cipher = Text(null=False, default=None)
    id_index = Varchar(length=64, null=False)
    id_mask = Varchar(length=20, default="")
    reader_type = Varchar(length=8, default="adult")
    """adult | child."""
    guardian_card_id = BigInt(null=True, default=None)
    status = Varchar(length=10, default="active")
    """active | blocked | expired."""
    open_loans = Integer(default=0)
    """Loans open now: moved by conditional updates only (``+1 WHERE open_loans < limit``
    at checkout, ``-1`` at return or loss), so the reader-type limit holds under load."""
    expires_on = Date(null=True, default=None)
    registered_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "network_id", "id_index"),
                                                        ("tenant_id", "network_id", "card_number")]


class Loan(ScopedTable, tablename="reading_rooms_loan"):
    """借阅 A loan of one copy to one card. ``open_copy_id`` is the copy's id while the loan is
    open and NULL once returned or lost: its unique index allows exactly one open loan per copy,
    ever, whichever machine scans it."""

    reached_from_below = True
    network_id = BigInt(null=False, default=None)
    copy_id = BigInt(null=False, default=None, index=True)
    card_id = BigInt(null=False, default=None, index=True)
    title_id = BigInt(null=False, default=None)
    class_letter = Varchar(length=1, default="Z")
    room_id = BigInt(null=False, default=None)
    """The room where it was lent."""
    loaned_at = Timestamptz()
    due_on = Date(null=False, default=None)
    renewals = Integer(default=0)
    status = Varchar(length=10, default="open")
    """open | returned | lost."""
    open_copy_id = BigInt(null=True, default=None)
    returned_at = Timestamptz(null=True, default=None)
    return_room_id = BigInt(null=True, default=None)
    lost_at = Timestamptz(null=True, default=None)
    rule_versions = Varchar(length=200, default="")
    """``key=version`` of every rule the due date and limits came from."""

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "open_copy_id")]


class Hold(ScopedTable, tablename="reading_rooms_hold"):
    """预约 A reservation of a title with a pickup room, served first come, first served."""

    reached_from_below = True
    network_id = BigInt(null=False, default=None)
    title_id = BigInt(null=False, default=None, index=True)
    card_id = BigInt(null=False, default=None, index=True)
    pickup_room_id = BigInt(null=False, default=None)
    status = Varchar(length=12, default="waiting")
    """waiting | in_transit | ready | collected | expired | cancelled."""
    copy_id = BigInt(null=True, default=None)
    active_key = Varchar(length=40, null=True, default=None)
    """``card:title`` while the hold is active (one active hold per reader and title)."""
    placed_at = Timestamptz()
    ready_at = Timestamptz(null=True, default=None)
    expires_on = Date(null=True, default=None)
    notified_at = Timestamptz(null=True, default=None)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "active_key")]


class SeatBooking(ScopedTable, tablename="reading_rooms_seat_booking"):
    """座位预约 A quiet-study seat booked for one time slot of a day (one booking per seat and
    slot: a unique key)."""

    reached_from_below = True
    seat_id = BigInt(null=False, default=None)
    card_id = BigInt(null=False, default=None)
    day = Date(null=False, default=None)
    slot = Integer(null=False, default=None)
    """0 = 08:00–10:00, 1 = 10:00–12:00, … (two-hour slots)."""
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "seat_id", "day", "slot"),
                                                        ("tenant_id", "card_id", "day", "slot")]


class Signup(ScopedTable, tablename="reading_rooms_signup"):
    """活动报名 A card signed up for an activity (once)."""

    reached_from_below = True
    activity_id = BigInt(null=False, default=None)
    card_id = BigInt(null=False, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "activity_id", "card_id")]


class Staff(ScopedTable, tablename="reading_rooms_staff"):
    """馆员 The link of a librarian's account to *their* room."""

    reached_from_below = True

    room_id = BigInt(null=False, default=None)
    account_id = BigInt(null=False, default=None)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "room_id", "account_id")]


class Transfer(ScopedTable, tablename="reading_rooms_transfer"):
    """统筹配送 A batch of copies sent from one room to another, received copy by copy."""

    reached_from_below = True

    network_id = BigInt(null=False, default=None)
    from_room_id = BigInt(null=False, default=None)
    to_room_id = BigInt(null=False, default=None)
    status = Varchar(length=10, default="sent")
    """sent | received (every copy received)."""
    note = Varchar(length=200, default="")
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz()


class TransferItem(ScopedTable, tablename="reading_rooms_transfer_item"):
    """One copy of a transfer batch."""

    reached_from_below = True

    transfer_id = BigInt(null=False, default=None, index=True)
    copy_id = BigInt(null=False, default=None)
    received_at = Timestamptz(null=True, default=None)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "transfer_id", "copy_id")]


class Visit(ScopedTable, tablename="reading_rooms_visit"):
    """到馆人次 Entries counted at a room's door on a day (a gate counter or the desk reports
    them; each report adds to the day's count by a conditional update)."""

    reached_from_below = True
    room_id = BigInt(null=False, default=None)
    day = Date(null=False, default=None)
    entries = Integer(default=0)
    updated_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "room_id", "day")]


class Notice(ScopedTable, tablename="reading_rooms_notice"):
    """A notice sent (due soon, overdue, hold ready, lost): the unique key makes every job that
    sends one idempotent."""

    reached_from_below = True
    kind = Varchar(length=40, null=False)
    ref_id = BigInt(null=False, default=None)
    period = Varchar(length=10, null=False)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "kind", "ref_id", "period")]
