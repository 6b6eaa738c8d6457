"""Demo data (``linli demo``): 柳园街道's six happiness canteens — two inside community
elderly-service centres, four enterprise-listed; 馨颐颐养中心幸福食堂 operating, 东关国际幸福食堂
being fitted out (the two the news report names; the other four names are illustrative) — with
every workflow at every stage, so each example operation runs on the demo as it is:

- canteens at signed, fitting out, ready and operating (one with a suspension in its history),
  construction subsidies, this week's menu at the operating ones;
- the street's older residents in the city registry (findable by card and by ID number);
- the previous month and this month so far of meals, written in bulk (two INSERTs, not one
  round trip per meal): counter, batch and city-system imports, subsidised by bracket, second
  meals of a day refused a subsidy by the cap, residents under 70 not eligible, one adjustment
  into a frozen month;
- last month's claims: approved and marked paid by the district, returned with a reason, and
  awaiting review; this month's generated;
- a regular who stopped coming a week ago, raising the welfare concern once.

Only 柳园街道 gets canteens; does nothing when the tenant already has canteens, so ``make run``
can be repeated. Deterministic per tenant."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from core.plugin import (
    ApiError,
    NodeInfo,
    as_region,
    get_node,
    now_utc,
    residents_in,
    seed_rules,
    system_access,
    today_shanghai,
)
from plugins.canteen.rules import RULES, SINCE
from plugins.canteen.services import canteens, elders, settlement, signals
from plugins.canteen.services.common import (
    SubsidyRules,
    age_on,
    city_of,
    compute_subsidy,
    month_key,
    scope_key,
    subsidy_rules,
)
from plugins.canteen.services.meals import MealInput, record_one
from plugins.canteen.tables import Canteen, DailySubsidy, Meal, Payment, SlotClaim

__all__ = ["CANTEENS", "seed_demo"]

DEMO_TENANT = "柳园街道"
CANTEENS: tuple[tuple[str, str, bool, str, tuple[str, ...], int], ...] = (
    # name, kind, inside an elderly-service centre, status path end, slots, seats
    ("馨颐颐养中心幸福食堂", "new_built", True, "operating", ("lunch", "dinner"), 60),
    ("水韵社区养老服务中心幸福食堂", "new_built", True, "operating", ("lunch",), 40),
    ("东关国际幸福食堂", "enterprise_listed", False, "fitting_out", ("lunch",), 50),
    ("育新社区幸福食堂", "enterprise_listed", False, "operating", ("breakfast", "lunch"), 36),
    ("柳园大酒店幸福食堂", "enterprise_listed", False, "ready", ("lunch", "dinner"), 80),
    ("福乐居幸福食堂", "enterprise_listed", False, "signed", ("lunch",), 30),
)
_PATH = ("signed", "fitting_out", "ready", "operating")
SUBSIDY_FEN = {"new_built": 3_000_000, "enterprise_listed": 1_000_000}
"""One-off construction subsidy: 30,000 yuan newly built/renovated, 10,000 enterprise-listed."""
_MENU = (("红烧肉", "高蛋白"), ("清蒸鲈鱼", "高蛋白,低脂"), ("西红柿炒鸡蛋", "软烂"),
         ("小米粥", "易消化,低盐"), ("白菜豆腐", "低盐,低脂"))


async def seed_demo(tenant_id: int) -> None:
    node = await get_node(tenant_id)
    if node is None or node.name != DEMO_TENANT or await Canteen.exists():
        return
    # the rule rows as on enablement (the demo may enable the plugin before the hook runs):
    # every computed record below stores a real rule version, never 0
    await seed_rules(RULES, SINCE)
    access = system_access(node)
    today = today_shanghai()
    this_month = date(today.year, today.month, 1)
    start = (this_month - timedelta(days=1)).replace(day=1)   # the previous month's first day
    operating = await _canteens(access, today, start)
    try:
        city = await city_of(tenant_id)
    except ApiError:  # a demo tree without a city: canteens only
        return
    older = [r for r in await residents_in() if age_on(r.birth_date, today) >= 60][:16]
    registered = [await elders.register_elder(access, r.id) for r in older]
    if not registered or not operating:
        return
    await _meals(node, city, operating, registered, start, today)
    await _claims(access, node, month_key(start), month_key(today), operating, registered, city)
    await signals.raise_absences({"today": today}, tenant_id)


async def _canteens(access: Any, today: date, start: date) -> list[dict[str, Any]]:
    operating = []
    monday = today - timedelta(days=today.weekday())
    for name, kind, centre, end, slots, seats in CANTEENS:
        row = await canteens.create_canteen(
            access, name=name, kind=kind, elderly_centre=centre, operator_name=f"{name}运营方",
            address=f"聊城市东昌府区柳园街道{name[:4]}", slots=list(slots), seats=seats,
            construction_subsidy_fen=SUBSIDY_FEN[kind] if end in ("ready", "operating") else 0,
            construction_subsidy_on=start - timedelta(days=5)
            if end in ("ready", "operating") else None)
        for step, status in enumerate(_PATH[:_PATH.index(end) + 1]):
            row = await canteens.change_status(
                access, int(row["id"]), status, start - timedelta(days=40 - 10 * step),
                expected_ready_on=today + timedelta(days=45) if status == "fitting_out"
                else None)
        if name == "育新社区幸福食堂":  # closed a week for a kitchen repair, then reopened
            for status, back in (("suspended", 6), ("operating", 2)):
                row = await canteens.change_status(access, int(row["id"]), status,
                                                   start - timedelta(days=back),
                                                   note="厨房维修" if status == "suspended"
                                                   else "维修完成")
        if end == "operating":
            operating.append(row)
            await canteens.set_menu(access, int(row["id"]), monday, [
                (day, slot, dish, 1000 + 100 * (day % 3), tags)
                for day in range(1, 8) for slot in slots
                for dish, tags in (_MENU[(day + len(slot)) % len(_MENU)],)])
    return operating


async def _meals(node: NodeInfo, city: NodeInfo, operating: list[dict[str, Any]],
                 registered: list[dict[str, Any]], start: date, today: date) -> None:
    """Every meal from ``start`` to yesterday, computed here and written in three INSERTs (the
    city's once-a-day and once-a-slot rows and the meals), with the rules each meal date had."""
    rng = random.Random(node.id)
    rules: dict[date, SubsidyRules] = {}
    meals: list[Meal] = []
    claims: list[DailySubsidy] = []
    slot_claims: list[SlotClaim] = []
    absent = registered[0]  # a regular who stopped coming 9 days ago: the welfare concern
    skipped: dict[int, int] = {}
    dinner = [c for c in operating if len(str(c["slots"]).split(",")) > 1]
    # a few elders of subsidy age eat twice a day at a canteen serving two meals: the cap
    # refuses a second subsidy (chosen among those 70 or over, so every seeding shows it —
    # by position alone it depended on the generated birth dates)
    eligible = [e for e in registered if e is not absent and age_on(e["birth_date"], start) >= 70]
    twice_ids = {int(e["id"]) for e in eligible[::3]} if dinner else set()
    day, now = start, now_utc()
    while day < today:
        if day not in rules:
            rules[day] = await subsidy_rules(node, day)
        rule = rules[day]
        for n, elder in enumerate(registered):
            if elder is absent and (today - day).days < 10:
                continue
            # the others skip about one day in three, never three days running
            if elder is not absent and rng.random() < 0.3 and skipped.get(n, 0) < 2:
                skipped[n] = skipped.get(n, 0) + 1
                continue
            skipped[n] = 0
            twice = int(elder["id"]) in twice_ids
            choices = dinner if twice else operating
            canteen = choices[int(elder["id"]) % len(choices)]
            slots = str(canteen["slots"]).split(",")
            eaten = slots[-2:] if twice else slots[-1:]
            used = 0
            for slot in eaten:
                subsidy = compute_subsidy(rule, elder["birth_date"],
                                          {t for t in str(elder["tags"]).split(",") if t}, day)
                price = rng.choice((800, 1000, 1200))
                key = f"{elder['id']}:{day.isoformat()}:{slot}"
                fen, reason = 0, "not_eligible"
                slot_claims.append(SlotClaim(
                    tenant_id=city.id, elder_id=int(elder["id"]), day=day, slot=slot,
                    meal_tenant_id=node.id, meal_key=key, created_at=now))
                if subsidy.codes and used < rule.cap:
                    used += 1
                    fen, reason = min(subsidy.fen, price), ""
                    claims.append(DailySubsidy(
                        tenant_id=city.id, elder_id=int(elder["id"]), day=day,
                        scope_key=scope_key(rule.scope, node, int(canteen["id"])), seq=used,
                        meal_tenant_id=node.id, meal_key=key, created_at=now))
                elif subsidy.codes:
                    reason = "daily_cap"
                meals.append(Meal(
                    tenant_id=node.id, canteen_id=int(canteen["id"]),
                    elder_id=int(elder["id"]), city_id=city.id, served_on=day, slot=slot,
                    price_fen=price, subsidy_fen=fen, self_pay_fen=price - fen,
                    bracket="+".join(subsidy.codes) if not reason else "",
                    unsubsidised_reason=reason, rule_version=rule.version,
                    extra_rule_version=rule.extra_version, cap_rule_version=rule.cap_version,
                    cap_scope=rule.scope, cap_scope_rule_version=rule.scope_version,
                    settle_month=month_key(day), adjustment=False,
                    source=("counter", "counter", "batch", "import")[day.day % 4],
                    meal_key=key, recorded_by=None, recorded_at=now))
        day += timedelta(days=1)
    if claims:
        async with as_region(city, DailySubsidy):
            await DailySubsidy.insert(*claims)
    if slot_claims:
        async with as_region(city, SlotClaim):
            await SlotClaim.insert(*slot_claims)
    if meals:
        await Meal.insert(*meals)


async def _claims(access: Any, node: NodeInfo, last: str, current: str,
                  operating: list[dict[str, Any]], registered: list[dict[str, Any]],
                  city: NodeInfo) -> None:
    """Last month's claims through every stage, an adjustment, this month's claims."""
    await settlement.generate_month(node.id, last)
    claims = {int(r["canteen_id"]): r for r in await settlement.settlement_page(
        access, 100, 0, last)}
    ordered = [claims[int(c["id"])] for c in operating if int(c["id"]) in claims]
    if not ordered:
        return
    approved = await settlement.review(access, int(ordered[0]["id"]), True)
    if len(ordered) > 1:
        await settlement.review(access, int(ordered[1]["id"]), False,
                                "第12日有2餐缺少刷卡记录，请核实后重新提交")
    parent = await get_node(node.parent_id) if node.parent_id is not None else None
    if parent is not None and parent.is_region:  # the district's finance marks it paid
        async with as_region(parent, Payment):
            await Payment.insert(Payment(
                tenant_id=parent.id, settlement_tenant_id=node.id,
                settlement_id=int(approved["id"]), paid_on=today_shanghai(), paid_by=None,
                paid_at=now_utc()))
    # a meal of the approved month entered late: it counts in this month as an adjustment
    canteen = next(c for c in operating if int(c["id"]) == int(approved["canteen_id"]))
    late = date(int(last[:4]), int(last[5:7]), 28)
    for elder in registered[1:]:
        try:
            done = await record_one(node, city, canteen, elder, MealInput(
                int(elder["id"]), late, "breakfast" if "breakfast" in str(canteen["slots"])
                else str(canteen["slots"]).split(",")[0], 1000),
                await subsidy_rules(node, late), source="batch", frozen={last},
                account_id=None)
        except ApiError:  # that elder already ate in that slot that day, elsewhere
            continue
        if done.created:  # not the very meal already seeded for that day
            break
    await settlement.generate_month(node.id, current)
