"""Mutation fields of the plugin: one ``input`` each, a union of the payload and ``UserError``,
run through ``run_mutation`` (one write transaction; services decide and refuse with
``ApiError``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from core.plugin import Access, ApiError, Audit, Info, UserError, pk_of, run_mutation, user_error
from plugins.points_market.schema.types import (
    PointsMarketCardBatch,
    PointsMarketClaim,
    PointsMarketGood,
    PointsMarketItem,
    PointsMarketMeeting,
    PointsMarketObjection,
    PointsMarketRedemption,
)
from plugins.points_market.services import access as acl
from plugins.points_market.services import catalogue, claims, consent, shop

__all__ = ["MUTATIONS"]


def _pk(value: strawberry.ID, type_name: str, field: str) -> int:
    ident = pk_of(value, type_name, field)
    assert ident is not None
    return ident


# -- catalogue ---------------------------------------------------------------------------------

@strawberry.input(description="新增或修改积分事项（生成新版本）/ add or change an item (a new "
                              "version)")
class PointsMarketSaveItemInput:
    code: str
    name_zh: str
    sign: int
    points: int
    name_en: str = ""
    category: str = ""
    starts_on: date | None = strawberry.field(default=None, description="新版本生效日（默认今天）"
                                              " / the day the new version starts (today)")


@strawberry.type
class PointsMarketSaveItemPayload:
    item: PointsMarketItem


PointsMarketSaveItemResult = Annotated[PointsMarketSaveItemPayload | UserError,
                                       strawberry.union("PointsMarketSaveItemResult")]


@strawberry.mutation(description="保存积分事项 / save a catalogue item")
async def points_market_save_item(info: Info, input: PointsMarketSaveItemInput
                                  ) -> PointsMarketSaveItemResult:
    async def work(access: Access) -> dict[str, Any]:
        acl.require(access, "points_market.manage")
        return await catalogue.save_item(input.code, name_zh=input.name_zh, name_en=input.name_en,
                                         category=input.category, sign=input.sign,
                                         points=input.points,
                                         effective_from=input.starts_on)

    return await run_mutation(
        info, work, lambda r: PointsMarketSaveItemPayload(item=PointsMarketItem.from_row(r)),
        audit=lambda r: Audit("points_market.item.save", "PointsMarketItem", r["id"],
                              {"code": r["code"], "version": r["version"]}))


# -- claims ------------------------------------------------------------------------------------

@strawberry.input(description="上报积分事项 / report conduct for points")
class PointsMarketReportClaimInput:
    item_code: str
    occurred_on: date
    resident_id: strawberry.ID | None = None
    household_id: strawberry.ID | None = None
    evidence: str = ""
    reporter_kind: str = strawberry.field(default="staff", description="grid_worker | "
                                          "building_head | staff (residents: resident)")
    minutes: int | None = None


@strawberry.type
class PointsMarketReportClaimPayload:
    claim: PointsMarketClaim


PointsMarketReportClaimResult = Annotated[PointsMarketReportClaimPayload | UserError,
                                          strawberry.union("PointsMarketReportClaimResult")]


@strawberry.mutation(description="上报积分事项 / report a claim")
async def points_market_report_claim(info: Info, input: PointsMarketReportClaimInput
                                     ) -> PointsMarketReportClaimResult:
    async def work(access: Access) -> dict[str, Any]:
        resident = pk_of(input.resident_id, "Resident", "residentId")
        household = pk_of(input.household_id, "Household", "householdId")
        kind = acl.require_report(access, resident, input.reporter_kind)
        if kind == "event":
            raise ApiError.invalid("reporterKind", "上报人类型不正确", "unknown reporter kind")
        return await claims.report_claim(
            item_code=input.item_code, occurred_on=input.occurred_on, resident_id=resident,
            household_id=household, evidence=input.evidence, reporter_kind=kind,
            reporter_account_id=acl.actor(access), minutes=input.minutes)

    return await run_mutation(
        info, work, lambda r: PointsMarketReportClaimPayload(claim=PointsMarketClaim.from_row(r)),
        audit=lambda r: Audit("points_market.claim.report", "PointsMarketClaim", r["id"],
                              {"item": r["item_code"], "duplicate": r["duplicate"]}))


@strawberry.input(description="评议一项申报 / review one claim")
class PointsMarketReviewClaimInput:
    claim_id: strawberry.ID
    approve: bool
    note: str = ""


@strawberry.type
class PointsMarketReviewClaimPayload:
    claim: PointsMarketClaim


PointsMarketReviewClaimResult = Annotated[PointsMarketReviewClaimPayload | UserError,
                                          strawberry.union("PointsMarketReviewClaimResult")]


@strawberry.mutation(description="评议申报（通过即进入公示）/ approve (starts the notice) or "
                                 "reject a claim")
async def points_market_review_claim(info: Info, input: PointsMarketReviewClaimInput
                                     ) -> PointsMarketReviewClaimResult:
    async def work(access: Access) -> dict[str, Any]:
        acl.require(access, "points_market.review")
        return await claims.review_claim(_pk(input.claim_id, "PointsMarketClaim", "claimId"),
                                         input.approve, reviewer_account_id=acl.actor(access),
                                         note=input.note)

    return await run_mutation(info, work, lambda r: PointsMarketReviewClaimPayload(
        claim=PointsMarketClaim.from_row(r)))


@strawberry.input(description="评议会的一项决定 / one decision of a meeting")
class PointsMarketDecisionInput:
    claim_id: strawberry.ID
    approve: bool


@strawberry.input(description="记录评议会并批量评议 / record a meeting and its decisions")
class PointsMarketRecordMeetingInput:
    held_on: date
    members: list[str]
    decisions: list[PointsMarketDecisionInput]
    note: str = ""


@strawberry.type
class PointsMarketRecordMeetingPayload:
    meeting: PointsMarketMeeting
    claims: list[PointsMarketClaim]


PointsMarketRecordMeetingResult = Annotated[PointsMarketRecordMeetingPayload | UserError,
                                      strawberry.union("PointsMarketRecordMeetingResult")]


@strawberry.mutation(description="记录评议会（批量评议）/ record a review meeting (batch review)")
async def points_market_record_meeting(info: Info, input: PointsMarketRecordMeetingInput
                                       ) -> PointsMarketRecordMeetingResult:
    async def work(access: Access) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        acl.require(access, "points_market.review")
        decisions = [(_pk(d.claim_id, "PointsMarketClaim", "decisions"), d.approve)
                     for d in input.decisions]
        return await claims.record_meeting(held_on=input.held_on, members=input.members,
                                           decisions=decisions, note=input.note,
                                           reviewer_account_id=acl.actor(access))

    return await run_mutation(info, work, lambda r: PointsMarketRecordMeetingPayload(
        meeting=PointsMarketMeeting.from_row(r[0]),
        claims=[PointsMarketClaim.from_row(c) for c in r[1]]))


@strawberry.input(description="对公示提出异议（可匿名）/ object to a noticed claim")
class PointsMarketObjectInput:
    claim_id: strawberry.ID
    text: str
    anonymous: bool = True


@strawberry.type
class PointsMarketObjectPayload:
    objection: PointsMarketObjection


PointsMarketObjectResult = Annotated[PointsMarketObjectPayload | UserError,
                                     strawberry.union("PointsMarketObjectResult")]


@strawberry.mutation(description="提出异议 / object to a claim on notice")
async def points_market_object(info: Info, input: PointsMarketObjectInput
                               ) -> PointsMarketObjectResult:
    async def work(access: Access) -> dict[str, Any]:
        return await claims.object_to(_pk(input.claim_id, "PointsMarketClaim", "claimId"),
                                      text=input.text, anonymous=input.anonymous,
                                      account_id=acl.actor(access))

    return await run_mutation(
        info, work, lambda r: PointsMarketObjectPayload(
            objection=PointsMarketObjection.from_row(r)),
        audit=lambda r: Audit("points_market.objection.raise", "PointsMarketObjection", r["id"],
                              {"claim_id": r["claim_id"], "anonymous": r["anonymous"]}))


@strawberry.input(description="处理异议 / decide an objection")
class PointsMarketDecideObjectionInput:
    objection_id: strawberry.ID
    uphold: bool
    note: str = ""


@strawberry.type
class PointsMarketDecideObjectionPayload:
    objection: PointsMarketObjection


PointsMarketDecideObjectionResult = Annotated[
    PointsMarketDecideObjectionPayload | UserError,
    strawberry.union("PointsMarketDecideObjectionResult")]


@strawberry.mutation(description="处理异议（成立则取消申报）/ decide an objection (upheld "
                                 "cancels the claim)")
async def points_market_decide_objection(info: Info, input: PointsMarketDecideObjectionInput
                                         ) -> PointsMarketDecideObjectionResult:
    async def work(access: Access) -> dict[str, Any]:
        acl.require(access, "points_market.review")
        return await claims.decide_objection(
            _pk(input.objection_id, "PointsMarketObjection", "objectionId"), input.uphold,
            account_id=acl.actor(access), note=input.note)

    return await run_mutation(
        info, work, lambda r: PointsMarketDecideObjectionPayload(
            objection=PointsMarketObjection.from_row(r)),
        audit=lambda r: Audit("points_market.objection.decide", "PointsMarketObjection",
                              r["id"], {"status": r["status"]}))


# -- shop --------------------------------------------------------------------------------------

@strawberry.input(description="上架或修改商品（stock 为增加的库存）/ add or change a good "
                              "(stock is added)")
class PointsMarketSaveGoodInput:
    name: str
    value_fen: int
    price_points: int
    stock: int
    per_person_limit: int | None = None
    good_id: strawberry.ID | None = None
    active: bool = True


@strawberry.type
class PointsMarketSaveGoodPayload:
    good: PointsMarketGood


PointsMarketSaveGoodResult = Annotated[PointsMarketSaveGoodPayload | UserError,
                                   strawberry.union("PointsMarketSaveGoodResult")]


@strawberry.mutation(description="保存商品 / save a good")
async def points_market_save_good(info: Info, input: PointsMarketSaveGoodInput
                                  ) -> PointsMarketSaveGoodResult:
    async def work(access: Access) -> dict[str, Any]:
        acl.require(access, "points_market.manage")
        return await shop.save_good(name=input.name, value_fen=input.value_fen,
                                    price_points=input.price_points, stock=input.stock,
                                    per_person_limit=input.per_person_limit,
                                    good_id=pk_of(input.good_id, "PointsMarketGood", "goodId"),
                                    active=input.active)

    return await run_mutation(
        info, work, lambda r: PointsMarketSaveGoodPayload(good=PointsMarketGood.from_row(r)),
        audit=lambda r: Audit("points_market.good.save", "PointsMarketGood", r["id"],
                              {"stock": r["stock"], "price": r["price_points"]}))


@strawberry.input(description="进货（增加库存）/ restock a good")
class PointsMarketRestockGoodInput:
    good_id: strawberry.ID
    quantity: int = strawberry.field(description="增加的件数 / items added")


@strawberry.type
class PointsMarketRestockGoodPayload:
    good: PointsMarketGood


PointsMarketRestockGoodResult = Annotated[PointsMarketRestockGoodPayload | UserError,
                                          strawberry.union("PointsMarketRestockGoodResult")]


@strawberry.mutation(description="进货 / restock a good")
async def points_market_restock_good(info: Info, input: PointsMarketRestockGoodInput
                                     ) -> PointsMarketRestockGoodResult:
    async def work(access: Access) -> dict[str, Any]:
        acl.require(access, "points_market.manage")
        return await shop.restock(_pk(input.good_id, "PointsMarketGood", "goodId"),
                                  input.quantity)

    return await run_mutation(
        info, work, lambda r: PointsMarketRestockGoodPayload(good=PointsMarketGood.from_row(r)),
        audit=lambda r: Audit("points_market.good.restock", "PointsMarketGood", r["id"],
                              {"quantity": input.quantity, "stock": r["stock"]}))


@strawberry.input(description="柜台兑换 / redeem at the counter")
class PointsMarketRedeemInput:
    good_id: strawberry.ID
    resident_id: strawberry.ID
    idempotency_key: str = strawberry.field(description="客户端生成，重放只兑换一次 / "
                                                        "client-made; a replay redeems once")
    quantity: int = 1


@strawberry.type
class PointsMarketRedeemPayload:
    redemption: PointsMarketRedemption


PointsMarketRedeemResult = Annotated[PointsMarketRedeemPayload | UserError,
                                     strawberry.union("PointsMarketRedeemResult")]


@strawberry.mutation(description="柜台兑换（扣积分、减库存）/ redeem points for goods")
async def points_market_redeem(info: Info, input: PointsMarketRedeemInput
                               ) -> PointsMarketRedeemResult:
    async def work(access: Access) -> dict[str, Any]:
        acl.require(access, "points_market.redeem")
        return await shop.redeem(good_id=_pk(input.good_id, "PointsMarketGood", "goodId"),
                                 resident_id=_pk(input.resident_id, "Resident", "residentId"),
                                 quantity=input.quantity,
                                 idempotency_key=input.idempotency_key,
                                 counter_account_id=acl.actor(access))

    return await run_mutation(info, work, lambda r: PointsMarketRedeemPayload(
        redemption=PointsMarketRedemption.from_row(r)))


@strawberry.input(description="撤销当天的兑换 / void a redemption of today")
class PointsMarketVoidRedemptionInput:
    redemption_id: strawberry.ID


@strawberry.type
class PointsMarketVoidRedemptionPayload:
    redemption: PointsMarketRedemption


PointsMarketVoidRedemptionResult = Annotated[
    PointsMarketVoidRedemptionPayload | UserError,
    strawberry.union("PointsMarketVoidRedemptionResult")]


@strawberry.mutation(description="撤销兑换（冲正）/ void a redemption (a reversal)")
async def points_market_void_redemption(info: Info, input: PointsMarketVoidRedemptionInput
                                        ) -> PointsMarketVoidRedemptionResult:
    async def work(access: Access) -> dict[str, Any]:
        acl.require(access, "points_market.redeem")
        return await shop.void_redemption(
            _pk(input.redemption_id, "PointsMarketRedemption", "redemptionId"),
            account_id=acl.actor(access))

    return await run_mutation(info, work, lambda r: PointsMarketVoidRedemptionPayload(
        redemption=PointsMarketRedemption.from_row(r)))


# -- cards -------------------------------------------------------------------------------------

@strawberry.input(description="生成一批信义积分卡 / generate a batch of point cards")
class PointsMarketIssueCardsInput:
    points: int
    count: int
    prefix: str = "XY"


@strawberry.type
class PointsMarketIssueCardsPayload:
    batch: PointsMarketCardBatch


PointsMarketIssueCardsResult = Annotated[PointsMarketIssueCardsPayload | UserError,
                                        strawberry.union("PointsMarketIssueCardsResult")]


@strawberry.mutation(description="生成积分卡 / generate point cards")
async def points_market_issue_cards(info: Info, input: PointsMarketIssueCardsInput
                                    ) -> PointsMarketIssueCardsResult:
    async def work(access: Access) -> tuple[dict[str, Any], list[str]]:
        acl.require(access, "points_market.manage")
        return await shop.issue_cards(points=input.points, count=input.count,
                                      prefix=input.prefix, account_id=acl.actor(access))

    return await run_mutation(info, work, lambda r: PointsMarketIssueCardsPayload(
        batch=PointsMarketCardBatch.from_row(r[0], r[1])))


@strawberry.input(description="积分卡入账 / credit a point card to a resident")
class PointsMarketUseCardInput:
    serial: str
    resident_id: strawberry.ID


@strawberry.type
class PointsMarketUseCardPayload:
    serial: str
    points: int


PointsMarketUseCardResult = Annotated[PointsMarketUseCardPayload | UserError,
                                   strawberry.union("PointsMarketUseCardResult")]


@strawberry.mutation(description="积分卡入账（一卡一用；重复使用被拒并记录）/ credit a card, once")
async def points_market_use_card(info: Info, input: PointsMarketUseCardInput
                                 ) -> PointsMarketUseCardResult:
    async def work(access: Access) -> shop.CardUse:
        acl.require(access, "points_market.redeem")
        return await shop.use_card(input.serial,
                                   resident_id=_pk(input.resident_id, "Resident", "residentId"),
                                   account_id=acl.actor(access))

    def wrap(use: shop.CardUse) -> PointsMarketUseCardPayload | UserError:
        if use.refused is not None:   # the refusal's audit entry is committed
            return user_error(use.refused)
        assert use.card is not None
        return PointsMarketUseCardPayload(serial=str(use.card["serial"]),
                                       points=int(use.card["points"]))

    result: PointsMarketUseCardPayload | UserError = await run_mutation(info, work, wrap)
    return result


@strawberry.input(description="用积分卡在柜台兑换（不找零）/ pay for goods with point cards at the "
                              "counter (no change given)")
class PointsMarketRedeemWithCardsInput:
    good_id: strawberry.ID
    serials: list[str]
    idempotency_key: str = strawberry.field(description="客户端生成，重放只兑换一次 / "
                                                        "client-made; a replay redeems once")
    quantity: int = 1
    resident_id: strawberry.ID | None = strawberry.field(
        default=None, description="兑换人（限购商品时必填）/ who takes the goods (for a limited "
                                  "good)")


@strawberry.type
class PointsMarketRedeemWithCardsPayload:
    redemption: PointsMarketRedemption


PointsMarketRedeemWithCardsResult = Annotated[
    PointsMarketRedeemWithCardsPayload | UserError,
    strawberry.union("PointsMarketRedeemWithCardsResult")]


@strawberry.mutation(description="积分卡柜台兑换（卡号作废；重复使用被拒并记录）/ redeem goods "
                                 "with point cards (serials retired; a reuse is refused, audited)")
async def points_market_redeem_with_cards(info: Info, input: PointsMarketRedeemWithCardsInput
                                          ) -> PointsMarketRedeemWithCardsResult:
    async def work(access: Access) -> shop.CardUse:
        acl.require(access, "points_market.redeem")
        return await shop.redeem_with_cards(
            good_id=_pk(input.good_id, "PointsMarketGood", "goodId"), serials=input.serials,
            quantity=input.quantity, idempotency_key=input.idempotency_key,
            resident_id=pk_of(input.resident_id, "Resident", "residentId"),
            counter_account_id=acl.actor(access))

    def wrap(use: shop.CardUse) -> PointsMarketRedeemWithCardsPayload | UserError:
        if use.refused is not None:   # the refusal's audit entry is committed
            return user_error(use.refused)
        assert use.redemption is not None
        return PointsMarketRedeemWithCardsPayload(
            redemption=PointsMarketRedemption.from_row(use.redemption))

    result: PointsMarketRedeemWithCardsPayload | UserError = await run_mutation(info, work, wrap)
    return result


@strawberry.input(description="居民是否同意在排行榜上公开姓名 / whether a resident agrees to be "
                              "named on rankings")
class PointsMarketSetRankingConsentInput:
    resident_id: strawberry.ID
    consented: bool


@strawberry.type
class PointsMarketSetRankingConsentPayload:
    resident_id: strawberry.ID
    consented: bool
    changed_at: datetime | None


PointsMarketSetRankingConsentResult = Annotated[
    PointsMarketSetRankingConsentPayload | UserError,
    strawberry.union("PointsMarketSetRankingConsentResult")]


@strawberry.mutation(description="设置排行公开同意（本人，或工作人员代为登记）/ record a resident's "
                                 "ranking consent (themself, or staff on their word)")
async def points_market_set_ranking_consent(info: Info,
                                            input: PointsMarketSetRankingConsentInput
                                            ) -> PointsMarketSetRankingConsentResult:
    async def work(access: Access) -> dict[str, Any]:
        resident = _pk(input.resident_id, "Resident", "residentId")
        if access.principal.resident_id != resident:
            acl.require(access, "points_market.review")
        return await consent.set_consent(resident, input.consented,
                                         account_id=acl.actor(access))

    return await run_mutation(info, work, lambda r: PointsMarketSetRankingConsentPayload(
        resident_id=input.resident_id, consented=bool(r["consented"]),
        changed_at=r["changed_at"]))


MUTATIONS = [points_market_save_item, points_market_report_claim, points_market_review_claim,
             points_market_record_meeting, points_market_object, points_market_decide_objection,
             points_market_save_good, points_market_restock_good, points_market_redeem,
             points_market_void_redemption, points_market_issue_cards,
             points_market_use_card, points_market_redeem_with_cards,
             points_market_set_ranking_consent]
