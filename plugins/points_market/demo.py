"""Demo data (``linli_demo_data``): in a village — 苏庄村 of 侯营镇 when the tenant has it, else
the tenant's first community — a month of claims at every stage (pending, rejected, on notice,
on notice with an open objection, cancelled, posted), a stocked 信义超市 shelf with redemptions
of today (by points and by a point card), point card batches (one card credited), and three
villagers who agreed to be named on rankings.

Runs inside a write scope for the tenant; does nothing when the plugin already has claims or
goods there, so ``make run`` can be repeated. Deterministic per tenant."""

from __future__ import annotations

import random
from datetime import timedelta

from core.plugin import COMMUNITIES, residents_in, today_shanghai
from plugins.points_market.services import claims, consent, ledger, shop
from plugins.points_market.services.jobs_work import seed_tenant
from plugins.points_market.tables import Card, Claim, Good

__all__ = ["GOODS", "VILLAGE", "seed_demo"]

VILLAGE = "苏庄村"
GOODS = (("洗衣粉", 1000, 10, 40), ("不锈钢盆", 400, 4, 30), ("食用油 5L", 6500, 60, 10),
         ("毛巾", 800, 8, 50), ("香皂", 500, 5, 60), ("酱油", 900, 9, 30))
"""(name, value in fen, price in points, stock): the 侯营镇 shelves price 1 point per yuan."""
CODES = ("C04", "C05", "C07", "C08", "C01", "D02")


async def seed_demo(tenant_id: int) -> None:
    """Seed the tenant's demo rows once (inside a write scope for ``tenant_id``)."""
    if await Claim.exists() or await Good.exists():
        return
    await seed_tenant(tenant_id)
    villages = await COMMUNITIES.select(COMMUNITIES.id, COMMUNITIES.name).order_by(COMMUNITIES.id)
    if not villages:
        return
    village = next((v for v in villages if v["name"] == VILLAGE), villages[0])
    people = [r for r in await residents_in() if r.community_id == village["id"]][:40]
    if not people:
        return
    rng = random.Random(tenant_id)
    today = today_shanghai()
    for name, fen, price, stock in GOODS:
        await shop.save_good(name=name, value_fen=fen, price_points=price, stock=stock,
                             per_person_limit=2 if price >= 50 else None)
    # A month of claims: the first three weeks reviewed, noticed and (for the oldest) posted.
    for n in range(60):
        resident = rng.choice(people)
        day = today - timedelta(days=rng.randint(0, 30))
        code = CODES[n % len(CODES)]
        household = n % 6 == 5 and resident.household_id is not None   # 星级文明户 conduct
        row = await claims.report_claim(
            item_code=code, occurred_on=day,
            resident_id=None if household else resident.id,
            household_id=resident.household_id if household else None,
            reporter_kind=rng.choice(("grid_worker", "building_head", "resident")),
            minutes=rng.choice((20, 45, 90)) if code == "C01" else None,
            evidence="网格员现场核实 / checked on the spot by the grid worker")
        if row["status"] != "pending" or n % 5 == 4:
            continue                     # rejected (short service) or still pending
        reviewed = day + timedelta(days=1)
        if reviewed > today:
            continue
        noticed = await claims.review_claim(int(row["id"]), n % 7 != 3,
                                            reviewer_account_id=None, today=reviewed)
        if noticed["status"] == "noticed" and n % 11 == 0:
            objection = await claims.object_to(int(row["id"]), text="情况不属实 / not true",
                                               account_id=None, today=reviewed)
            await claims.decide_objection(int(objection["id"]), n % 2 == 0, account_id=None)
    await claims.post_due(today)
    # one claim still on notice with an objection waiting for staff
    open_notice = await Claim.select(Claim.id).where(
        (Claim.status == "noticed") & (Claim.notice_until >= today)).order_by(Claim.id).first()
    if open_notice is not None:
        await claims.object_to(int(open_notice["id"]), text="该户当天不在村里 / they were away",
                               account_id=None, today=today)
    for resident in people[:5]:
        await _fund_and_redeem(resident.id, rng)
    for resident in people[:5:2]:          # they agreed to be named on rankings
        await consent.set_consent(resident.id, True, account_id=None)
    await shop.issue_cards(points=1, count=20, prefix="SZ", account_id=None)
    await shop.issue_cards(points=5, count=10, prefix="SZ", account_id=None)
    # a card spent at the counter (香皂, 5 points) and one credited to a villager
    _, twos = await shop.issue_cards(points=2, count=10, prefix="SZ", account_id=None)
    soap = await Good.select(Good.id).where(Good.name == "香皂").first()
    fives = await Card.select(Card.serial).where(
        (Card.points == 5) & (Card.status == "issued")).order_by(Card.id).first()
    if soap is not None and fives is not None:
        await shop.redeem_with_cards(good_id=int(soap["id"]), serials=[str(fives["serial"])],
                                     quantity=1, idempotency_key="demo:cards",
                                     counter_account_id=None)
    await shop.use_card(twos[0], resident_id=people[0].id, account_id=None)


async def _fund_and_redeem(resident_id: int, rng: random.Random) -> None:
    """A 积分兑换表彰会 award of 20 points and one redemption of a small good."""
    issuance = await ledger.account_id(ledger.ISSUANCE)
    account = await ledger.account_id("resident", resident_id)
    await ledger.transfer(f"demo:award:{resident_id}", "award", issuance, account, 20,
                          to_earned=20, memo="季度积分兑换表彰会 / quarterly commendation")
    goods = await Good.select(Good.id, Good.price_points).where(Good.price_points <= 10)
    good = rng.choice(goods)
    await shop.redeem(good_id=int(good["id"]), resident_id=resident_id, quantity=1,
                      idempotency_key=f"demo:{resident_id}", counter_account_id=None)
