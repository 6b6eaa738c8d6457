"""Mutation fields of the plugin: one ``input`` each, a union of the payload and ``UserError``,
run through ``run_mutation`` (one write transaction, audited); services decide."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date
from enum import Enum
from typing import Annotated, Any

import strawberry

from core.plugin import Access, ApiError, Audit, Info, UserError, run_mutation
from plugins.canteen.schema.common import pk, required_pk
from plugins.canteen.schema.types import (
    CanteenBatchReport,
    CanteenCanteen,
    CanteenElder,
    CanteenKind,
    CanteenMeal,
    CanteenSettlement,
    CanteenSlot,
    CanteenStatus,
)
from plugins.canteen.services import batch, canteens, elders, meals, settlement
from plugins.canteen.services.batch import BatchReport
from plugins.canteen.services.common import require
from plugins.canteen.services.meals import Recorded

__all__ = ["MUTATIONS"]


@strawberry.type
class CanteenCreatePayload:
    canteen: CanteenCanteen


@strawberry.type
class CanteenChangeStatusPayload:
    canteen: CanteenCanteen


@strawberry.type
class CanteenLinkOperatorPayload:
    canteen: CanteenCanteen


CanteenCreateResult = Annotated[CanteenCreatePayload | UserError,
                                strawberry.union("CanteenCreateResult")]
CanteenChangeStatusResult = Annotated[CanteenChangeStatusPayload | UserError,
                                      strawberry.union("CanteenChangeStatusResult")]
CanteenLinkOperatorResult = Annotated[CanteenLinkOperatorPayload | UserError,
                                      strawberry.union("CanteenLinkOperatorResult")]


@strawberry.input(description="登记幸福食堂 / register a canteen")
class CanteenCreateInput:
    name: str
    kind: CanteenKind
    elderly_centre: bool = False
    operator_name: str = ""
    address: str = ""
    slots: list[CanteenSlot] = strawberry.field(default_factory=lambda: [CanteenSlot.LUNCH])
    seats: int = 0
    construction_subsidy_fen: int = 0
    construction_subsidy_on: date | None = None


@strawberry.mutation(description="登记幸福食堂（状态：规划中）/ register a canteen (planned)")
async def canteen_create(info: Info, input: CanteenCreateInput) -> CanteenCreateResult:
    async def work(access: Access) -> dict[str, Any]:
        return await canteens.create_canteen(
            access, name=input.name, kind=input.kind.value, elderly_centre=input.elderly_centre,
            operator_name=input.operator_name, address=input.address,
            slots=[s.value for s in input.slots], seats=input.seats,
            construction_subsidy_fen=input.construction_subsidy_fen,
            construction_subsidy_on=input.construction_subsidy_on)

    return await run_mutation(info, work, lambda r: CanteenCreatePayload(
        canteen=CanteenCanteen.from_row(r)),
        audit=lambda r: Audit("canteen.create", "CanteenCanteen", r["id"]))


@strawberry.input(description="变更食堂状态 / move a canteen to its next status")
class CanteenChangeStatusInput:
    canteen_id: strawberry.ID
    status: CanteenStatus
    changed_on: date | None = strawberry.field(default=None, description="默认今天 / today")
    expected_ready_on: date | None = strawberry.field(
        default=None, description="预计达到运营条件日期（改为装修中时必填）/ expected ready date "
                                  "(required when moving to fitting out)")
    note: str = ""


@strawberry.mutation(description="变更食堂状态（签约、装修、达到运营条件、运营、暂停、关闭）/ "
                                 "change a canteen's status")
async def canteen_change_status(info: Info, input: CanteenChangeStatusInput
                                ) -> CanteenChangeStatusResult:
    async def work(access: Access) -> dict[str, Any]:
        return await canteens.change_status(
            access, required_pk(input.canteen_id, "CanteenCanteen", "canteenId"),
            input.status.value, input.changed_on, note=input.note,
            expected_ready_on=input.expected_ready_on)

    return await run_mutation(info, work, lambda r: CanteenChangeStatusPayload(
        canteen=CanteenCanteen.from_row(r)), audit=lambda r: Audit(
        "canteen.status", "CanteenCanteen", r["id"], {"status": r["status"]}))


@strawberry.input(description="把运营方账号关联到食堂 / link an operator account to a canteen")
class CanteenLinkOperatorInput:
    canteen_id: strawberry.ID
    account_id: strawberry.ID


@strawberry.mutation(description="关联食堂运营方 / link an operator to a canteen")
async def canteen_link_operator(info: Info, input: CanteenLinkOperatorInput
                                ) -> CanteenLinkOperatorResult:
    async def work(access: Access) -> dict[str, Any]:
        canteen = required_pk(input.canteen_id, "CanteenCanteen", "canteenId")
        account = required_pk(input.account_id, "Account", "accountId")
        await canteens.link_operator(access, canteen, account)
        found = await canteens.get_canteen(canteen)
        assert found is not None
        return found

    return await run_mutation(info, work, lambda r: CanteenLinkOperatorPayload(
        canteen=CanteenCanteen.from_row(r)), audit=lambda r: Audit(
        "canteen.operator.link", "CanteenCanteen", r["id"]))


@strawberry.type
class CanteenRegisterElderPayload:
    elder: CanteenElder


CanteenRegisterElderResult = Annotated[CanteenRegisterElderPayload | UserError,
                                       strawberry.union("CanteenRegisterElderResult")]


@strawberry.input(description="登记老人（全市通用）/ register a resident in the city registry")
class CanteenRegisterElderInput:
    resident_id: strawberry.ID
    card_token: str | None = None


@strawberry.mutation(description="登记老人到全市名册（一次录入、全市通用）/ register an elder "
                                 "once for every canteen of the city")
async def canteen_register_elder(info: Info, input: CanteenRegisterElderInput
                                 ) -> CanteenRegisterElderResult:
    async def work(access: Access) -> dict[str, Any]:
        return await elders.register_elder(
            access, required_pk(input.resident_id, "Resident", "residentId"), input.card_token)

    return await run_mutation(info, work, lambda r: CanteenRegisterElderPayload(
        elder=CanteenElder.from_row(r)), audit=lambda r: Audit(
        "canteen.elder.register", "CanteenElder", r["id"]))


@strawberry.type
class CanteenFindElderByIdNumberPayload:
    elder: CanteenElder


CanteenFindElderByIdNumberResult = Annotated[
    CanteenFindElderByIdNumberPayload | UserError,
    strawberry.union("CanteenFindElderByIdNumberResult")]


@strawberry.input(description="凭身份证号识别老人 / identify an elder by ID number")
class CanteenFindElderByIdNumberInput:
    id_number: str


@strawberry.mutation(description="柜台凭身份证号识别老人（全市名册，经盲索引查找，不解密；每次查询"
                                 "留痕）/ identify an elder at the counter by ID number (the city "
                                 "registry, through the blind index, nobody decrypted; audited)")
async def canteen_find_elder_by_id_number(info: Info, input: CanteenFindElderByIdNumberInput
                                          ) -> CanteenFindElderByIdNumberResult:
    async def work(access: Access) -> dict[str, Any]:
        if not (access.has("canteen.serve") or access.has("canteen.elders")):
            raise ApiError.forbidden("没有权限", "permission denied")
        return await elders.find_elder(id_number=input.id_number)

    return await run_mutation(info, work, lambda r: CanteenFindElderByIdNumberPayload(
        elder=CanteenElder.from_row(r)))


@strawberry.type
class CanteenRecordMealPayload:
    meal: CanteenMeal
    created: bool = strawberry.field(description="false：同一餐已登记过 / already recorded")


CanteenRecordMealResult = Annotated[CanteenRecordMealPayload | UserError,
                                    strawberry.union("CanteenRecordMealResult")]


@strawberry.input(description="登记就餐 / record a meal at the counter")
class CanteenRecordMealInput:
    canteen_id: strawberry.ID
    slot: CanteenSlot
    price_fen: int
    card_token: str | None = None
    id_number: str | None = strawberry.field(
        default=None, description="身份证号（经盲索引查找，不解密，查询留痕）/ the ID number "
                                  "(found through the blind index, never decrypted; audited)")
    elder_id: strawberry.ID | None = None
    served_on: date | None = strawberry.field(default=None, description="默认今天 / today")


@strawberry.mutation(description="登记就餐（按就餐日规则计算补贴，全市每日限补一餐）/ record a "
                                 "meal (subsidy by the rules of the meal date, once a day city-wide)")
async def canteen_record_meal(info: Info, input: CanteenRecordMealInput
                              ) -> CanteenRecordMealResult:
    async def work(access: Access) -> Recorded:
        return await meals.record_meal(
            access, required_pk(input.canteen_id, "CanteenCanteen", "canteenId"),
            served_on=input.served_on, slot=input.slot.value, price_fen=input.price_fen,
            card_token=input.card_token, id_number=input.id_number,
            elder_id=pk(input.elder_id, "CanteenElder", "elderId"))

    return await run_mutation(
        info, work, lambda r: CanteenRecordMealPayload(meal=CanteenMeal.from_row(r.meal),
                                                       created=r.created),
        audit=lambda r: Audit("canteen.meal.record", "CanteenMeal", r.meal["id"],
                              {"subsidy_fen": r.meal["subsidy_fen"]}))


@strawberry.type
class CanteenUploadMealsPayload:
    report: CanteenBatchReport


CanteenUploadMealsResult = Annotated[CanteenUploadMealsPayload | UserError,
                                     strawberry.union("CanteenUploadMealsResult")]


@strawberry.enum(description="批量来源 / where a batch comes from")
class CanteenBatchSource(Enum):
    BATCH = "batch"
    IMPORT = "import"


@strawberry.input(description="批量上传一天的就餐（CSV/XLSX，base64）/ upload meals in a batch")
class CanteenUploadMealsInput:
    canteen_id: strawberry.ID
    filename: str = strawberry.field(description="以 .csv 或 .xlsx 结尾 / ends in .csv or .xlsx")
    content_base64: str
    source: CanteenBatchSource = CanteenBatchSource.BATCH


@strawberry.mutation(description="批量上传或从市幸福食堂系统导入就餐（幂等，逐行报告拒绝原因）/ "
                                 "upload or import meals (idempotent, per-row rejections)")
async def canteen_upload_meals(info: Info, input: CanteenUploadMealsInput
                               ) -> CanteenUploadMealsResult:
    async def work(access: Access) -> BatchReport:
        try:
            data = base64.b64decode(input.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiError.invalid("contentBase64", "文件内容须为 base64",
                                   "the content must be base64") from exc
        return await batch.upload_meals(
            access, required_pk(input.canteen_id, "CanteenCanteen", "canteenId"), data,
            input.filename, source=input.source.value)

    return await run_mutation(
        info, work, lambda r: CanteenUploadMealsPayload(report=CanteenBatchReport.of(r)),
        audit=lambda r: Audit("canteen.meal.batch", "CanteenCanteen", input.canteen_id,
                              {"recorded": r.recorded, "rejected": len(r.rejected)}))


@strawberry.type
class CanteenReviewSettlementPayload:
    settlement: CanteenSettlement


@strawberry.type
class CanteenMarkPaidPayload:
    settlement: CanteenSettlement


CanteenReviewSettlementResult = Annotated[CanteenReviewSettlementPayload | UserError,
                                          strawberry.union("CanteenReviewSettlementResult")]
CanteenMarkPaidResult = Annotated[CanteenMarkPaidPayload | UserError,
                                  strawberry.union("CanteenMarkPaidResult")]


@strawberry.type
class CanteenGenerateSettlementsPayload:
    written: int


CanteenGenerateSettlementsResult = Annotated[
    CanteenGenerateSettlementsPayload | UserError,
    strawberry.union("CanteenGenerateSettlementsResult")]


@strawberry.input(description="生成月度结算单 / generate the month's claims")
class CanteenGenerateSettlementsInput:
    month: str = strawberry.field(description="YYYY-MM")


@strawberry.mutation(description="生成（或刷新未审核的）月度结算单 / generate or refresh the "
                                 "month's claims (approved ones stay as they are)")
async def canteen_generate_settlements(info: Info, input: CanteenGenerateSettlementsInput
                                       ) -> CanteenGenerateSettlementsResult:
    async def work(access: Access) -> int:
        require(access, "canteen.settle")
        if not re.match("^[0-9]{4}-(0[1-9]|1[0-2])$", input.month):
            raise ApiError.invalid("month", "月份格式须为 YYYY-MM", "the month is YYYY-MM")
        return await settlement.generate_month(access.node_id, input.month)

    return await run_mutation(info, work, lambda n: CanteenGenerateSettlementsPayload(written=n),
                              audit=lambda n: Audit("canteen.settlement.generate", "", "",
                                                    {"month": input.month, "written": n}))


@strawberry.input(description="审核结算单 / review a claim")
class CanteenReviewSettlementInput:
    settlement_id: strawberry.ID
    approve: bool
    reason: str = ""


@strawberry.mutation(description="街道审核结算单（通过后冻结，退回须说明理由）/ approve (freezes "
                                 "the month) or return a claim with reasons")
async def canteen_review_settlement(info: Info, input: CanteenReviewSettlementInput
                                    ) -> CanteenReviewSettlementResult:
    async def work(access: Access) -> dict[str, Any]:
        return await settlement.review(
            access, required_pk(input.settlement_id, "CanteenSettlement", "settlementId"),
            input.approve, input.reason)

    return await run_mutation(info, work, lambda r: CanteenReviewSettlementPayload(
        settlement=CanteenSettlement.from_row(r)), audit=lambda r: Audit(
        "canteen.settlement.review", "CanteenSettlement", r["id"], {"status": r["status"]}))


@strawberry.input(description="标记结算单已拨付 / mark a claim paid")
class CanteenMarkPaidInput:
    settlement_id: strawberry.ID
    paid_on: date | None = None


@strawberry.mutation(description="区县财政标记已拨付 / the district or county marks a claim paid")
async def canteen_mark_paid(info: Info, input: CanteenMarkPaidInput) -> CanteenMarkPaidResult:
    async def work(access: Access) -> dict[str, Any]:
        return await settlement.mark_paid(
            access, required_pk(input.settlement_id, "CanteenSettlement", "settlementId"),
            input.paid_on)

    return await run_mutation(info, work, lambda r: CanteenMarkPaidPayload(
        settlement=CanteenSettlement.from_row(r)), audit=lambda r: Audit(
        "canteen.settlement.pay", "CanteenSettlement", r["id"]))


@strawberry.input(description="菜单中的一道菜 / a dish")
class CanteenMenuDishInput:
    weekday: int
    slot: CanteenSlot
    dish: str
    price_fen: int = 0
    nutrition_tags: list[str] = strawberry.field(default_factory=list)


@strawberry.input(description="设置一周菜单 / set a canteen's weekly menu")
class CanteenSetMenuInput:
    canteen_id: strawberry.ID
    week_starts_on: date = strawberry.field(description="周一 / the Monday")
    dishes: list[CanteenMenuDishInput]


@strawberry.type
class CanteenSetMenuPayload:
    dishes: int


CanteenSetMenuResult = Annotated[CanteenSetMenuPayload | UserError,
                                 strawberry.union("CanteenSetMenuResult")]


@strawberry.mutation(description="设置食堂一周菜单 / set the weekly menu")
async def canteen_set_menu(info: Info, input: CanteenSetMenuInput) -> CanteenSetMenuResult:
    async def work(access: Access) -> int:
        return await canteens.set_menu(
            access, required_pk(input.canteen_id, "CanteenCanteen", "canteenId"),
            input.week_starts_on, [(d.weekday, d.slot.value, d.dish, d.price_fen,
                                ",".join(d.nutrition_tags)) for d in input.dishes])

    return await run_mutation(info, work, lambda n: CanteenSetMenuPayload(dishes=n),
                              audit=lambda n: Audit("canteen.menu.set", "CanteenCanteen",
                                                    input.canteen_id, {"dishes": n}))


MUTATIONS: list[Any] = [
    canteen_create, canteen_change_status, canteen_link_operator, canteen_register_elder,
    canteen_find_elder_by_id_number, canteen_record_meal, canteen_upload_meals, canteen_generate_settlements,
    canteen_review_settlement, canteen_mark_paid, canteen_set_menu,
]
"""Mutation fields in schema order (``linli_mutation_fields``)."""
