"""Meals at the counter and in batches. The subsidy is computed by the rules in force at the
canteen's tenant on the meal date (their versions are stored with the meal); the city-wide
once-a-slot rule is the unique key (city, elder, day, slot) of the city's slot record, and the
once-a-day cap the unique key (city, elder, day, scope key, seq ≤ cap) of the city's daily
table (the scope key names where the cap counts, `canteen.cap_scope`: the city by default),
claimed with ``INSERT … ON CONFLICT DO NOTHING`` — a conflicting claim waits for the other
transaction and then does nothing, so concurrent counters in different street offices can never
both subsidise the same elder on the same day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    NodeInfo,
    as_region,
    get_node,
    now_utc,
    today_shanghai,
)
from plugins.canteen.services.canteens import can_serve, get_canteen
from plugins.canteen.services.common import (
    SLOTS,
    SubsidyRules,
    city_of,
    compute_subsidy,
    month_key,
    next_month,
    require,
    scope_key,
    subsidy_rules,
)
from plugins.canteen.services.elders import find_elder
from plugins.canteen.services.live import announce_meals
from plugins.canteen.tables import DailySubsidy, Meal, Settlement, SlotClaim

__all__ = [
    "MealInput",
    "Recorded",
    "SlotHeld",
    "claim_slot",
    "frozen_months",
    "meal_page",
    "record_claimed",
    "record_meal",
    "record_one",
]

MAX_PRICE_FEN = 10_000
"""100 yuan: far above any canteen meal; larger prices are typing errors."""


@dataclass(frozen=True)
class MealInput:
    elder_id: int
    served_on: date
    slot: str
    price_fen: int


@dataclass(frozen=True)
class Recorded:
    meal: dict[str, Any]
    created: bool
    """False when the same meal (canteen, elder, day, slot, price) was already recorded."""


def _meal_key(elder_id: int, day: date, slot: str) -> str:
    return f"{elder_id}:{day.isoformat()}:{slot}"


async def frozen_months(canteen_id: int) -> set[str]:
    """Months of the canteen whose claim is approved (frozen)."""
    rows = await Settlement.select(Settlement.month).where(
        (Settlement.canteen_id == canteen_id) & (Settlement.status == "approved"))
    return {str(r["month"]) for r in rows}


@dataclass(frozen=True)
class SlotHeld:
    """The city's slot claim of a meal not yet written (see :func:`claim_slot`)."""

    claim_id: int
    key: str


async def claim_slot(tenant: NodeInfo, city: NodeInfo, canteen: dict[str, Any],
                     elder: dict[str, Any], meal: MealInput) -> Recorded | SlotHeld:
    """Check one meal and claim its slot in the city's once-a-slot record (inside the tenant's
    write transaction; the canteen and the elder are already checked). Answers the meal already
    recorded with the same details (unchanged), or the claim to pass to :func:`record_claimed`.
    Refused: the elder's slot that day already taken at any canteen of the city (CONFLICT), a
    slot the canteen does not serve, a bad price, a future date."""
    if meal.slot not in SLOTS or meal.slot not in str(canteen["slots"]).split(","):
        raise ApiError.invalid("slot", "该食堂不供应此餐次", "the canteen does not serve this slot")
    if not 0 <= meal.price_fen <= MAX_PRICE_FEN:
        raise ApiError.invalid("priceFen", "价格须在0至100元之间", "the price is 0 to 100 yuan")
    if meal.served_on > today_shanghai():
        raise ApiError.invalid("servedOn", "就餐日期不能在将来", "the meal date cannot be in the future")
    if int(elder["tenant_id"]) != city.id:
        raise ApiError.not_found("登记的老人", "registered elder", "elderId")
    key = _meal_key(int(elder["id"]), meal.served_on, meal.slot)
    same = await Meal.select().where(Meal.meal_key == key).first()
    if same is not None:
        if int(same["canteen_id"]) == int(canteen["id"]) and same["price_fen"] == meal.price_fen:
            return Recorded(same, False)
        raise _slot_taken()
    async with as_region(city, SlotClaim):
        claimed = await SlotClaim.insert(SlotClaim(
            tenant_id=city.id, elder_id=int(elder["id"]), day=meal.served_on, slot=meal.slot,
            meal_tenant_id=tenant.id, meal_key=key, created_at=now_utc()),
        ).on_conflict(action="DO NOTHING").returning(SlotClaim.id)
    if not claimed:  # another canteen of the city (or another counter here) served this slot
        raise _slot_taken()
    return SlotHeld(int(claimed[0]["id"]), key)


def _slot_taken() -> ApiError:
    return ApiError.conflict("该老人此餐次已就餐", "this elder already ate in this slot today",
                             "slot")


async def record_claimed(tenant: NodeInfo, city: NodeInfo, canteen: dict[str, Any],
                         elder: dict[str, Any], meal: MealInput, held: SlotHeld,
                         rules: SubsidyRules, *, source: str, frozen: set[str],
                         account_id: int | None) -> Recorded:
    """Write a meal whose slot :func:`claim_slot` holds: compute the subsidy, claim the cap."""
    key = held.key
    subsidy = compute_subsidy(rules, elder["birth_date"],
                              {t for t in str(elder["tags"]).split(",") if t}, meal.served_on)
    fen, reason, claim_id = 0, "not_eligible", None
    where = scope_key(rules.scope, tenant, int(canteen["id"]))
    if subsidy.codes:
        async with as_region(city, DailySubsidy):
            for seq in range(1, rules.cap + 1):
                claimed = await DailySubsidy.insert(DailySubsidy(
                    tenant_id=city.id, elder_id=int(elder["id"]), day=meal.served_on,
                    scope_key=where, seq=seq, meal_tenant_id=tenant.id, meal_key=key,
                    created_at=now_utc()),
                ).on_conflict(action="DO NOTHING").returning(DailySubsidy.id)
                if claimed:
                    fen, reason, claim_id = min(subsidy.fen, meal.price_fen), "", claimed[0]["id"]
                    break
            else:
                reason = "daily_cap"
    month = month_key(meal.served_on)
    adjustment = False
    while month in frozen:
        month, adjustment = next_month(month), True
    row = Meal(tenant_id=tenant.id, canteen_id=int(canteen["id"]), elder_id=int(elder["id"]),
               city_id=city.id, served_on=meal.served_on, slot=meal.slot,
               price_fen=meal.price_fen, subsidy_fen=fen, self_pay_fen=meal.price_fen - fen,
               bracket="+".join(subsidy.codes) if not reason else "",
               unsubsidised_reason=reason, rule_version=rules.version,
               extra_rule_version=rules.extra_version, cap_rule_version=rules.cap_version,
               cap_scope=rules.scope, cap_scope_rule_version=rules.scope_version,
               settle_month=month, adjustment=adjustment, source=source, meal_key=key,
               recorded_by=account_id, recorded_at=now_utc())
    inserted = await Meal.insert(row).on_conflict(action="DO NOTHING").returning(Meal.id)
    if not inserted:
        # only a meal recorded before the city's slot record existed can clash here; a batch
        # goes on with its next row, so give both claims back
        async with as_region(city, DailySubsidy):
            if claim_id is not None:
                await DailySubsidy.delete().where(DailySubsidy.id == claim_id)
        async with as_region(city, SlotClaim):
            await SlotClaim.delete().where(SlotClaim.id == held.claim_id)
        raise _slot_taken()
    found = await Meal.select().where(Meal.id == inserted[0]["id"]).first()
    assert found is not None
    return Recorded(found, True)


async def record_one(tenant: NodeInfo, city: NodeInfo, canteen: dict[str, Any],
                     elder: dict[str, Any], meal: MealInput, rules: SubsidyRules, *,
                     source: str, frozen: set[str], account_id: int | None) -> Recorded:
    """Record one meal: its slot claimed city-wide first, then the cap (that order, in every
    transaction, so two counters or batches never wait on each other in a circle)."""
    held = await claim_slot(tenant, city, canteen, elder, meal)
    if isinstance(held, Recorded):
        return held
    return await record_claimed(tenant, city, canteen, elder, meal, held, rules, source=source,
                                frozen=frozen, account_id=account_id)


async def record_meal(access: Access, canteen_id: int, *, served_on: date | None, slot: str,
                      price_fen: int, card_token: str | None = None,
                      elder_id: int | None = None, resident_id: int | None = None,
                      id_number: str | None = None) -> Recorded:
    """A meal at the counter of an operating canteen: identify the elder (card/QR token,
    身份证号, resident or registry id), compute the subsidy, claim the once-a-day record."""
    canteen = await get_canteen(canteen_id)
    if canteen is None or int(canteen["tenant_id"]) != access.node_id:
        raise ApiError.not_found("食堂", "canteen", "canteenId")
    await can_serve(access, canteen)
    if canteen["status"] != "operating":
        raise ApiError.conflict("食堂未在运营", "the canteen is not operating", "canteenId")
    elder = await find_elder(card_token=card_token, resident_id=resident_id, elder_id=elder_id,
                             id_number=id_number)
    tenant = await get_node(access.node_id)
    assert tenant is not None
    city = await city_of(tenant.id)
    day = served_on or today_shanghai()
    rules = await subsidy_rules(tenant, day)
    done = await record_one(tenant, city, canteen, elder,
                            MealInput(int(elder["id"]), day, slot, price_fen), rules,
                            source="counter", frozen=await frozen_months(canteen_id),
                            account_id=access.principal.account_id)
    if done.created:
        announce_meals(tenant.id, canteen_id, day, 1)
    return done


async def meal_page(access: Access, first: int, after: int, *, canteen_id: int | None = None,
                    served_on: date | None = None) -> list[dict[str, Any]]:
    """Meals of the acting tenant's canteens by id, optionally of one canteen or day."""
    require(access, "canteen.read")
    query = Meal.select().where((Meal.tenant_id == access.node_id) & (Meal.id > after))
    if canteen_id is not None:
        query = query.where(Meal.canteen_id == canteen_id)
    if served_on is not None:
        query = query.where(Meal.served_on == served_on)
    return list(await query.order_by(Meal.id).limit(first + 1))
