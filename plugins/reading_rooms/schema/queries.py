"""Query fields of the reading-rooms plugin: networks, the catalogue search (also the public
board: anonymous callers name their street office or town with ``X-Linli-Node``), the caller's
own cards, a machine's patron status, the staff's loan and transfer lists, and the report."""

from __future__ import annotations

import base64
import re

import strawberry

from core.plugin import (
    LIST_BOUND,
    ApiError,
    Connection,
    Info,
    check_first,
    decode_cursor,
    make_connection,
    now_utc,
    public_read,
    today_shanghai,
)
from plugins.reading_rooms.schema.common import cipher, gid, pk, required_pk
from plugins.reading_rooms.schema.types import (
    ReadingRoomActivity,
    ReadingRoomActivityCount,
    ReadingRoomCard,
    ReadingRoomClassCount,
    ReadingRoomCollection,
    ReadingRoomLoan,
    ReadingRoomLoanCount,
    ReadingRoomNetwork,
    ReadingRoomOverdueCount,
    ReadingRoomReport,
    ReadingRoomTitle,
    ReadingRoomTransfer,
    ReadingRoomTransitCount,
    ReadingRoomVisitCount,
)
from plugins.reading_rooms.services import cards, catalogue, reports, transfers
from plugins.reading_rooms.services.common import (
    as_county,
    get_network,
    network_of_caller,
    require,
    require_room,
)
from plugins.reading_rooms.tables import Activity, Loan, Network, Room, Transfer

__all__ = ["QUERIES"]


@strawberry.field(description="可见的书房网络 / networks visible here",
                  metadata={LIST_BOUND: 10})
async def reading_room_networks(info: Info) -> list[ReadingRoomNetwork]:
    async with public_read(info.context):
        rows = await Network.select().order_by(Network.id).limit(10)
    return [ReadingRoomNetwork.from_row(r) for r in rows]


@strawberry.field(description="馆藏检索（公开）：题名片段、作者或ISBN，分类，书房在架 / search the "
                              "catalogue (public): words of a title, an author or an ISBN")
async def reading_room_search(info: Info, first: int, after: str | None = None,
                              network_id: strawberry.ID | None = None, words: str | None = None,
                              class_letter: str | None = None,
                              available_in_room_id: strawberry.ID | None = None
                              ) -> Connection[ReadingRoomTitle]:
    check_first(first)
    start = decode_cursor(after)
    if words is not None and len(words) > 100:
        raise ApiError.invalid("words", "检索词过长", "the search text is too long")
    if class_letter is not None and not re.fullmatch(r"[A-Z]", class_letter):
        raise ApiError.invalid("classLetter", "分类须为一个大写字母", "one capital letter")
    room = pk(available_in_room_id, "ReadingRoomRoom", "availableInRoomId")
    wanted = pk(network_id, "ReadingRoomNetwork", "networkId")
    async with public_read(info.context):
        rows = await Network.select(Network.id, Network.tenant_id).order_by(Network.id).limit(2)
        ids = [int(r["id"]) for r in rows]
        owners = {int(r["id"]): int(r["tenant_id"]) for r in rows}
        if wanted is not None and wanted not in ids:
            found = await Network.select(Network.tenant_id).where(Network.id == wanted).first()
            if found is None:
                raise ApiError.not_found("书房网络", "reading-room network", "networkId")
            ids, owners[wanted] = [wanted], int(found["tenant_id"])
        if wanted is None and len(ids) != 1:
            if not ids:
                raise ApiError.not_found("书房网络", "reading-room network", "networkId")
            raise ApiError.invalid("networkId", "请指定书房网络", "name the network")
        titles = await catalogue.search_titles(wanted or ids[0], owners[wanted or ids[0]],
                                               words=words,
                                               class_letter=class_letter, room_id=room,
                                               first=first, after=start)
    return make_connection(titles, first, ReadingRoomTitle.from_row)


@strawberry.field(description="我的读者证（含监护的少儿证）/ my cards (and children's I guard)",
                  metadata={LIST_BOUND: 10})
async def reading_room_my_cards(info: Info) -> list[ReadingRoomCard]:
    seal = cipher(info)
    out: list[ReadingRoomCard] = []
    async with info.context.read() as access:
        if access.principal.account_id is None:
            raise ApiError.forbidden("请先登录", "sign in first")
        for row in await Network.select(Network.id).order_by(Network.id).limit(10):
            network = await get_network(int(row["id"]))
            async with as_county(access, network):
                found = await cards.my_cards(access.principal.account_id)
            out += [ReadingRoomCard.from_row(c, cards.masked(c, seal)) for c in found]
    return out[:10]


@strawberry.field(description="自助机：读者状态 / machine: patron status")
async def reading_room_patron_status(info: Info, room_id: strawberry.ID, card_number: str
                                     ) -> ReadingRoomCard:
    async with info.context.read() as access:  # the caller first: anonymous hears UNAUTHENTICATED
        room = required_pk(room_id, "ReadingRoomRoom", "roomId")
        network, _ = await require_room(access, room)
        card = await cards.card_by_number(network, card_number)
    return ReadingRoomCard.from_row(card, cards.masked(card, cipher(info)))


@strawberry.field(description="借阅记录（馆员与中心）/ loans (staff)")
async def reading_room_loans(info: Info, first: int, after: str | None = None,
                             network_id: strawberry.ID | None = None,
                             room_id: strawberry.ID | None = None, open_only: bool = True,
                             overdue_only: bool = False) -> Connection[ReadingRoomLoan]:
    check_first(first)
    start = decode_cursor(after)
    room = pk(room_id, "ReadingRoomRoom", "roomId")
    async with info.context.read() as access:
        network = await network_of_caller(access, pk(network_id, "ReadingRoomNetwork",
                                                     "networkId"))
        if room is not None:
            await require_room(access, room, "reading_rooms.read")
        else:
            require(access, "reading_rooms.read")
        if access.node_id != network.county.id:
            raise ApiError.not_found("书房网络", "reading-room network", "networkId")
        query = Loan.select().where((Loan.network_id == network.id) & (Loan.id > start))
        if room is not None:
            query = query.where(Loan.room_id == room)
        if open_only:
            query = query.where(Loan.status == "open")
        if overdue_only:
            query = query.where(Loan.due_on < today_shanghai())
        rows = await query.order_by(Loan.id).limit(first + 1)
    return make_connection(rows, first, ReadingRoomLoan.from_row)


@strawberry.field(description="统筹配送单 / transfers")
async def reading_room_transfers(info: Info, first: int, after: str | None = None,
                                 network_id: strawberry.ID | None = None
                                 ) -> Connection[ReadingRoomTransfer]:
    check_first(first)
    start = decode_cursor(after)
    async with info.context.read() as access:
        require(access, "reading_rooms.read")
        network = await network_of_caller(access, pk(network_id, "ReadingRoomNetwork",
                                                     "networkId"))
        rows = await Transfer.select().where((Transfer.network_id == network.id)
                                             & (Transfer.id > start)).order_by(
            Transfer.id).limit(first + 1)
        items = await transfers.transfer_items([int(r["id"]) for r in rows])
    return make_connection(rows, first,
                           lambda r: ReadingRoomTransfer.from_row(r, items.get(int(r["id"]), [])))


@strawberry.field(description="书房网络统计 / the network's report")
async def reading_room_report(info: Info, month: str, network_id: strawberry.ID | None = None
                              ) -> ReadingRoomReport:
    async with info.context.read() as access:
        require(access, "reading_rooms.report")
        if not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", month):
            raise ApiError.invalid("month", "月份格式须为 YYYY-MM", "the month is YYYY-MM")
        network = await network_of_caller(access, pk(network_id, "ReadingRoomNetwork",
                                                     "networkId"))
        if access.node_id != network.county.id:
            raise ApiError.not_found("书房网络", "reading-room network", "networkId")
        collection = await reports.collection_by_class(network.id)
        loans = await reports.loans_by_month(network.id, month)
        transit = await reports.in_transit(network.id)
        late = await reports.overdue(network.id)
        visits = await reports.visits_by_month(network.id, month)
        held = await reports.activities_by_month(network.id, month)
        readers = await reports.active_readers(network.id, month)
    room = "ReadingRoomRoom"
    return ReadingRoomReport(
        month=month,
        visits=[ReadingRoomVisitCount(room_id=gid(room, v["room_id"]), entries=v["entries"])
                for v in visits],
        activities=[ReadingRoomActivityCount(room_id=gid(room, a["room_id"]),
                                             activities=a["activities"],
                                             signed_up=a["signed_up"]) for a in held],
        active_readers=readers,
        collection=[ReadingRoomCollection(
            room_id=gid(room, c["room_id"]), room_name=c["room_name"],
            by_class=[ReadingRoomClassCount(class_letter=k, copies=v)
                      for k, v in sorted(c["by_class"].items())],
            missing_classes=c["missing"]) for c in collection],
        loans=[ReadingRoomLoanCount(room_id=gid(room, r["room_id"]),
                                    class_letter=r["class_letter"], loans=r["loans"])
               for r in loans],
        in_transit=[ReadingRoomTransitCount(from_room_id=gid(room, r["from_room_id"]),
                                            to_room_id=gid(room, r["to_room_id"]),
                                            copies=r["copies"]) for r in transit],
        overdue=[ReadingRoomOverdueCount(room_id=gid(room, r["room_id"]), loans=r["loans"])
                 for r in late])


@strawberry.field(description="配送清单（.xlsx，base64）/ a transfer's printable manifest "
                              "(.xlsx, base64)")
async def reading_room_transfer_manifest(info: Info, transfer_id: strawberry.ID) -> str:
    async with info.context.read() as access:
        require(access, "reading_rooms.read")
        ident = required_pk(transfer_id, "ReadingRoomTransfer", "transferId")
        batch = await Transfer.select(Transfer.network_id).where(Transfer.id == ident).first()
        if batch is None:
            raise ApiError.not_found("配送单", "transfer", "transferId")
        network = await get_network(int(batch["network_id"]))
        data = await transfers.manifest_xlsx(network, ident)
    return base64.b64encode(data).decode()


@strawberry.field(description="书房活动（公开）：尚未开始的活动，按发布先后 / the network's activities "
                              "yet to start (public), in the order announced")
async def reading_room_activities(info: Info, first: int, after: str | None = None
                                  ) -> Connection[ReadingRoomActivity]:
    check_first(first)
    start = decode_cursor(after)
    async with public_read(info.context):
        rows = await Activity.select().where(
            Activity.room_id.is_in(Room.select(Room.id)) & (Activity.starts_at >= now_utc())
            & (Activity.id > start)).order_by(Activity.id).limit(first + 1)
    return make_connection([dict(r) for r in rows], first, ReadingRoomActivity.from_row)


QUERIES = [reading_room_activities, reading_room_networks, reading_room_search, reading_room_my_cards,
           reading_room_patron_status, reading_room_loans, reading_room_transfers,
           reading_room_report, reading_room_transfer_manifest]
