"""Mutation fields of the plugin: one ``input`` each, a union of the payload and ``UserError``,
run through ``run_mutation`` (one write transaction; services check and refuse)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from core.plugin import Access, Info, UserError, run_mutation
from plugins.mutual_aid.schema.common import pk
from plugins.mutual_aid.schema.types import (
    MutualAidBox,
    MutualAidCount,
    MutualAidDish,
    MutualAidDonation,
    MutualAidItem,
    MutualAidLoan,
    MutualAidNote,
    MutualAidOrder,
    MutualAidProject,
    MutualAidSession,
)
from plugins.mutual_aid.services import boxes, menu, notes, projects, sessions

__all__ = ["MUTATIONS"]


def _pk(value: strawberry.ID | None, type_name: str, field: str) -> int:
    ident = pk(value, type_name, field)
    assert ident is not None
    return ident


# -- payloads ---------------------------------------------------------------------------

@strawberry.type
class MutualAidCreateBoxPayload:
    box: MutualAidBox


MutualAidCreateBoxResult = Annotated[MutualAidCreateBoxPayload | UserError,
    strawberry.union("MutualAidCreateBoxResult")]


@strawberry.type
class MutualAidAddItemPayload:
    item: MutualAidItem


MutualAidAddItemResult = Annotated[MutualAidAddItemPayload | UserError,
    strawberry.union("MutualAidAddItemResult")]


@strawberry.type
class MutualAidTakePayload:
    item: MutualAidItem
    loan: MutualAidLoan | None


MutualAidTakeResult = Annotated[MutualAidTakePayload | UserError,
    strawberry.union("MutualAidTakeResult")]


@strawberry.type
class MutualAidReturnPayload:
    loan: MutualAidLoan


MutualAidReturnResult = Annotated[MutualAidReturnPayload | UserError,
    strawberry.union("MutualAidReturnResult")]


@strawberry.type
class MutualAidOfferDonationPayload:
    donation: MutualAidDonation


MutualAidOfferDonationResult = Annotated[MutualAidOfferDonationPayload | UserError,
    strawberry.union("MutualAidOfferDonationResult")]


@strawberry.type
class MutualAidConfirmDonationPayload:
    donation: MutualAidDonation


MutualAidConfirmDonationResult = Annotated[MutualAidConfirmDonationPayload | UserError,
    strawberry.union("MutualAidConfirmDonationResult")]


@strawberry.type
class MutualAidCountItemPayload:
    count: MutualAidCount


MutualAidCountItemResult = Annotated[MutualAidCountItemPayload | UserError,
    strawberry.union("MutualAidCountItemResult")]


@strawberry.type
class MutualAidCreateDishPayload:
    dish: MutualAidDish


MutualAidCreateDishResult = Annotated[MutualAidCreateDishPayload | UserError,
    strawberry.union("MutualAidCreateDishResult")]


@strawberry.type
class MutualAidCreateSessionPayload:
    session: MutualAidSession


MutualAidCreateSessionResult = Annotated[MutualAidCreateSessionPayload | UserError,
    strawberry.union("MutualAidCreateSessionResult")]


@strawberry.type
class MutualAidSignUpPayload:
    session: MutualAidSession


MutualAidSignUpResult = Annotated[MutualAidSignUpPayload | UserError,
    strawberry.union("MutualAidSignUpResult")]


@strawberry.type
class MutualAidPlaceOrderPayload:
    order: MutualAidOrder


MutualAidPlaceOrderResult = Annotated[MutualAidPlaceOrderPayload | UserError,
    strawberry.union("MutualAidPlaceOrderResult")]


@strawberry.type
class MutualAidAcceptOrderPayload:
    order: MutualAidOrder


MutualAidAcceptOrderResult = Annotated[MutualAidAcceptOrderPayload | UserError,
    strawberry.union("MutualAidAcceptOrderResult")]


@strawberry.type
class MutualAidScheduleOrderPayload:
    order: MutualAidOrder


MutualAidScheduleOrderResult = Annotated[MutualAidScheduleOrderPayload | UserError,
    strawberry.union("MutualAidScheduleOrderResult")]


@strawberry.type
class MutualAidFinishOrderPayload:
    order: MutualAidOrder


MutualAidFinishOrderResult = Annotated[MutualAidFinishOrderPayload | UserError,
    strawberry.union("MutualAidFinishOrderResult")]


@strawberry.type
class MutualAidConfirmOrderPayload:
    order: MutualAidOrder


MutualAidConfirmOrderResult = Annotated[MutualAidConfirmOrderPayload | UserError,
    strawberry.union("MutualAidConfirmOrderResult")]


@strawberry.type
class MutualAidPlusOnePayload:
    order: MutualAidOrder


MutualAidPlusOneResult = Annotated[MutualAidPlusOnePayload | UserError,
    strawberry.union("MutualAidPlusOneResult")]


@strawberry.type
class MutualAidNeedToMatterPayload:
    order: MutualAidOrder


MutualAidNeedToMatterResult = Annotated[MutualAidNeedToMatterPayload | UserError,
    strawberry.union("MutualAidNeedToMatterResult")]


@strawberry.type
class MutualAidPostNotePayload:
    note: MutualAidNote


MutualAidPostNoteResult = Annotated[MutualAidPostNotePayload | UserError,
    strawberry.union("MutualAidPostNoteResult")]


@strawberry.type
class MutualAidModerateNotePayload:
    note: MutualAidNote


MutualAidModerateNoteResult = Annotated[MutualAidModerateNotePayload | UserError,
    strawberry.union("MutualAidModerateNoteResult")]


@strawberry.type
class MutualAidAnswerNotePayload:
    note: MutualAidNote


MutualAidAnswerNoteResult = Annotated[MutualAidAnswerNotePayload | UserError,
    strawberry.union("MutualAidAnswerNoteResult")]


@strawberry.type
class MutualAidNoteToMatterPayload:
    note: MutualAidNote


MutualAidNoteToMatterResult = Annotated[MutualAidNoteToMatterPayload | UserError,
    strawberry.union("MutualAidNoteToMatterResult")]


# -- boxes ------------------------------------------------------------------------------

@strawberry.input(description="设立便民箱 / set up a box at a building entrance")
class MutualAidCreateBoxInput:
    building_id: strawberry.ID
    name: str
    place_note: str = ""
    keeper_account_id: strawberry.ID | None = None
    honour_mode: bool = True


@strawberry.mutation(description="设立便民箱 / set up a box")
async def mutual_aid_create_box(info: Info, input: MutualAidCreateBoxInput) -> MutualAidCreateBoxResult:
    async def work(access: Access) -> dict[str, Any]:
        return await boxes.create_box(
            access, building_id=_pk(input.building_id, "Building", "buildingId"),
            name=input.name, place_note=input.place_note, honour_mode=input.honour_mode,
            keeper_account_id=pk(input.keeper_account_id, "Account", "keeperAccountId"))

    return await run_mutation(info, work, lambda r: MutualAidCreateBoxPayload(box=MutualAidBox.from_row(r)))


@strawberry.input(description="添加物品 / add an item line")
class MutualAidAddItemInput:
    box_id: strawberry.ID
    name: str
    kind: str = strawberry.field(description="tool | consumable")
    quantity: int
    category: str = ""
    loanable: bool | None = strawberry.field(default=None, description="默认：工具可借 / "
                                                                       "default: tools lend")
    restock_threshold: int = 0
    condition: str = "good"


@strawberry.mutation(description="添加物品 / add an item line to a box")
async def mutual_aid_add_item(info: Info, input: MutualAidAddItemInput) -> MutualAidAddItemResult:
    async def work(access: Access) -> dict[str, Any]:
        return await boxes.add_item(
            access, box_id=_pk(input.box_id, "MutualAidBox", "boxId"), name=input.name,
            kind=input.kind, quantity=input.quantity, category=input.category,
            loanable=input.loanable, restock_threshold=input.restock_threshold,
            condition=input.condition)

    return await run_mutation(info, work, lambda r: MutualAidAddItemPayload(item=MutualAidItem.from_row(r)))


@strawberry.input(description="取用 / take from a box (a loan for returnable tools)")
class MutualAidTakeInput:
    item_id: strawberry.ID
    quantity: int = 1
    resident_id: strawberry.ID | None = strawberry.field(
        default=None, description="代居民登记时填写 / when staff record for a resident")


@strawberry.mutation(description="取用物品 / take an item")
async def mutual_aid_take(info: Info, input: MutualAidTakeInput) -> MutualAidTakeResult:
    async def work(access: Access) -> dict[str, Any]:
        return await boxes.take(access, item_id=_pk(input.item_id, "MutualAidItem", "itemId"),
                                quantity=input.quantity,
                                resident_id=pk(input.resident_id, "Resident", "residentId"))

    return await run_mutation(info, work, lambda r: MutualAidTakePayload(
        item=MutualAidItem.from_row(r["item"]),
        loan=MutualAidLoan.from_row(r["loan"]) if r["loan"] else None))


@strawberry.input(description="归还 / return a loan")
class MutualAidReturnInput:
    loan_id: strawberry.ID
    condition: str = "good"


@strawberry.mutation(description="归还借用物品 / return a loan")
async def mutual_aid_return(info: Info, input: MutualAidReturnInput) -> MutualAidReturnResult:
    async def work(access: Access) -> dict[str, Any]:
        return await boxes.return_loan(access, loan_id=_pk(input.loan_id, "MutualAidLoan",
                                                           "loanId"),
                                       condition=input.condition)

    return await run_mutation(info, work,
                              lambda r: MutualAidReturnPayload(loan=MutualAidLoan.from_row(r)))


@strawberry.input(description="捐赠物品 / offer a donation")
class MutualAidOfferDonationInput:
    box_id: strawberry.ID
    name: str
    quantity: int
    kind: str = "consumable"
    item_id: strawberry.ID | None = None
    resident_id: strawberry.ID | None = None


@strawberry.mutation(description="捐赠（管理员确认后入库）/ offer a donation (stock after the "
                                 "keeper confirms)")
async def mutual_aid_offer_donation(info: Info, input: MutualAidOfferDonationInput
                                    ) -> MutualAidOfferDonationResult:
    async def work(access: Access) -> dict[str, Any]:
        return await boxes.offer_donation(
            access, box_id=_pk(input.box_id, "MutualAidBox", "boxId"), name=input.name,
            quantity=input.quantity, kind=input.kind,
            item_id=pk(input.item_id, "MutualAidItem", "itemId"),
            resident_id=pk(input.resident_id, "Resident", "residentId"))

    return await run_mutation(info, work, lambda r: MutualAidOfferDonationPayload(
        donation=MutualAidDonation.from_row(r)))


@strawberry.input(description="确认或谢绝捐赠 / confirm or decline a donation")
class MutualAidConfirmDonationInput:
    donation_id: strawberry.ID
    accept: bool = True


@strawberry.mutation(description="确认捐赠 / the keeper decides a donation")
async def mutual_aid_confirm_donation(info: Info, input: MutualAidConfirmDonationInput
                                      ) -> MutualAidConfirmDonationResult:
    async def work(access: Access) -> dict[str, Any]:
        return await boxes.confirm_donation(
            access, donation_id=_pk(input.donation_id, "MutualAidDonation", "donationId"),
            accept=input.accept)

    return await run_mutation(info, work, lambda r: MutualAidConfirmDonationPayload(
        donation=MutualAidDonation.from_row(r)))


@strawberry.input(description="盘点 / count an item line")
class MutualAidCountItemInput:
    item_id: strawberry.ID
    counted: int
    broken: int = 0
    note: str = ""


@strawberry.mutation(description="盘点物品（记录差异）/ count an item (records the discrepancy)")
async def mutual_aid_count_item(info: Info, input: MutualAidCountItemInput
                                ) -> MutualAidCountItemResult:
    async def work(access: Access) -> dict[str, Any]:
        return await boxes.count_item(access, item_id=_pk(input.item_id, "MutualAidItem",
                                                          "itemId"),
                                      counted=input.counted, broken=input.broken,
                                      note=input.note)

    return await run_mutation(info, work,
                              lambda r: MutualAidCountItemPayload(count=MutualAidCount.from_row(r)))


# -- the menu ---------------------------------------------------------------------------

@strawberry.input(description="上架菜品 / put a dish on the menu")
class MutualAidCreateDishInput:
    team_id: strawberry.ID
    title: str
    mode: str = strawberry.field(description="service | session")
    description: str = ""
    eligible_tag: str = ""
    capacity: int = 0
    recurring: bool = False
    recurrence: str = strawberry.field(default="monthly", description="monthly | weekly")
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="在该项目的科学设计阶段设计 / designed in this project")


@strawberry.mutation(description="上架菜品 / add a dish")
async def mutual_aid_create_dish(info: Info, input: MutualAidCreateDishInput
                                 ) -> MutualAidCreateDishResult:
    async def work(access: Access) -> dict[str, Any]:
        dish = await menu.create_dish(
            access, team_id=_pk(input.team_id, "MutualAidTeam", "teamId"), title=input.title,
            mode=input.mode, description=input.description, eligible_tag=input.eligible_tag,
            capacity=input.capacity, recurring=input.recurring, recurrence=input.recurrence)
        project = pk(input.project_id, "MutualAidProject", "projectId")
        if project is not None:
            await projects.link_dish(access, project_id=project, dish_id=int(dish["id"]))
            dish["project_id"] = project
        return dish

    return await run_mutation(info, work,
                              lambda r: MutualAidCreateDishPayload(dish=MutualAidDish.from_row(r)))


@strawberry.input(description="安排活动场次 / schedule a group session")
class MutualAidCreateSessionInput:
    dish_id: strawberry.ID
    starts_at: datetime
    capacity: int
    minutes: int = 60


@strawberry.mutation(description="安排场次 / schedule a session")
async def mutual_aid_create_session(info: Info, input: MutualAidCreateSessionInput
                                    ) -> MutualAidCreateSessionResult:
    async def work(access: Access) -> dict[str, Any]:
        return await menu.create_session(
            access, dish_id=_pk(input.dish_id, "MutualAidDish", "dishId"),
            starts_at=input.starts_at, capacity=input.capacity, minutes=input.minutes)

    return await run_mutation(info, work, lambda r: MutualAidCreateSessionPayload(
        session=MutualAidSession.from_row(r)))


@strawberry.input(description="报名参加活动 / sign up for a session")
class MutualAidSignUpInput:
    session_id: strawberry.ID
    resident_id: strawberry.ID | None = None


@strawberry.mutation(description="报名（不超名额）/ sign up (never above capacity)")
async def mutual_aid_sign_up(info: Info, input: MutualAidSignUpInput) -> MutualAidSignUpResult:
    async def work(access: Access) -> dict[str, Any]:
        return await menu.sign_up(access, session_id=_pk(input.session_id, "MutualAidSession",
                                                         "sessionId"),
                                  resident_id=pk(input.resident_id, "Resident", "residentId"))

    return await run_mutation(info, work, lambda r: MutualAidSignUpPayload(
        session=MutualAidSession.from_row(r)))


@strawberry.input(description="点单 / place an order (a dish, or a need for a team)")
class MutualAidPlaceOrderInput:
    dish_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    title: str = ""
    description: str = ""
    resident_id: strawberry.ID | None = None
    building_id: strawberry.ID | None = None


@strawberry.mutation(description="点单 / place an order")
async def mutual_aid_place_order(info: Info, input: MutualAidPlaceOrderInput
                                 ) -> MutualAidPlaceOrderResult:
    async def work(access: Access) -> dict[str, Any]:
        return await menu.place_order(
            access, dish_id=pk(input.dish_id, "MutualAidDish", "dishId"),
            team_id=pk(input.team_id, "MutualAidTeam", "teamId"), title=input.title,
            description=input.description,
            resident_id=pk(input.resident_id, "Resident", "residentId"),
            building_id=pk(input.building_id, "Building", "buildingId"))

    return await run_mutation(info, work, lambda r: MutualAidPlaceOrderPayload(order=MutualAidOrder.from_row(r)))


@strawberry.input(description="接单或派单 / accept, or (leader) assign")
class MutualAidAcceptOrderInput:
    order_id: strawberry.ID
    server_account_id: strawberry.ID | None = None
    server_resident_id: strawberry.ID | None = strawberry.field(
        default=None, description="提供服务的志愿者（居民）；默认为接单账号关联的居民 / the volunteer "
                                  "who serves, as a resident (default: the serving account's)")


@strawberry.mutation(description="接单 / accept or assign an order")
async def mutual_aid_accept_order(info: Info, input: MutualAidAcceptOrderInput
                                  ) -> MutualAidAcceptOrderResult:
    async def work(access: Access) -> dict[str, Any]:
        return await menu.accept_order(
            access, order_id=_pk(input.order_id, "MutualAidOrder", "orderId"),
            server_account_id=pk(input.server_account_id, "Account", "serverAccountId"),
            server_resident_id=pk(input.server_resident_id, "Resident", "serverResidentId"))

    return await run_mutation(info, work, lambda r: MutualAidAcceptOrderPayload(order=MutualAidOrder.from_row(r)))


@strawberry.input(description="约定服务时间 / schedule an order")
class MutualAidScheduleOrderInput:
    order_id: strawberry.ID
    scheduled_at: datetime


@strawberry.mutation(description="约定时间 / schedule an order")
async def mutual_aid_schedule_order(info: Info, input: MutualAidScheduleOrderInput
                                    ) -> MutualAidScheduleOrderResult:
    async def work(access: Access) -> dict[str, Any]:
        return await menu.schedule_order(
            access, order_id=_pk(input.order_id, "MutualAidOrder", "orderId"),
            scheduled_for=input.scheduled_at)

    return await run_mutation(info, work, lambda r: MutualAidScheduleOrderPayload(order=MutualAidOrder.from_row(r)))


@strawberry.input(description="服务完成 / record the service as done")
class MutualAidFinishOrderInput:
    order_id: strawberry.ID
    minutes: int
    server_resident_id: strawberry.ID | None = strawberry.field(
        default=None, description="提供服务的志愿者（居民），积分记给此人；默认为接单时的志愿者 / "
                                  "the volunteer who served (credited); default: the one who "
                                  "accepted")


@strawberry.mutation(description="服务完成（记录志愿时长）/ done (records volunteer minutes)")
async def mutual_aid_finish_order(info: Info, input: MutualAidFinishOrderInput
                                  ) -> MutualAidFinishOrderResult:
    async def work(access: Access) -> dict[str, Any]:
        return await menu.finish_order(
            access, order_id=_pk(input.order_id, "MutualAidOrder", "orderId"),
            minutes=input.minutes,
            server_resident_id=pk(input.server_resident_id, "Resident", "serverResidentId"))

    return await run_mutation(info, work, lambda r: MutualAidFinishOrderPayload(order=MutualAidOrder.from_row(r)))


@strawberry.input(description="确认并评价 / confirm and rate")
class MutualAidConfirmOrderInput:
    order_id: strawberry.ID
    rating: int
    comment: str = ""


@strawberry.mutation(description="确认评价 / confirm and rate an order")
async def mutual_aid_confirm_order(info: Info, input: MutualAidConfirmOrderInput
                                   ) -> MutualAidConfirmOrderResult:
    async def work(access: Access) -> dict[str, Any]:
        return await menu.confirm_order(
            access, order_id=_pk(input.order_id, "MutualAidOrder", "orderId"),
            rating=input.rating, comment=input.comment)

    return await run_mutation(info, work, lambda r: MutualAidConfirmOrderPayload(order=MutualAidOrder.from_row(r)))


@strawberry.input(description="附议 / +1 an open need")
class MutualAidPlusOneInput:
    order_id: strawberry.ID
    resident_id: strawberry.ID | None = None


@strawberry.mutation(description="附议（+1）/ add your voice to an open need")
async def mutual_aid_plus_one(info: Info, input: MutualAidPlusOneInput) -> MutualAidPlusOneResult:
    async def work(access: Access) -> dict[str, Any]:
        return await menu.add_plus_one(
            access, order_id=_pk(input.order_id, "MutualAidOrder", "orderId"),
            resident_id=pk(input.resident_id, "Resident", "residentId"))

    return await run_mutation(info, work, lambda r: MutualAidPlusOnePayload(order=MutualAidOrder.from_row(r)))


@strawberry.input(description="需求转议事 / hand an open need to 楼长制 deliberation")
class MutualAidNeedToMatterInput:
    order_id: strawberry.ID


@strawberry.mutation(description="需求转议事（楼长制启用时生效）/ need to matter")
async def mutual_aid_need_to_matter(info: Info, input: MutualAidNeedToMatterInput
                                    ) -> MutualAidNeedToMatterResult:
    async def work(access: Access) -> dict[str, Any]:
        return await menu.request_matter_for_need(
            access, order_id=_pk(input.order_id, "MutualAidOrder", "orderId"))

    return await run_mutation(info, work, lambda r: MutualAidNeedToMatterPayload(order=MutualAidOrder.from_row(r)))


# -- 红便签 --------------------------------------------------------------------------------

@strawberry.input(description="发红便签（匿名）/ post an anonymous note")
class MutualAidPostNoteInput:
    community_id: strawberry.ID
    text: str
    building_id: strawberry.ID | None = None
    topic: str = ""
    paper: bool = strawberry.field(default=False, description="员工转录纸质便签 / staff "
                                                              "transcribing a paper note")


@strawberry.mutation(description="发红便签（不记录作者）/ post a note (no author kept)")
async def mutual_aid_post_note(info: Info, input: MutualAidPostNoteInput) -> MutualAidPostNoteResult:
    ctx = info.context
    secret = str(ctx.state.settings.secret_key)

    async def work(access: Access) -> dict[str, Any]:
        principal = access.principal
        poster = None if input.paper else f"account:{principal.account_id}"
        return await notes.post_note(
            access, tenant_id=int(access.scope.write_node or access.node_id), secret=secret,
            poster=poster, community_id=_pk(input.community_id, "Community", "communityId"),
            text_=input.text, building_id=pk(input.building_id, "Building", "buildingId"),
            topic=input.topic, paper=input.paper)

    return await run_mutation(info, work, lambda r: MutualAidPostNotePayload(note=MutualAidNote.from_row(r)))


@strawberry.input(description="审核红便签 / moderate a note")
class MutualAidModerateNoteInput:
    note_id: strawberry.ID
    publish: bool
    reason: str = ""


@strawberry.mutation(description="公开或隐藏红便签 / publish or hide a note")
async def mutual_aid_moderate_note(info: Info, input: MutualAidModerateNoteInput
                                   ) -> MutualAidModerateNoteResult:
    async def work(access: Access) -> dict[str, Any]:
        return await notes.moderate_note(
            access, note_id=_pk(input.note_id, "MutualAidNote", "noteId"),
            publish=input.publish, reason=input.reason)

    return await run_mutation(info, work, lambda r: MutualAidModerateNotePayload(note=MutualAidNote.from_row(r)))


@strawberry.input(description="公开答复 / answer a note in public")
class MutualAidAnswerNoteInput:
    note_id: strawberry.ID
    answer: str


@strawberry.mutation(description="答复红便签 / answer a note")
async def mutual_aid_answer_note(info: Info, input: MutualAidAnswerNoteInput
                                 ) -> MutualAidAnswerNoteResult:
    async def work(access: Access) -> dict[str, Any]:
        return await notes.answer_note(
            access, note_id=_pk(input.note_id, "MutualAidNote", "noteId"), answer=input.answer)

    return await run_mutation(info, work, lambda r: MutualAidAnswerNotePayload(note=MutualAidNote.from_row(r)))


@strawberry.input(description="红便签转议事 / hand a note to 楼长制 deliberation")
class MutualAidNoteToMatterInput:
    note_id: strawberry.ID


@strawberry.mutation(description="红便签转议事（楼长制启用时生效）/ note to matter")
async def mutual_aid_note_to_matter(info: Info, input: MutualAidNoteToMatterInput
                                    ) -> MutualAidNoteToMatterResult:
    async def work(access: Access) -> dict[str, Any]:
        return await notes.request_matter_for_note(
            access, note_id=_pk(input.note_id, "MutualAidNote", "noteId"))

    return await run_mutation(info, work, lambda r: MutualAidNoteToMatterPayload(note=MutualAidNote.from_row(r)))


@strawberry.type
class MutualAidMarkAttendancePayload:
    session: MutualAidSession


MutualAidMarkAttendanceResult = Annotated[MutualAidMarkAttendancePayload | UserError,
                                          strawberry.union("MutualAidMarkAttendanceResult")]


@strawberry.input(description="活动签到 / mark a signed-up resident present or absent")
class MutualAidMarkAttendanceInput:
    session_id: strawberry.ID
    resident_id: strawberry.ID
    attended: bool = True


@strawberry.mutation(description="集体活动签到（到场人数随之更新）/ attendance at a group session")
async def mutual_aid_mark_attendance(info: Info, input: MutualAidMarkAttendanceInput
                                     ) -> MutualAidMarkAttendanceResult:
    async def work(access: Access) -> dict[str, Any]:
        return await sessions.mark_attendance(
            access, session_id=_pk(input.session_id, "MutualAidSession", "sessionId"),
            resident_id=_pk(input.resident_id, "Resident", "residentId"),
            attended=input.attended)

    return await run_mutation(info, work, lambda r: MutualAidMarkAttendancePayload(
        session=MutualAidSession.from_row(r)))


@strawberry.type
class MutualAidCreateProjectPayload:
    project: MutualAidProject


@strawberry.type
class MutualAidRecordSurveyPayload:
    project: MutualAidProject


@strawberry.type
class MutualAidAdvanceProjectPayload:
    project: MutualAidProject


MutualAidCreateProjectResult = Annotated[MutualAidCreateProjectPayload | UserError,
                                         strawberry.union("MutualAidCreateProjectResult")]
MutualAidRecordSurveyResult = Annotated[MutualAidRecordSurveyPayload | UserError,
                                        strawberry.union("MutualAidRecordSurveyResult")]
MutualAidAdvanceProjectResult = Annotated[MutualAidAdvanceProjectPayload | UserError,
                                          strawberry.union("MutualAidAdvanceProjectResult")]


@strawberry.input(description="新建红邻菜单项目（从需求调查开始）/ start a project at its survey")
class MutualAidCreateProjectInput:
    community_id: strawberry.ID
    title: str
    description: str = ""
    team_id: strawberry.ID | None = None


@strawberry.mutation(description="新建项目（4有：需求调查→科学设计→实施推进→专业提升）/ start a "
                                 "menu project through the 4有 cycle")
async def mutual_aid_create_project(info: Info, input: MutualAidCreateProjectInput
                                    ) -> MutualAidCreateProjectResult:
    async def work(access: Access) -> dict[str, Any]:
        return await projects.create_project(
            access, community_id=_pk(input.community_id, "Community", "communityId"),
            title=input.title, description=input.description,
            team_id=pk(input.team_id, "MutualAidTeam", "teamId"))

    return await run_mutation(info, work, lambda r: MutualAidCreateProjectPayload(
        project=MutualAidProject.from_row(r)))


@strawberry.input(description="一个选项的票数 / households asking for one option")
class MutualAidSurveyAnswerInput:
    option: str
    votes: int


@strawberry.input(description="登记一栋楼的需求调查结果 / record one building's survey")
class MutualAidRecordSurveyInput:
    project_id: strawberry.ID
    building_id: strawberry.ID
    answers: list[MutualAidSurveyAnswerInput]


@strawberry.mutation(description="需求调查：登记一栋楼的偏好（再次登记即替换）/ a building's "
                                 "preferences in the survey (recording again replaces them)")
async def mutual_aid_record_survey(info: Info, input: MutualAidRecordSurveyInput
                                   ) -> MutualAidRecordSurveyResult:
    async def work(access: Access) -> dict[str, Any]:
        return await projects.record_survey(
            access, project_id=_pk(input.project_id, "MutualAidProject", "projectId"),
            building_id=_pk(input.building_id, "Building", "buildingId"),
            answers=[(a.option, a.votes) for a in input.answers])

    return await run_mutation(info, work, lambda r: MutualAidRecordSurveyPayload(
        project=MutualAidProject.from_row(r)))


@strawberry.input(description="推进项目到下一阶段 / move a project to its next stage")
class MutualAidAdvanceProjectInput:
    project_id: strawberry.ID
    note: str = strawberry.field(default="", description="本阶段的结论 / what was decided")
    close: bool = strawberry.field(default=False,
                                   description="结束项目（否则专业提升后进入下一轮调查）/ end it")


@strawberry.mutation(description="推进项目：调查→设计→实施→提升→下一轮调查 / the next stage")
async def mutual_aid_advance_project(info: Info, input: MutualAidAdvanceProjectInput
                                     ) -> MutualAidAdvanceProjectResult:
    async def work(access: Access) -> dict[str, Any]:
        return await projects.advance_project(
            access, project_id=_pk(input.project_id, "MutualAidProject", "projectId"),
            note=input.note, close=input.close)

    return await run_mutation(info, work, lambda r: MutualAidAdvanceProjectPayload(
        project=MutualAidProject.from_row(r)))


MUTATIONS = [
    mutual_aid_create_box, mutual_aid_add_item, mutual_aid_take, mutual_aid_return,
    mutual_aid_offer_donation, mutual_aid_confirm_donation, mutual_aid_count_item,
    mutual_aid_create_dish, mutual_aid_create_session, mutual_aid_sign_up,
    mutual_aid_place_order, mutual_aid_accept_order, mutual_aid_schedule_order,
    mutual_aid_finish_order, mutual_aid_confirm_order, mutual_aid_plus_one,
    mutual_aid_need_to_matter, mutual_aid_post_note, mutual_aid_moderate_note,
    mutual_aid_answer_note, mutual_aid_note_to_matter, mutual_aid_mark_attendance,
    mutual_aid_create_project, mutual_aid_record_survey, mutual_aid_advance_project,
]
