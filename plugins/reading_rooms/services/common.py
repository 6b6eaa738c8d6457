"""What the reading-room services share: the network and county a caller reaches, permission
checks limited to a librarian's room, the 22 classes, ISBN checks, open days and rule values."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    NodeInfo,
    as_region,
    get_node,
    plugin_rules,
)
from plugins.reading_rooms import NAME
from plugins.reading_rooms.rules import RULES
from plugins.reading_rooms.tables import (
    Activity,
    Card,
    ClassLimit,
    Closure,
    Copy,
    Hold,
    Loan,
    Network,
    Notice,
    Room,
    Seat,
    SeatBooking,
    SeatSlot,
    Signup,
    Staff,
    Title,
    TitleGram,
    Transfer,
    TransferItem,
    Visit,
)

__all__ = [
    "ALL_TABLES",
    "CLASSES",
    "OWN_RULES",
    "READER_TABLES",
    "LoanPolicy",
    "LoanRules",
    "NetworkRef",
    "as_county",
    "check_isbn",
    "get_network",
    "get_room",
    "loan_rules",
    "network_of_caller",
    "next_open_day",
    "require",
    "require_room",
]

OWN_RULES = plugin_rules(NAME, RULES)

CLASSES: dict[str, str] = {
    "A": "马克思主义、列宁主义、毛泽东思想、邓小平理论", "B": "哲学、宗教", "C": "社会科学总论",
    "D": "政治、法律", "E": "军事", "F": "经济", "G": "文化、科学、教育、体育",
    "H": "语言、文字", "I": "文学", "J": "艺术", "K": "历史、地理", "N": "自然科学总论",
    "O": "数理科学和化学", "P": "天文学、地球科学", "Q": "生物科学", "R": "医药、卫生",
    "S": "农业科学", "T": "工业技术", "U": "交通运输", "V": "航空、航天",
    "X": "环境科学、安全科学", "Z": "综合性图书",
}
"""The 22 top-level classes of 中图法 (5th edition)."""

READER_TABLES = (Card, Loan, Hold, SeatBooking, SeatSlot, Signup, Notice, Activity)
"""What a reader's own work enters in the county's rows (their card, loans, holds, bookings)."""

ALL_TABLES = (*READER_TABLES, Network, Room, Closure, ClassLimit, Title, TitleGram, Copy, Seat,
              Staff, Transfer, TransferItem, Visit)
"""Every table, for the per-tenant daily job and the demo entering the county's rows."""


def require(access: Access, permission: str) -> None:
    """FORBIDDEN unless the caller holds ``permission`` at the acting node."""
    decision = access.check(permission)
    if not decision:
        raise ApiError.forbidden(decision.reason_zh or "没有权限",
                                 decision.reason_en or "permission denied")


@dataclass(frozen=True)
class NetworkRef:
    """A network and the county node that owns it."""

    id: int
    county: NodeInfo
    return_policy: str
    name: str


async def get_network(network_id: int) -> NetworkRef:
    """A network readable here (the county's own or one shared down to the caller's tenant)."""
    row = await Network.select().where(Network.id == network_id).first()
    if row is None:
        raise ApiError.not_found("书房网络", "reading-room network", "networkId")
    county = await get_node(int(row["tenant_id"]))
    assert county is not None
    return NetworkRef(int(row["id"]), county, str(row["return_policy"]), str(row["name"]))


async def network_of_caller(access: Access, network_id: int | None = None) -> NetworkRef:
    """The network the caller reaches: the one named, or the only one readable here."""
    if network_id is not None:
        return await get_network(network_id)
    rows = await Network.select(Network.id).order_by(Network.id).limit(2)
    if len(rows) != 1:
        raise ApiError.invalid("networkId", "请指定书房网络", "name the reading-room network")
    return await get_network(int(rows[0]["id"]))


@asynccontextmanager
async def as_county(access: Access, network: NetworkRef) -> AsyncIterator[None]:
    """Work on the county's private rows: directly when acting at the county, else (a reader
    of a tenant below) through ``as_region``; callers then touch only the reader's own rows."""
    if access.node_id == network.county.id:
        yield
        return
    async with as_region(network.county, *READER_TABLES):
        yield


async def get_room(room_id: int, network: NetworkRef | None = None,
                   field: str = "roomId") -> dict[str, Any]:
    row = await Room.select().where(Room.id == room_id).first()
    if row is None or (network is not None and int(row["network_id"]) != network.id):
        raise ApiError.not_found("书房", "reading room", field)
    return dict(row)


async def require_room(access: Access, room_id: int, permission: str = "reading_rooms.circulate"
                       ) -> tuple[NetworkRef, dict[str, Any]]:
    """The caller may do ``permission`` at this room: central staff and administrators at any
    room of their county's network, a librarian only at the room linked to their account, a
    machine only at the room its API key is bound to."""
    require(access, permission)
    net = Room.network_id.join_on(Network.id)
    row = await Room.select(*Room.all_columns(), net.return_policy.as_alias("net_policy"),
                            net.name.as_alias("net_name")).where(Room.id == room_id).first()
    if row is None:
        raise ApiError.not_found("书房", "reading room", "roomId")
    room = dict(row)
    if access.node_id != int(room["tenant_id"]):   # the room and its network are the county's
        raise ApiError.forbidden("须以县级书房网络身份操作",
                                 "act as the county that runs the network")
    county = await get_node(int(room["tenant_id"]))
    assert county is not None
    network = NetworkRef(int(room["network_id"]), county, str(room.pop("net_policy")),
                         str(room.pop("net_name")))
    principal = access.principal
    if principal.is_operator or access.has("reading_rooms.manage"):
        return network, room
    if principal.api_key_object is not None:
        kind, ident = principal.api_key_object
        if kind == "reading_rooms.room" and ident == room_id:
            return network, room
        raise ApiError.forbidden("该终端不属于此书房", "this machine belongs to another room")
    if principal.account_id is not None and await Staff.exists().where(
            (Staff.room_id == room_id) & (Staff.account_id == principal.account_id)):
        return network, room
    raise ApiError.forbidden("您不是该书房的馆员", "you are not a librarian of this room")


@dataclass(frozen=True)
class LoanPolicy:
    """What applies to one loan: its period and, when a class rule sets one, the most open
    loans of that class the reader may hold."""

    loan_days: int
    class_limit: int | None


@dataclass(frozen=True)
class LoanRules:
    """The loan policy in force for a network on a day, with the versions it came from."""

    limit_adult: int
    limit_child: int
    loan_days: int
    renewals: int
    renewal_days: int
    hold_shelf_days: int
    lost_after_days: int
    due_soon_days: int
    fines_enabled: bool
    versions: str
    class_policy: tuple[dict[str, Any], ...] = ()

    def limit(self, reader_type: str) -> int:
        return self.limit_child if reader_type == "child" else self.limit_adult

    def policy(self, reader_type: str, class_letter: str) -> LoanPolicy:
        """The loan period and class limit for a reader type and class: each value from the
        most specific ``class_policy`` entry setting it (type and class, then class, then
        type), else the network's loan period and no class limit."""
        def rank(item: dict[str, Any]) -> int | None:
            if item.get("reader_type", reader_type) != reader_type or item.get(
                    "class_letter", class_letter) != class_letter:
                return None
            return 2 * ("class_letter" in item) + ("reader_type" in item)

        ranked = sorted(((r, i) for i in self.class_policy if (r := rank(i)) is not None),
                        key=lambda pair: -pair[0])
        days = next((int(i["loan_days"]) for _, i in ranked if "loan_days" in i),
                    self.loan_days)
        limit = next((int(i["limit"]) for _, i in ranked if "limit" in i), None)
        return LoanPolicy(days, limit)


async def loan_rules(county: NodeInfo, on: date | None = None) -> LoanRules:
    values: dict[str, Any] = {}
    versions = []
    found = await OWN_RULES.get_many([key.key for key in RULES], county, on)  # one statement
    for key in RULES:
        resolved = found[key.key]
        short = key.key.split(".", 1)[1]
        values[short] = resolved.value
        versions.append(f"{short}={resolved.version}")
    return LoanRules(
        limit_adult=int(values["loan_limit_adult"]), limit_child=int(values["loan_limit_child"]),
        loan_days=int(values["loan_days"]), renewals=int(values["renewals"]),
        renewal_days=int(values["renewal_days"]),
        hold_shelf_days=int(values["hold_shelf_days"]),
        lost_after_days=int(values["lost_after_days"]),
        due_soon_days=int(values["due_soon_days"]),
        fines_enabled=bool(values["fines_enabled"]), versions=",".join(versions)[:200],
        class_policy=tuple(dict(i) for i in values["class_policy"] or ()))


async def next_open_day(room: dict[str, Any], day: date) -> date:
    """``day`` or the first day after it the room is open (weekly closed days and closures)."""
    closed = {int(d) for d in str(room.get("closed_weekdays") or "").split(",") if d.strip()}
    if len(closed) >= 7:
        return day
    rows = await Closure.select(Closure.day).where(
        (Closure.room_id == room["id"]) & (Closure.day >= day)
        & (Closure.day <= day + timedelta(days=60)))
    closures = {r["day"] for r in rows}
    for _ in range(120):
        if day.weekday() not in closed and day not in closures:
            return day
        day += timedelta(days=1)
    return day


_ISBN = re.compile(r"^[0-9]{9}[0-9X]$|^[0-9]{13}$")


def check_isbn(raw: str, field: str = "isbn") -> tuple[str, str | None]:
    """ISBN-10 or -13 (hyphens and spaces dropped, check digit validated) → (ISBN-13, ISBN-10
    when the title has one)."""
    value = re.sub(r"[\s-]", "", raw or "").upper()
    if not _ISBN.match(value):
        raise ApiError.invalid(field, "ISBN 须为10位或13位", "an ISBN has 10 or 13 characters")
    if len(value) == 10:
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(value))
        if total % 11:
            raise ApiError.invalid(field, "ISBN-10 校验位错误", "the ISBN-10 check digit is wrong")
        body = "978" + value[:9]
        return body + _isbn13_check(body), value
    if value[:3] not in ("978", "979"):
        raise ApiError.invalid(field, "ISBN-13 须以978或979开头",
                               "an ISBN-13 starts with 978 or 979")
    if _isbn13_check(value[:12]) != value[12]:
        raise ApiError.invalid(field, "ISBN-13 校验位错误", "the ISBN-13 check digit is wrong")
    isbn10 = None
    if value.startswith("978"):
        body = value[3:12]
        check = sum((10 - i) * int(c) for i, c in enumerate(body)) % 11
        isbn10 = body + ("X" if (11 - check) % 11 == 10 else str((11 - check) % 11))
    return value, isbn10


def _isbn13_check(body: str) -> str:
    return str((10 - sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body)) % 10) % 10)
