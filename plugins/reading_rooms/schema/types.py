"""GraphQL types of the reading-rooms plugin (prefixed ``ReadingRoom``). Relations load through
per-request DataLoaders, so lists cost the same number of statements at any page size."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry

from core.plugin import LIST_BOUND, Info, Node, encode_global_id, public_read
from plugins.reading_rooms.schema.common import county_read
from plugins.reading_rooms.services import catalogue, network
from plugins.reading_rooms.services.common import CLASSES

__all__ = [
    "TYPES",
    "ReadingRoomActivity",
    "ReadingRoomAvailability",
    "ReadingRoomCard",
    "ReadingRoomCheckin",
    "ReadingRoomCheckinAction",
    "ReadingRoomClassCount",
    "ReadingRoomCopy",
    "ReadingRoomHold",
    "ReadingRoomLoan",
    "ReadingRoomNetwork",
    "ReadingRoomReport",
    "ReadingRoomRoom",
    "ReadingRoomSeat",
    "ReadingRoomSeatBooking",
    "ReadingRoomTitle",
    "ReadingRoomTransfer",
    "ReadingRoomVisitDay",
]


@strawberry.enum(description="还书策略 / return policy")
class ReadingRoomReturnPolicy(Enum):
    FLOAT = "float"
    HOME = "home"


@strawberry.enum(description="馆藏状态 / copy status")
class ReadingRoomCopyStatus(Enum):
    AVAILABLE = "available"
    ON_LOAN = "on_loan"
    IN_TRANSIT = "in_transit"
    ON_HOLD_SHELF = "on_hold_shelf"
    LOST = "lost"
    WITHDRAWN = "withdrawn"


@strawberry.enum(description="预约状态 / hold status")
class ReadingRoomHoldStatus(Enum):
    WAITING = "waiting"
    IN_TRANSIT = "in_transit"
    READY = "ready"
    COLLECTED = "collected"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


@strawberry.enum(description="还书后去向 / where a checked-in copy goes")
class ReadingRoomCheckinAction(Enum):
    SHELF = "shelf"
    HOLD_SHELF = "hold_shelf"
    TRANSIT = "transit"


async def _rooms(info: Info, ids: list[int]) -> list[ReadingRoomRoom | None]:
    async def load(keys: list[int]) -> list[ReadingRoomRoom | None]:
        async with public_read(info.context):
            found = await network.rooms_by_ids(keys)
        return [ReadingRoomRoom.from_row(found[k]) if k in found else None for k in keys]

    loaded: list[ReadingRoomRoom | None] = await info.context.loader(
        "reading_rooms.room", load).load_many(ids)
    return loaded


async def _room(info: Info, ident: int | None) -> ReadingRoomRoom | None:
    if ident is None:
        return None
    return (await _rooms(info, [ident]))[0]


async def _title(info: Info, ident: int) -> ReadingRoomTitle | None:
    async def load(keys: list[int]) -> list[ReadingRoomTitle | None]:
        async with public_read(info.context):
            found = await catalogue.titles_by_ids(keys)
        return [ReadingRoomTitle.from_row(found[k]) if k in found else None for k in keys]

    title: ReadingRoomTitle | None = await info.context.loader(
        "reading_rooms.title", load).load(ident)
    return title


@strawberry.type(description="自习座位 / a quiet-study seat")
class ReadingRoomSeat(Node):
    id: strawberry.ID
    pk: strawberry.Private[int]
    label: str

    @strawberry.field(description="某日已被预约的时段（0 = 08:00–10:00，两小时一段）/ the slots of "
                                  "a day already booked (0 = 08:00–10:00, two hours each)",
                      metadata={LIST_BOUND: 6})
    async def taken_slots(self, info: Info, on: date) -> list[int]:
        from plugins.reading_rooms.services.seats import taken_slots

        async def load(keys: list[tuple[int, date]]) -> list[list[int]]:
            async with public_read(info.context):
                found: dict[tuple[int, date], list[int]] = {}
                for day in sorted({d for _, d in keys}):
                    for seat, slots in (await taken_slots(
                            [s for s, d in keys if d == day], day)).items():
                        found[(seat, day)] = slots
            return [found.get(k, []) for k in keys]

        slots: list[int] = await info.context.loader("reading_rooms.taken_slots", load).load(
            (self.pk, on))
        return slots


async def _by_room(info: Info, key: str, table: Any, room_id: int) -> list[dict[str, Any]]:
    async def load(keys: list[int]) -> list[list[dict[str, Any]]]:
        async with public_read(info.context):
            rows = await table.select().where(table.room_id.is_in(keys)).order_by(table.id)
        found: dict[int, list[dict[str, Any]]] = {}
        for r in rows:
            found.setdefault(int(r["room_id"]), []).append(dict(r))
        return [found.get(k, [])[:100] for k in keys]

    rows: list[dict[str, Any]] = await info.context.loader(key, load).load(room_id)
    return rows


@strawberry.type(description="书房 / a reading room")
class ReadingRoomRoom(Node):
    id: strawberry.ID
    pk: strawberry.Private[int]
    name: str
    address: str
    operator_name: str
    person_in_charge: str = strawberry.field(description="负责人 / person in charge")
    areas: list[str] = strawberry.field(metadata={LIST_BOUND: 4})
    closed_weekdays: list[int] = strawberry.field(metadata={LIST_BOUND: 7})

    @strawberry.field(description="自习座位 / quiet-study seats", metadata={LIST_BOUND: 100})
    async def seats(self, info: Info) -> list[ReadingRoomSeat]:
        from plugins.reading_rooms.tables import Seat

        rows = await _by_room(info, "reading_rooms.seats", Seat, self.pk)
        return [ReadingRoomSeat(id=encode_global_id("ReadingRoomSeat", int(r["id"])),
                                pk=int(r["id"]), label=str(r["label"])) for r in rows]

    @strawberry.field(description="活动 / activities", metadata={LIST_BOUND: 100})
    async def activities(self, info: Info) -> list[ReadingRoomActivity]:
        from plugins.reading_rooms.tables import Activity

        rows = await _by_room(info, "reading_rooms.activities", Activity, self.pk)
        return [ReadingRoomActivity.from_row(r) for r in rows]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ReadingRoomRoom:
        return cls(id=encode_global_id("ReadingRoomRoom", int(row["id"])), pk=int(row["id"]),
                   name=str(row["name"]), address=str(row["address"]),
                   operator_name=str(row["operator_name"]),
                   person_in_charge=str(row["person_in_charge"]),
                   areas=[a for a in str(row["areas"]).split(",") if a],
                   closed_weekdays=[int(d) for d in str(row["closed_weekdays"]).split(",") if d])


@strawberry.type(description="书房网络 / a reading-room network")
class ReadingRoomNetwork(Node):
    id: strawberry.ID
    pk: strawberry.Private[int]
    name: str
    supervisor: str = strawberry.field(description="主管部门 / supervising bureau")
    return_policy: ReadingRoomReturnPolicy

    @strawberry.field(description="各书房 / rooms", metadata={LIST_BOUND: 50})
    async def rooms(self, info: Info) -> list[ReadingRoomRoom]:
        async with public_read(info.context):
            rows = await network.rooms_of(self.pk)
        return [ReadingRoomRoom.from_row(r) for r in rows[:50]]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ReadingRoomNetwork:
        return cls(id=encode_global_id("ReadingRoomNetwork", int(row["id"])), pk=int(row["id"]),
                   name=str(row["name"]), supervisor=str(row["supervisor"]),
                   return_policy=ReadingRoomReturnPolicy(row["return_policy"]))


@strawberry.type(description="某书房的可借册数 / copies on a room's shelf")
class ReadingRoomAvailability:
    room_pk: strawberry.Private[int]
    available: int

    @strawberry.field
    async def room(self, info: Info) -> ReadingRoomRoom | None:
        return await _room(info, self.room_pk)


@strawberry.type(description="书目 / a title record")
class ReadingRoomTitle(Node):
    id: strawberry.ID
    pk: strawberry.Private[int]
    isbn13: str
    isbn10: str | None
    title: str
    authors: str
    publisher: str
    year: int | None
    class_letter: str
    class_name: str
    call_number: str

    @strawberry.field(description="各书房在架册数 / copies on the shelf per room",
                      metadata={LIST_BOUND: 25})
    async def availability(self, info: Info) -> list[ReadingRoomAvailability]:
        async def load(keys: list[int]) -> list[dict[int, int]]:
            async with public_read(info.context):
                found = await catalogue.availability(keys)
            return [found.get(k, {}) for k in keys]

        rooms: dict[int, int] = await info.context.loader(
            "reading_rooms.availability", load).load(self.pk)
        return [ReadingRoomAvailability(room_pk=r, available=n)
                for r, n in sorted(rooms.items())][:25]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ReadingRoomTitle:
        return cls(id=encode_global_id("ReadingRoomTitle", int(row["id"])), pk=int(row["id"]),
                   isbn13=str(row["isbn13"]), isbn10=row["isbn10"], title=str(row["title"]),
                   authors=str(row["authors"]), publisher=str(row["publisher"]),
                   year=row["year"], class_letter=str(row["class_letter"]),
                   class_name=CLASSES.get(str(row["class_letter"]), ""),
                   call_number=str(row["call_number"]))


@strawberry.type(description="馆藏复本 / a copy")
class ReadingRoomCopy(Node):
    id: strawberry.ID
    pk: strawberry.Private[int]
    barcode: str
    status: ReadingRoomCopyStatus
    title_pk: strawberry.Private[int]
    owning_pk: strawberry.Private[int]
    current_pk: strawberry.Private[int]
    destination_pk: strawberry.Private[int | None]

    @strawberry.field
    async def title(self, info: Info) -> ReadingRoomTitle | None:
        return await _title(info, self.title_pk)

    @strawberry.field(description="所属书房 / owning room")
    async def owning_room(self, info: Info) -> ReadingRoomRoom | None:
        return await _room(info, self.owning_pk)

    @strawberry.field(description="所在书房 / room it is at (or leaving)")
    async def current_room(self, info: Info) -> ReadingRoomRoom | None:
        return await _room(info, self.current_pk)

    @strawberry.field(description="在途目的地 / where it is going in transit")
    async def destination_room(self, info: Info) -> ReadingRoomRoom | None:
        return await _room(info, self.destination_pk)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ReadingRoomCopy:
        return cls(id=encode_global_id("ReadingRoomCopy", int(row["id"])), pk=int(row["id"]),
                   barcode=str(row["barcode"]), status=ReadingRoomCopyStatus(row["status"]),
                   title_pk=int(row["title_id"]), owning_pk=int(row["owning_room_id"]),
                   current_pk=int(row["current_room_id"]),
                   destination_pk=row["destination_room_id"])


async def _copy(info: Info, network_id: int, ident: int) -> ReadingRoomCopy | None:
    async def load(keys: list[int]) -> list[ReadingRoomCopy | None]:
        from plugins.reading_rooms.tables import Copy

        async with public_read(info.context):
            rows = await Copy.select().where(Copy.id.is_in(keys))
        found = {int(r["id"]): r for r in rows}
        return [ReadingRoomCopy.from_row(found[k]) if k in found else None for k in keys]

    copy: ReadingRoomCopy | None = await info.context.loader(
        "reading_rooms.copy", load).load(ident)
    return copy


@strawberry.type(description="借阅 / a loan")
class ReadingRoomLoan(Node):
    id: strawberry.ID
    pk: strawberry.Private[int]
    network_pk: strawberry.Private[int]
    copy_pk: strawberry.Private[int]
    room_pk: strawberry.Private[int]
    return_room_pk: strawberry.Private[int | None]
    card_id: strawberry.ID
    loaned_at: datetime
    due_on: date
    renewals: int
    status: str
    returned_at: datetime | None

    @strawberry.field
    async def copy(self, info: Info) -> ReadingRoomCopy | None:
        return await _copy(info, self.network_pk, self.copy_pk)

    @strawberry.field(description="借出书房 / where it was lent")
    async def room(self, info: Info) -> ReadingRoomRoom | None:
        return await _room(info, self.room_pk)

    @strawberry.field(description="归还书房 / where it was returned")
    async def return_room(self, info: Info) -> ReadingRoomRoom | None:
        return await _room(info, self.return_room_pk)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ReadingRoomLoan:
        return cls(id=encode_global_id("ReadingRoomLoan", int(row["id"])), pk=int(row["id"]),
                   network_pk=int(row["network_id"]), copy_pk=int(row["copy_id"]),
                   room_pk=int(row["room_id"]), return_room_pk=row["return_room_id"],
                   card_id=encode_global_id("ReadingRoomCard", int(row["card_id"])),
                   loaned_at=row["loaned_at"], due_on=row["due_on"],
                   renewals=int(row["renewals"]), status=str(row["status"]),
                   returned_at=row["returned_at"])


@strawberry.type(description="预约 / a hold")
class ReadingRoomHold(Node):
    id: strawberry.ID
    pk: strawberry.Private[int]
    title_pk: strawberry.Private[int]
    pickup_pk: strawberry.Private[int]
    card_id: strawberry.ID
    status: ReadingRoomHoldStatus
    placed_at: datetime
    ready_at: datetime | None
    expires_on: date | None = strawberry.field(description="预约架保留至 / on the shelf until")

    @strawberry.field
    async def title(self, info: Info) -> ReadingRoomTitle | None:
        return await _title(info, self.title_pk)

    @strawberry.field(description="取书书房 / pickup room")
    async def pickup_room(self, info: Info) -> ReadingRoomRoom | None:
        return await _room(info, self.pickup_pk)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ReadingRoomHold:
        return cls(id=encode_global_id("ReadingRoomHold", int(row["id"])), pk=int(row["id"]),
                   title_pk=int(row["title_id"]), pickup_pk=int(row["pickup_room_id"]),
                   card_id=encode_global_id("ReadingRoomCard", int(row["card_id"])),
                   status=ReadingRoomHoldStatus(row["status"]), placed_at=row["placed_at"],
                   ready_at=row["ready_at"], expires_on=row["expires_on"])


@strawberry.type(description="读者证（个人信息默认脱敏）/ a reader's card (masked)")
class ReadingRoomCard(Node):
    id: strawberry.ID
    pk: strawberry.Private[int]
    network_pk: strawberry.Private[int]
    card_number: str
    name: str
    phone: str
    id_number: str
    reader_type: str
    status: str
    expires_on: date | None
    guardian_card_id: strawberry.ID | None

    @strawberry.field(description="在借 / open loans", metadata={LIST_BOUND: 50})
    async def loans(self, info: Info) -> list[ReadingRoomLoan]:
        from plugins.reading_rooms.tables import Loan

        ctx = info.context

        async def load(keys: list[tuple[int, int]]) -> list[list[dict[str, Any]]]:
            by_network: dict[int, list[int]] = {}
            for network_id, card_id in keys:
                by_network.setdefault(network_id, []).append(card_id)
            found: dict[int, list[dict[str, Any]]] = {}
            for network_id, ids in by_network.items():
                async with county_read(info, network_id):
                    for r in await Loan.select().where(Loan.card_id.is_in(ids)
                                                       & (Loan.status == "open")).order_by(Loan.id):
                        found.setdefault(int(r["card_id"]), []).append(dict(r))
            return [found.get(k[1], [])[:50] for k in keys]

        rows = await ctx.loader("reading_rooms.card_loans", load).load((self.network_pk, self.pk))
        return [ReadingRoomLoan.from_row(r) for r in rows]

    @strawberry.field(description="预约 / active holds", metadata={LIST_BOUND: 50})
    async def holds(self, info: Info) -> list[ReadingRoomHold]:
        from plugins.reading_rooms.tables import Hold

        ctx = info.context

        async def load(keys: list[tuple[int, int]]) -> list[list[dict[str, Any]]]:
            found: dict[int, list[dict[str, Any]]] = {}
            for network_id in {k[0] for k in keys}:
                ids = [k[1] for k in keys if k[0] == network_id]
                async with county_read(info, network_id):
                    for r in await Hold.select().where(Hold.card_id.is_in(ids) & Hold.status.is_in(
                            ["waiting", "in_transit", "ready"])).order_by(Hold.id):
                        found.setdefault(int(r["card_id"]), []).append(dict(r))
            return [found.get(k[1], [])[:50] for k in keys]

        rows = await ctx.loader("reading_rooms.card_holds", load).load((self.network_pk, self.pk))
        return [ReadingRoomHold.from_row(r) for r in rows]

    @classmethod
    def from_row(cls, row: dict[str, Any], masked: dict[str, str]) -> ReadingRoomCard:
        guardian = row.get("guardian_card_id")
        return cls(id=encode_global_id("ReadingRoomCard", int(row["id"])), pk=int(row["id"]),
                   network_pk=int(row["network_id"]), card_number=str(row["card_number"]),
                   name=masked["name"], phone=masked["phone"], id_number=masked["id_number"],
                   reader_type=str(row["reader_type"]), status=str(row["status"]),
                   expires_on=row["expires_on"],
                   guardian_card_id=encode_global_id("ReadingRoomCard", int(guardian))
                   if guardian else None)


@strawberry.type(description="还书结果：这本书接下来去哪儿 / where a checked-in copy goes next")
class ReadingRoomCheckin:
    action: ReadingRoomCheckinAction
    reason: str
    copy: ReadingRoomCopy
    destination_pk: strawberry.Private[int]
    loan: ReadingRoomLoan | None
    hold_id: strawberry.ID | None

    @strawberry.field(description="目的书房 / the room it goes to (here for the shelf)")
    async def destination_room(self, info: Info) -> ReadingRoomRoom | None:
        return await _room(info, self.destination_pk)

    @strawberry.field(description="给馆员的提示 / what the librarian is told")
    async def instruction(self, info: Info) -> str:
        room = await _room(info, self.destination_pk)
        name = room.name if room else "?"
        if self.action == ReadingRoomCheckinAction.SHELF:
            return "上架（本书房）"
        if self.action == ReadingRoomCheckinAction.HOLD_SHELF:
            return "放预约架（本书房）"
        return f"在途：送往{name}"


@strawberry.type(description="配送单 / a transfer batch")
class ReadingRoomTransfer(Node):
    id: strawberry.ID
    pk: strawberry.Private[int]
    from_pk: strawberry.Private[int]
    to_pk: strawberry.Private[int]
    status: str
    note: str
    created_at: datetime
    items: int
    received: int

    @strawberry.field
    async def from_room(self, info: Info) -> ReadingRoomRoom | None:
        return await _room(info, self.from_pk)

    @strawberry.field
    async def to_room(self, info: Info) -> ReadingRoomRoom | None:
        return await _room(info, self.to_pk)

    @classmethod
    def from_row(cls, row: dict[str, Any], items: list[dict[str, Any]]) -> ReadingRoomTransfer:
        return cls(id=encode_global_id("ReadingRoomTransfer", int(row["id"])), pk=int(row["id"]),
                   from_pk=int(row["from_room_id"]), to_pk=int(row["to_room_id"]),
                   status=str(row["status"]), note=str(row["note"]), created_at=row["created_at"],
                   items=len(items), received=sum(1 for i in items if i["received_at"]))


@strawberry.type(description="座位预约 / a seat booking")
class ReadingRoomSeatBooking(Node):
    id: strawberry.ID
    seat_id: strawberry.ID
    booked_on: date
    slot: int


@strawberry.type(description="活动 / an activity")
class ReadingRoomActivity(Node):
    id: strawberry.ID
    room_id: strawberry.ID
    title: str
    kind: str
    starts_at: datetime
    capacity: int
    signed_up: int

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ReadingRoomActivity:
        return cls(id=encode_global_id("ReadingRoomActivity", int(row["id"])),
                   room_id=encode_global_id("ReadingRoomRoom", int(row["room_id"])),
                   title=str(row["title"]), kind=str(row["kind"]), starts_at=row["starts_at"],
                   capacity=int(row["capacity"]), signed_up=int(row["signed_up"]))


@strawberry.type(description="分类册数 / copies of a class")
class ReadingRoomClassCount:
    class_letter: str
    copies: int


@strawberry.type(description="书房藏书分布 / a room's collection by class")
class ReadingRoomCollection:
    room_id: strawberry.ID
    room_name: str
    by_class: list[ReadingRoomClassCount] = strawberry.field(metadata={LIST_BOUND: 22})
    missing_classes: list[str] = strawberry.field(metadata={LIST_BOUND: 22})


@strawberry.type(description="月借阅 / loans of a month by room and class")
class ReadingRoomLoanCount:
    room_id: strawberry.ID
    class_letter: str
    loans: int


@strawberry.type(description="在途 / copies in transit between two rooms")
class ReadingRoomTransitCount:
    from_room_id: strawberry.ID
    to_room_id: strawberry.ID
    copies: int


@strawberry.type(description="逾期 / overdue loans of a room")
class ReadingRoomOverdueCount:
    room_id: strawberry.ID
    loans: int


@strawberry.type(description="到馆人次 / entries counted at a room's door on a day")
class ReadingRoomVisitDay:
    room_id: strawberry.ID
    visited_on: date
    entries: int


@strawberry.type(description="月到馆人次 / a room's entries in the month")
class ReadingRoomVisitCount:
    room_id: strawberry.ID
    entries: int


@strawberry.type(description="月活动 / a room's activities in the month and their sign-ups")
class ReadingRoomActivityCount:
    room_id: strawberry.ID
    activities: int
    signed_up: int


@strawberry.type(description="书房网络统计 / network report")
class ReadingRoomReport:
    month: str
    visits: list[ReadingRoomVisitCount] = strawberry.field(metadata={LIST_BOUND: 50})
    activities: list[ReadingRoomActivityCount] = strawberry.field(metadata={LIST_BOUND: 50})
    active_readers: int = strawberry.field(description="本月借过书的读者数 / readers who "
                                                       "borrowed in the month")
    collection: list[ReadingRoomCollection] = strawberry.field(metadata={LIST_BOUND: 50})
    loans: list[ReadingRoomLoanCount] = strawberry.field(metadata={LIST_BOUND: 1100})
    in_transit: list[ReadingRoomTransitCount] = strawberry.field(metadata={LIST_BOUND: 2500})
    overdue: list[ReadingRoomOverdueCount] = strawberry.field(metadata={LIST_BOUND: 50})


TYPES: list[type] = [ReadingRoomSeat, ReadingRoomNetwork, ReadingRoomRoom, ReadingRoomTitle, ReadingRoomCopy,
                     ReadingRoomLoan, ReadingRoomHold, ReadingRoomCard, ReadingRoomTransfer,
                     ReadingRoomSeatBooking, ReadingRoomActivity]
