"""Mutation fields of the reading-rooms plugin: one ``input`` each, a union of
``<Mutation>Payload`` and ``UserError``, run through ``run_mutation`` (one write transaction,
audited). Staff and machines act at the county; readers act at their own tenant and reach the
county's rows for themselves only."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from core.plugin import LIST_BOUND, Access, ApiError, Audit, Info, UserError, run_mutation
from plugins.reading_rooms.schema.common import cipher, required_pk
from plugins.reading_rooms.schema.types import (
    ReadingRoomActivity,
    ReadingRoomCard,
    ReadingRoomCheckin,
    ReadingRoomCheckinAction,
    ReadingRoomCopy,
    ReadingRoomHold,
    ReadingRoomLoan,
    ReadingRoomNetwork,
    ReadingRoomReturnPolicy,
    ReadingRoomRoom,
    ReadingRoomSeatBooking,
    ReadingRoomTitle,
    ReadingRoomTransfer,
    ReadingRoomVisitDay,
)
from plugins.reading_rooms.services import (
    cards,
    catalogue,
    circulation,
    holds,
    network,
    seats,
    transfers,
)
from plugins.reading_rooms.services.circulation import Checkin
from plugins.reading_rooms.services.common import (
    NetworkRef,
    as_county,
    get_network,
    get_room,
    network_of_caller,
)

__all__ = ["MUTATIONS"]


async def _network(access: Access, value: strawberry.ID | None) -> NetworkRef:
    ident = None if value is None else required_pk(value, "ReadingRoomNetwork", "networkId")
    return await network_of_caller(access, ident)


async def _my_card(access: Access, network: NetworkRef, card_number: str | None
                   ) -> dict[str, Any]:
    """The reader's own card (or a child's card they guard); at the county's desk any card."""
    if access.node_id == network.county.id and access.has("reading_rooms.circulate"):
        if not card_number:
            raise ApiError.invalid("cardNumber", "请提供读者证号", "give the card number")
        return await cards.card_by_number(network, card_number)
    if access.principal.account_id is None:
        raise ApiError.forbidden("请先登录", "sign in first")
    own = await cards.my_cards(access.principal.account_id)
    for card in own:
        if card_number is None or card["card_number"] == card_number.strip():
            return card
    raise ApiError.not_found("读者证", "card", "cardNumber")


# -- network, rooms, staff ------------------------------------------------------------------


@strawberry.type
class ReadingRoomCreateNetworkPayload:
    network: ReadingRoomNetwork


@strawberry.input(description="县建立书房网络 / a county creates its network")
class ReadingRoomCreateNetworkInput:
    name: str
    supervisor: str = "文化和旅游局"
    return_policy: ReadingRoomReturnPolicy = ReadingRoomReturnPolicy.FLOAT


ReadingRoomCreateNetworkResult = Annotated[ReadingRoomCreateNetworkPayload | UserError,
                                           strawberry.union("ReadingRoomCreateNetworkResult")]


@strawberry.mutation(description="建立书房网络（以县身份）/ create a network (as the county)")
async def reading_room_create_network(info: Info, input: ReadingRoomCreateNetworkInput
                                      ) -> ReadingRoomCreateNetworkResult:
    async def work(access: Access) -> dict[str, Any]:
        return await network.create_network(access, input.name, input.supervisor,
                                            input.return_policy.value)

    return await run_mutation(
        info, work,
        lambda r: ReadingRoomCreateNetworkPayload(network=ReadingRoomNetwork.from_row(r)),
        audit=lambda r: Audit("reading_rooms.network.create", "ReadingRoomNetwork", r["id"]))


@strawberry.type
class ReadingRoomAddRoomPayload:
    room: ReadingRoomRoom


ReadingRoomAddRoomResult = Annotated[ReadingRoomAddRoomPayload | UserError,
                                     strawberry.union("ReadingRoomAddRoomResult")]


@strawberry.input(description="在本县街镇设书房 / a room in a street office or town")
class ReadingRoomAddRoomInput:
    name: str
    place_tenant_code: str
    network_id: strawberry.ID | None = None
    address: str = ""
    operator_name: str = ""
    person_in_charge: str = ""
    areas: list[str] | None = None
    closed_weekdays: list[int] | None = None


@strawberry.mutation(description="新增书房 / add a room")
async def reading_room_add_room(info: Info, input: ReadingRoomAddRoomInput
                                ) -> ReadingRoomAddRoomResult:
    async def work(access: Access) -> dict[str, Any]:
        return await network.add_room(
            access, await _network(access, input.network_id), name=input.name,
            place_tenant_code=input.place_tenant_code, address=input.address,
            operator_name=input.operator_name, person_in_charge=input.person_in_charge,
            areas=input.areas, closed_weekdays=input.closed_weekdays)

    return await run_mutation(
        info, work, lambda r: ReadingRoomAddRoomPayload(room=ReadingRoomRoom.from_row(r)),
        audit=lambda r: Audit("reading_rooms.room.create", "ReadingRoomRoom", r["id"]))


@strawberry.type
class ReadingRoomLinkLibrarianPayload:
    room: ReadingRoomRoom


ReadingRoomLinkLibrarianResult = Annotated[ReadingRoomLinkLibrarianPayload | UserError,
                                           strawberry.union("ReadingRoomLinkLibrarianResult")]


@strawberry.input(description="指定书房馆员 / make an account a librarian of a room")
class ReadingRoomLinkLibrarianInput:
    room_id: strawberry.ID
    account_id: strawberry.ID


@strawberry.mutation(description="指定书房馆员 / link a librarian to a room")
async def reading_room_link_librarian(info: Info, input: ReadingRoomLinkLibrarianInput
                                      ) -> ReadingRoomLinkLibrarianResult:
    room_id = required_pk(input.room_id, "ReadingRoomRoom", "roomId")
    account_id = required_pk(input.account_id, "Account", "accountId")

    async def work(access: Access) -> dict[str, Any]:
        await network.link_librarian(access, room_id, account_id)
        return (await network.rooms_by_ids([room_id]))[room_id]

    return await run_mutation(
        info, work, lambda r: ReadingRoomLinkLibrarianPayload(room=ReadingRoomRoom.from_row(r)),
        audit=lambda r: Audit("reading_rooms.staff.link", "ReadingRoomRoom", r["id"],
                              {"account_id": account_id}))


# -- catalogue ------------------------------------------------------------------------------


@strawberry.type
class ReadingRoomAddTitlePayload:
    title: ReadingRoomTitle


ReadingRoomAddTitleResult = Annotated[ReadingRoomAddTitlePayload | UserError,
                                      strawberry.union("ReadingRoomAddTitleResult")]


@strawberry.input(description="编目 / catalogue a title")
class ReadingRoomAddTitleInput:
    isbn: str
    title: str
    class_letter: str
    network_id: strawberry.ID | None = None
    authors: str = ""
    publisher: str = ""
    year: int | None = None
    call_number: str = ""


@strawberry.mutation(description="编目 / catalogue a title")
async def reading_room_add_title(info: Info, input: ReadingRoomAddTitleInput
                                 ) -> ReadingRoomAddTitleResult:
    async def work(access: Access) -> dict[str, Any]:
        return await catalogue.add_title(
            access, await _network(access, input.network_id), isbn=input.isbn,
            title=input.title, authors=input.authors, publisher=input.publisher,
            year=input.year, class_letter=input.class_letter, call_number=input.call_number)

    return await run_mutation(
        info, work, lambda r: ReadingRoomAddTitlePayload(title=ReadingRoomTitle.from_row(r)),
        audit=lambda r: Audit("reading_rooms.title.add", "ReadingRoomTitle", r["id"]))


@strawberry.type
class ReadingRoomAddCopiesPayload:
    copies: list[ReadingRoomCopy]


ReadingRoomAddCopiesResult = Annotated[ReadingRoomAddCopiesPayload | UserError,
                                       strawberry.union("ReadingRoomAddCopiesResult")]


@strawberry.input(description="入藏复本 / add copies of a title to a room")
class ReadingRoomAddCopiesInput:
    title_id: strawberry.ID
    room_id: strawberry.ID
    barcodes: list[str]


@strawberry.mutation(description="入藏复本 / add copies")
async def reading_room_add_copies(info: Info, input: ReadingRoomAddCopiesInput
                                  ) -> ReadingRoomAddCopiesResult:
    title_id = required_pk(input.title_id, "ReadingRoomTitle", "titleId")
    room_id = required_pk(input.room_id, "ReadingRoomRoom", "roomId")

    async def work(access: Access) -> list[dict[str, Any]]:
        title = await catalogue.titles_by_ids([title_id])
        if title_id not in title:
            raise ApiError.not_found("书目", "title", "titleId")
        net = await get_network(int(title[title_id]["network_id"]))
        return await catalogue.add_copies(access, net, title_id, room_id, input.barcodes)

    return await run_mutation(
        info, work,
        lambda rows: ReadingRoomAddCopiesPayload(copies=[ReadingRoomCopy.from_row(r)
                                                         for r in rows]),
        audit=lambda rows: Audit("reading_rooms.copy.add", "ReadingRoomTitle", title_id,
                                 {"copies": len(rows)}))


@strawberry.type(description="导入有误的行 / a refused row")
class ReadingRoomImportRowError:
    row: int
    field: str
    message_zh: str
    message_en: str


@strawberry.type
class ReadingRoomImportCataloguePayload:
    titles: int
    copies: int
    error_count: int
    errors: list[ReadingRoomImportRowError] = strawberry.field(
        description="前1000个有误的行 / the first 1,000 refused rows", metadata={LIST_BOUND: 1000})


ReadingRoomImportCatalogueResult = Annotated[
    ReadingRoomImportCataloguePayload | UserError,
    strawberry.union("ReadingRoomImportCatalogueResult")]


@strawberry.input(description="导入编目表（.xlsx，base64）/ import a catalogue sheet")
class ReadingRoomImportCatalogueInput:
    content_base64: str
    network_id: strawberry.ID | None = None


@strawberry.mutation(description="导入编目表：ISBN、题名、责任者、出版社、出版年、中图法大类、索书号、"
                                 "书房、条码（逗号分隔）/ import a catalogue sheet")
async def reading_room_import_catalogue(info: Info, input: ReadingRoomImportCatalogueInput
                                        ) -> ReadingRoomImportCatalogueResult:
    import base64
    import binascii

    try:
        content = base64.b64decode(input.content_base64, validate=True)
    except (binascii.Error, ValueError):
        content = b""
    async def work(access: Access) -> catalogue.ImportReport:
        if not content or len(content) > 10 * 1024 * 1024:
            raise ApiError.invalid("contentBase64", "文件为空、过大或不是base64",
                                   "the file is empty, too large or not base64")
        return await catalogue.import_sheet(access, await _network(access, input.network_id),
                                            content)

    def wrap(report: catalogue.ImportReport) -> ReadingRoomImportCataloguePayload:
        return ReadingRoomImportCataloguePayload(
            titles=report.titles, copies=report.copies, error_count=len(report.errors),
            errors=[ReadingRoomImportRowError(row=n, field=f, message_zh=zh, message_en=en)
                    for n, f, zh, en in report.errors[:1000]])

    return await run_mutation(
        info, work, wrap,
        audit=lambda r: Audit("reading_rooms.title.add", "ReadingRoomNetwork", "",
                              {"titles": r.titles, "copies": r.copies,
                               "errors": len(r.errors)}))


# -- cards ----------------------------------------------------------------------------------


@strawberry.type
class ReadingRoomRegisterCardPayload:
    card: ReadingRoomCard


ReadingRoomRegisterCardResult = Annotated[ReadingRoomRegisterCardPayload | UserError,
                                          strawberry.union("ReadingRoomRegisterCardResult")]


@strawberry.input(description="自助办证 / register a card (self-service or at the desk)")
class ReadingRoomRegisterCardInput:
    name: str
    id_number: str
    phone: str | None = None
    network_id: strawberry.ID | None = None
    guardian_card_number: str | None = None


@strawberry.mutation(description="办理读者证 / register a reader's card")
async def reading_room_register_card(info: Info, input: ReadingRoomRegisterCardInput
                                     ) -> ReadingRoomRegisterCardResult:
    seal = cipher(info)

    async def work(access: Access) -> dict[str, Any]:
        net = await _network(access, input.network_id)
        async with as_county(access, net):
            return await cards.register_card(
                access, net, seal, name=input.name, id_number=input.id_number,
                phone=input.phone, guardian_card_number=input.guardian_card_number,
                resident_id=access.principal.resident_id
                if access.node_id != net.county.id else None)

    return await run_mutation(
        info, work,
        lambda r: ReadingRoomRegisterCardPayload(
            card=ReadingRoomCard.from_row(r, cards.masked(r, seal))),
        audit=lambda r: Audit("reading_rooms.card.register", "ReadingRoomCard", r["id"]))


@strawberry.type
class ReadingRoomSetCardStatusPayload:
    card: ReadingRoomCard


ReadingRoomSetCardStatusResult = Annotated[ReadingRoomSetCardStatusPayload | UserError,
                                           strawberry.union("ReadingRoomSetCardStatusResult")]


@strawberry.input(description="停用、恢复或注销读者证 / block, reactivate or expire a card")
class ReadingRoomSetCardStatusInput:
    card_number: str
    status: str
    network_id: strawberry.ID | None = None


@strawberry.mutation(description="变更读者证状态 / change a card's status")
async def reading_room_set_card_status(info: Info, input: ReadingRoomSetCardStatusInput
                                       ) -> ReadingRoomSetCardStatusResult:
    seal = cipher(info)

    async def work(access: Access) -> dict[str, Any]:
        net = await _network(access, input.network_id)
        if access.node_id != net.county.id:
            raise ApiError.not_found("书房网络", "reading-room network", "networkId")
        return await cards.set_card_status(access, net, input.card_number, input.status)

    return await run_mutation(
        info, work,
        lambda r: ReadingRoomSetCardStatusPayload(
            card=ReadingRoomCard.from_row(r, cards.masked(r, seal))),
        audit=lambda r: Audit("reading_rooms.card.status", "ReadingRoomCard", r["id"],
                              {"status": r["status"]}))


@strawberry.type(description="读者证完整信息（已审计）/ a card's full registration data (audited)")
class ReadingRoomCardIdentity:
    card_number: str
    name: str
    phone: str | None
    id_number: str


@strawberry.type
class ReadingRoomRevealCardPayload:
    identity: ReadingRoomCardIdentity


ReadingRoomRevealCardResult = Annotated[ReadingRoomRevealCardPayload | UserError,
                                        strawberry.union("ReadingRoomRevealCardResult")]


@strawberry.input(description="查看读者完整信息（须说明理由）/ reveal a card's data (with a reason)")
class ReadingRoomRevealCardInput:
    card_number: str
    reason: str
    network_id: strawberry.ID | None = None


@strawberry.mutation(description="查看读者完整信息（审计）/ reveal a reader's data (audited)")
async def reading_room_reveal_card(info: Info, input: ReadingRoomRevealCardInput
                                   ) -> ReadingRoomRevealCardResult:
    seal = cipher(info)
    reason = " ".join((input.reason or "").split())

    async def work(access: Access) -> dict[str, Any]:
        if not reason or len(reason) > 200:
            raise ApiError.invalid("reason", "须说明理由（200字以内）",
                                   "give a reason (at most 200 characters)")
        net = await _network(access, input.network_id)
        if access.node_id != net.county.id:
            raise ApiError.not_found("书房网络", "reading-room network", "networkId")
        decision = access.check("reading_rooms.reveal")
        if not decision:
            raise ApiError.forbidden(decision.reason_zh or "没有权限",
                                     decision.reason_en or "permission denied")
        return await cards.card_by_number(net, input.card_number)

    def wrap(r: dict[str, Any]) -> ReadingRoomRevealCardPayload:
        return ReadingRoomRevealCardPayload(identity=ReadingRoomCardIdentity(
            card_number=str(r["card_number"]), name=seal.open(r["name_cipher"]),
            phone=seal.open(r["phone_cipher"]) if r["phone_cipher"] else None,
            id_number=seal.open(r["id_number_cipher"])))

    return await run_mutation(
        info, work, wrap,
        audit=lambda r: Audit("reading_rooms.card.reveal", "ReadingRoomCard", r["id"],
                              {"reason": reason}))


# -- circulation ----------------------------------------------------------------------------


@strawberry.type
class ReadingRoomCheckoutPayload:
    loan: ReadingRoomLoan


ReadingRoomCheckoutResult = Annotated[ReadingRoomCheckoutPayload | UserError,
                                      strawberry.union("ReadingRoomCheckoutResult")]


@strawberry.input(description="借书 / lend a copy at a room")
class ReadingRoomCheckoutInput:
    room_id: strawberry.ID
    card_number: str
    barcode: str


@strawberry.mutation(description="借书（任一书房）/ checkout at any room")
async def reading_room_checkout(info: Info, input: ReadingRoomCheckoutInput
                                ) -> ReadingRoomCheckoutResult:
    room_id = required_pk(input.room_id, "ReadingRoomRoom", "roomId")

    async def work(access: Access) -> dict[str, Any]:
        return await circulation.checkout(access, room_id, input.card_number, input.barcode)

    return await run_mutation(
        info, work, lambda r: ReadingRoomCheckoutPayload(loan=ReadingRoomLoan.from_row(r)),
        audit=lambda r: Audit("reading_rooms.loan.checkout", "ReadingRoomLoan", r["id"]))


@strawberry.type
class ReadingRoomCheckinPayload:
    checkin: ReadingRoomCheckin


ReadingRoomCheckinResult = Annotated[ReadingRoomCheckinPayload | UserError,
                                     strawberry.union("ReadingRoomCheckinResult")]


@strawberry.input(description="还书或在途签收 / return a copy (or receive one in transit)")
class ReadingRoomCheckinInput:
    room_id: strawberry.ID
    barcode: str


def _checkin(result: Checkin) -> ReadingRoomCheckinPayload:
    return ReadingRoomCheckinPayload(checkin=ReadingRoomCheckin(
        action=ReadingRoomCheckinAction(result.action), reason=result.reason,
        copy=ReadingRoomCopy.from_row(result.copy), destination_pk=result.destination_room_id,
        loan=ReadingRoomLoan.from_row(result.loan) if result.loan else None,
        hold_id=None if result.hold_id is None else _hold_gid(result.hold_id)))


def _hold_gid(ident: int) -> strawberry.ID:
    from plugins.reading_rooms.schema.common import gid

    return gid("ReadingRoomHold", ident)


@strawberry.mutation(description="还书（任一书房），告知去向 / check in anywhere; says where it goes")
async def reading_room_checkin(info: Info, input: ReadingRoomCheckinInput
                               ) -> ReadingRoomCheckinResult:
    room_id = required_pk(input.room_id, "ReadingRoomRoom", "roomId")

    async def work(access: Access) -> Checkin:
        return await circulation.checkin(access, room_id, input.barcode)

    return await run_mutation(
        info, work, _checkin,
        audit=lambda r: Audit("reading_rooms.loan.checkin", "ReadingRoomCopy", r.copy["id"],
                              {"action": r.action, "to": r.destination_room_id}))


@strawberry.type
class ReadingRoomRenewPayload:
    loan: ReadingRoomLoan


ReadingRoomRenewResult = Annotated[ReadingRoomRenewPayload | UserError,
                                   strawberry.union("ReadingRoomRenewResult")]


@strawberry.input(description="续借 / renew a loan")
class ReadingRoomRenewInput:
    loan_id: strawberry.ID
    network_id: strawberry.ID | None = None


@strawberry.mutation(description="续借（读者本人或馆员）/ renew (the reader or staff)")
async def reading_room_renew(info: Info, input: ReadingRoomRenewInput) -> ReadingRoomRenewResult:
    loan_id = required_pk(input.loan_id, "ReadingRoomLoan", "loanId")

    async def work(access: Access) -> dict[str, Any]:
        net = await _network(access, input.network_id)
        async with as_county(access, net):
            staff = access.node_id == net.county.id and access.has("reading_rooms.circulate")
            own = None if staff else [int(c["id"]) for c in await cards.my_cards(
                access.principal.account_id or -1)]
            return await circulation.renew(access, net, loan_id, own_card_ids=own)

    return await run_mutation(
        info, work, lambda r: ReadingRoomRenewPayload(loan=ReadingRoomLoan.from_row(r)),
        audit=lambda r: Audit("reading_rooms.loan.renew", "ReadingRoomLoan", r["id"]))


# -- holds ----------------------------------------------------------------------------------


@strawberry.type
class ReadingRoomPlaceHoldPayload:
    hold: ReadingRoomHold


ReadingRoomPlaceHoldResult = Annotated[ReadingRoomPlaceHoldPayload | UserError,
                                       strawberry.union("ReadingRoomPlaceHoldResult")]


@strawberry.input(description="预约 / place a hold on a title")
class ReadingRoomPlaceHoldInput:
    title_id: strawberry.ID
    pickup_room_id: strawberry.ID
    card_number: str | None = None


@strawberry.mutation(description="预约（读者本人、馆员或自助机）/ place a hold")
async def reading_room_place_hold(info: Info, input: ReadingRoomPlaceHoldInput
                                  ) -> ReadingRoomPlaceHoldResult:
    title_id = required_pk(input.title_id, "ReadingRoomTitle", "titleId")
    pickup = required_pk(input.pickup_room_id, "ReadingRoomRoom", "pickupRoomId")

    async def work(access: Access) -> dict[str, Any]:
        title = (await catalogue.titles_by_ids([title_id])).get(title_id)
        if title is None:
            raise ApiError.not_found("书目", "title", "titleId")
        net = await get_network(int(title["network_id"]))
        async with as_county(access, net):
            card = await _my_card(access, net, input.card_number)
            return await holds.place_hold(net, card, title_id, pickup)

    return await run_mutation(
        info, work, lambda r: ReadingRoomPlaceHoldPayload(hold=ReadingRoomHold.from_row(r)),
        audit=lambda r: Audit("reading_rooms.hold.place", "ReadingRoomHold", r["id"]))


@strawberry.type
class ReadingRoomCancelHoldPayload:
    hold: ReadingRoomHold


ReadingRoomCancelHoldResult = Annotated[ReadingRoomCancelHoldPayload | UserError,
                                        strawberry.union("ReadingRoomCancelHoldResult")]


@strawberry.input(description="取消预约 / cancel a hold")
class ReadingRoomCancelHoldInput:
    hold_id: strawberry.ID
    network_id: strawberry.ID | None = None


@strawberry.mutation(description="取消预约 / cancel a hold")
async def reading_room_cancel_hold(info: Info, input: ReadingRoomCancelHoldInput
                                   ) -> ReadingRoomCancelHoldResult:
    hold_id = required_pk(input.hold_id, "ReadingRoomHold", "holdId")

    async def work(access: Access) -> dict[str, Any]:
        net = await _network(access, input.network_id)
        async with as_county(access, net):
            staff = access.node_id == net.county.id and access.has("reading_rooms.circulate")
            own = None if staff else [int(c["id"]) for c in await cards.my_cards(
                access.principal.account_id or -1)]
            return await holds.cancel_hold(hold_id, own)

    return await run_mutation(
        info, work, lambda r: ReadingRoomCancelHoldPayload(hold=ReadingRoomHold.from_row(r)),
        audit=lambda r: Audit("reading_rooms.hold.cancel", "ReadingRoomHold", r["id"]))


# -- transfers ------------------------------------------------------------------------------


@strawberry.type
class ReadingRoomCreateTransferPayload:
    transfer: ReadingRoomTransfer


ReadingRoomCreateTransferResult = Annotated[ReadingRoomCreateTransferPayload | UserError,
                                            strawberry.union("ReadingRoomCreateTransferResult")]


@strawberry.input(description="统筹配送 / send copies from one room to another")
class ReadingRoomCreateTransferInput:
    from_room_id: strawberry.ID
    to_room_id: strawberry.ID
    barcodes: list[str]
    note: str = ""
    network_id: strawberry.ID | None = None


@strawberry.mutation(description="发起配送 / create a transfer batch")
async def reading_room_create_transfer(info: Info, input: ReadingRoomCreateTransferInput
                                       ) -> ReadingRoomCreateTransferResult:
    origin = required_pk(input.from_room_id, "ReadingRoomRoom", "fromRoomId")
    target = required_pk(input.to_room_id, "ReadingRoomRoom", "toRoomId")

    async def work(access: Access) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        net = await _network(access, input.network_id)
        batch = await transfers.create_transfer(access, net, origin, target, input.barcodes,
                                                input.note)
        items = (await transfers.transfer_items([int(batch["id"])]))[int(batch["id"])]
        return batch, items

    return await run_mutation(
        info, work,
        lambda r: ReadingRoomCreateTransferPayload(
            transfer=ReadingRoomTransfer.from_row(r[0], r[1])),
        audit=lambda r: Audit("reading_rooms.transfer.create", "ReadingRoomTransfer",
                              r[0]["id"], {"copies": len(r[1])}))


# -- seats and activities -------------------------------------------------------------------


@strawberry.type
class ReadingRoomBookSeatPayload:
    booking: ReadingRoomSeatBooking


ReadingRoomBookSeatResult = Annotated[ReadingRoomBookSeatPayload | UserError,
                                      strawberry.union("ReadingRoomBookSeatResult")]


@strawberry.input(description="预约自习座位 / book a quiet-study seat for a slot")
class ReadingRoomBookSeatInput:
    seat_id: strawberry.ID
    booked_on: date
    slot: int
    card_number: str | None = None
    network_id: strawberry.ID | None = None


@strawberry.mutation(description="预约自习座位 / book a seat")
async def reading_room_book_seat(info: Info, input: ReadingRoomBookSeatInput
                                 ) -> ReadingRoomBookSeatResult:
    seat_id = required_pk(input.seat_id, "ReadingRoomSeat", "seatId")

    async def work(access: Access) -> dict[str, Any]:
        net = await _network(access, input.network_id)
        async with as_county(access, net):
            card = await _my_card(access, net, input.card_number)
            return await seats.book_seat(net, card, seat_id, input.booked_on, input.slot)

    def wrap(r: dict[str, Any]) -> ReadingRoomBookSeatPayload:
        from plugins.reading_rooms.schema.common import gid

        return ReadingRoomBookSeatPayload(booking=ReadingRoomSeatBooking(
            id=gid("ReadingRoomSeatBooking", r["id"]), seat_id=gid("ReadingRoomSeat",
                                                                   r["seat_id"]),
            booked_on=r["day"], slot=int(r["slot"])))

    return await run_mutation(
        info, work, wrap,
        audit=lambda r: Audit("reading_rooms.seat.book", "ReadingRoomSeatBooking", r["id"]))


@strawberry.type
class ReadingRoomCreateActivityPayload:
    activity: ReadingRoomActivity


ReadingRoomCreateActivityResult = Annotated[ReadingRoomCreateActivityPayload | UserError,
                                            strawberry.union("ReadingRoomCreateActivityResult")]


@strawberry.input(description="发布活动 / announce an activity")
class ReadingRoomCreateActivityInput:
    room_id: strawberry.ID
    title: str
    starts_at: datetime
    capacity: int
    kind: str = "salon"
    network_id: strawberry.ID | None = None


@strawberry.mutation(description="发布活动 / announce an activity")
async def reading_room_create_activity(info: Info, input: ReadingRoomCreateActivityInput
                                       ) -> ReadingRoomCreateActivityResult:
    room_id = required_pk(input.room_id, "ReadingRoomRoom", "roomId")

    async def work(access: Access) -> dict[str, Any]:
        net = await _network(access, input.network_id)
        return await seats.create_activity(access, net, room_id, input.title, input.kind,
                                           input.starts_at, input.capacity)

    return await run_mutation(
        info, work,
        lambda r: ReadingRoomCreateActivityPayload(activity=ReadingRoomActivity.from_row(r)),
        audit=lambda r: Audit("reading_rooms.activity.create", "ReadingRoomActivity", r["id"]))


@strawberry.type
class ReadingRoomSignUpPayload:
    activity: ReadingRoomActivity


ReadingRoomSignUpResult = Annotated[ReadingRoomSignUpPayload | UserError,
                                    strawberry.union("ReadingRoomSignUpResult")]


@strawberry.input(description="活动报名 / sign up for an activity")
class ReadingRoomSignUpInput:
    activity_id: strawberry.ID
    card_number: str | None = None
    network_id: strawberry.ID | None = None


@strawberry.mutation(description="活动报名 / sign up")
async def reading_room_sign_up(info: Info, input: ReadingRoomSignUpInput
                               ) -> ReadingRoomSignUpResult:
    activity_id = required_pk(input.activity_id, "ReadingRoomActivity", "activityId")

    async def work(access: Access) -> dict[str, Any]:
        net = await _network(access, input.network_id)
        async with as_county(access, net):
            card = await _my_card(access, net, input.card_number)
            return await seats.sign_up(net, card, activity_id)

    return await run_mutation(
        info, work,
        lambda r: ReadingRoomSignUpPayload(activity=ReadingRoomActivity.from_row(r)),
        audit=lambda r: Audit("reading_rooms.activity.signup", "ReadingRoomActivity", r["id"]))


@strawberry.type
class ReadingRoomAddSeatsPayload:
    room: ReadingRoomRoom


ReadingRoomAddSeatsResult = Annotated[ReadingRoomAddSeatsPayload | UserError,
                                      strawberry.union("ReadingRoomAddSeatsResult")]


@strawberry.input(description="新增自习座位 / add quiet-study seats to a room")
class ReadingRoomAddSeatsInput:
    room_id: strawberry.ID
    labels: list[str] = strawberry.field(metadata={LIST_BOUND: 100})


@strawberry.mutation(description="新增自习座位 / add quiet-study seats")
async def reading_room_add_seats(info: Info, input: ReadingRoomAddSeatsInput
                                 ) -> ReadingRoomAddSeatsResult:
    room_id = required_pk(input.room_id, "ReadingRoomRoom", "roomId")

    async def work(access: Access) -> dict[str, Any]:
        if not 1 <= len(input.labels) <= 100:
            raise ApiError.invalid("labels", "一次新增1–100个座位", "add 1–100 seats at once")
        net = await _network(access, None)
        room = await get_room(room_id, net)
        await network.add_seats(access, room_id, input.labels)
        return room

    return await run_mutation(
        info, work, lambda r: ReadingRoomAddSeatsPayload(room=ReadingRoomRoom.from_row(r)),
        audit=lambda r: Audit("reading_rooms.seat.add", "ReadingRoomRoom", r["id"]))


@strawberry.type
class ReadingRoomRecordVisitsPayload:
    visit: ReadingRoomVisitDay


ReadingRoomRecordVisitsResult = Annotated[ReadingRoomRecordVisitsPayload | UserError,
                                          strawberry.union("ReadingRoomRecordVisitsResult")]


@strawberry.input(description="登记到馆人次（门禁计数器或服务台）/ record entries counted at a "
                              "room's door (a gate counter or the desk)")
class ReadingRoomRecordVisitsInput:
    room_id: strawberry.ID
    entries: int
    visited_on: date | None = None


@strawberry.mutation(description="登记到馆人次 / record visits")
async def reading_room_record_visits(info: Info, input: ReadingRoomRecordVisitsInput
                                     ) -> ReadingRoomRecordVisitsResult:
    room_id = required_pk(input.room_id, "ReadingRoomRoom", "roomId")

    async def work(access: Access) -> dict[str, Any]:
        return await seats.record_visits(access, room_id, input.entries, input.visited_on)

    def wrap(r: dict[str, Any]) -> ReadingRoomRecordVisitsPayload:
        from plugins.reading_rooms.schema.common import gid

        return ReadingRoomRecordVisitsPayload(visit=ReadingRoomVisitDay(
            room_id=gid("ReadingRoomRoom", r["room_id"]), visited_on=r["day"],
            entries=int(r["entries"])))

    return await run_mutation(
        info, work, wrap,
        audit=lambda r: Audit("reading_rooms.visits.record", "ReadingRoomRoom", r["room_id"]))


MUTATIONS = [
    reading_room_create_network, reading_room_add_room, reading_room_link_librarian,
    reading_room_add_title, reading_room_add_copies, reading_room_import_catalogue,
    reading_room_register_card, reading_room_set_card_status, reading_room_reveal_card,
    reading_room_checkout, reading_room_checkin, reading_room_renew, reading_room_place_hold,
    reading_room_cancel_hold, reading_room_create_transfer, reading_room_book_seat,
    reading_room_create_activity, reading_room_sign_up, reading_room_add_seats,
    reading_room_record_visits,
]
