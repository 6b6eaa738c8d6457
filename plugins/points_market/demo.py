"""Demo data (``linli_demo_data``): in a village — 苏庄村 of 侯营镇 when the tenant has it, else
the tenant's first community — a month of claims at every stage, reviewed at two recorded
village meetings (pending, rejected, on notice, on notice with an open objection, cancelled,
posted), a stocked 信义超市 shelf with redemptions
of today (by points and by a point card), point card batches (one card credited), and three
villagers who agreed to be named on rankings.

Runs inside a write scope for the tenant; does nothing when the plugin already has claims or
goods there, so ``make run`` can be repeated. Deterministic per tenant."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.plugin import (
    COMMUNITIES,
    bulk_insert,
    current_scope,
    residents_in,
    rule_value,
    seed_rules,
    today_shanghai,
)
from plugins.points_market.rules import RULES, SINCE
from plugins.points_market.services import catalogue, claims, consent, ledger, shop
from plugins.points_market.services.jobs_work import seed_tenant
from plugins.points_market.tables import Card, Claim, Good, Meeting, Objection

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
    # the rule rows as on enablement (the demo may enable the plugin before the hook runs):
    # every computed record below stores a real rule version, never 0
    await seed_rules(RULES, SINCE)
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
    await _seed_claims(tenant_id, people, rng, today)
    await claims.post_due(today)
    # one claim still on notice with an objection waiting for staff
    open_notice = await Claim.select(Claim.id).where(
        (Claim.status == "noticed") & (Claim.notice_until >= today)).order_by(Claim.id).first()
    if open_notice is not None:
        await claims.object_to(int(open_notice["id"]), text="该户当天不在村里 / they were away",
                               account_id=None, today=today)
    await _fund_and_redeem([r.id for r in people[:5]], rng)
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


async def _seed_claims(tenant_id: int, people: list[Any], rng: random.Random, today: date
                       ) -> None:
    """A month of claims at every stage, set-based (two inserts, not ~700 statements — the demo
    runs for every demo tenant): reported by grid workers, building heads and villagers;
    reviewed at the village meetings (:func:`_meetings`) that followed them — some rejected
    (short service refused), the rest noticed for the rule's days from the meeting, a few
    objected to (upheld: cancelled; dismissed: noticed); those after the latest meeting wait
    (pending); the older meeting's claims are then posted by the posting job itself."""
    items = {str(i["code"]): i for i in await catalogue.list_items(today)}
    least = await rule_value("points_market.min_service_minutes", tenant_id)
    notice = await rule_value("points_market.notice_days", tenant_id)
    meetings = await _meetings(today)
    rows: list[tuple[Any, ...]] = []
    objections: list[tuple[int, bool]] = []
    seen: set[tuple[str, int, str, date]] = set()
    now = datetime.now(UTC)
    for n in range(60):
        resident = rng.choice(people)
        # the last claims came in after the latest meeting: they wait for the next one
        day = today - timedelta(days=rng.randint(0, 2) if n % 20 == 19 else rng.randint(0, 30))
        code = CODES[n % len(CODES)]
        item = items.get(code)
        if item is None:
            continue
        household = n % 6 == 5 and resident.household_id is not None   # 星级文明户 conduct
        reporter = rng.choice(("grid_worker", "building_head", "resident"))
        minutes = rng.choice((20, 45, 90)) if code == "C01" else None
        status, note, notice_from, notice_until, reviewed_at = "pending", "", None, None, None
        meeting = next(((mid, held) for mid, held in meetings if held > day), None)
        if meeting is not None and minutes is not None and minutes < int(least.value):
            status = "rejected"
            note = (f"服务时长 {minutes} 分钟，不足 {least.value} 分钟 / service of {minutes} "
                    f"minutes is under {least.value}")
        elif meeting is not None:
            reviewed = meeting[1]
            reviewed_at = datetime(reviewed.year, reviewed.month, reviewed.day, 1, tzinfo=UTC)
            if n % 7 == 3:
                status, note = "rejected", "证据不足 / not enough evidence"
            else:
                status, notice_from = "noticed", reviewed
                notice_until = reviewed + timedelta(days=int(notice.value) - 1)
                if n % 11 == 0:
                    objections.append((len(rows), n % 2 == 0))
                    if n % 2 == 0:
                        status = "cancelled"
        subject = ("household", int(resident.household_id)) if household else (
            "resident", int(resident.id))
        key = (subject[0], subject[1], code, day)
        duplicate = key in seen and status != "rejected"
        seen.add(key)
        rows.append((
            subject[0], None if household else resident.id,
            resident.household_id, resident.community_id, int(item["id"]), code,
            int(item["points"]) * int(item["sign"]), day, minutes,
            "网格员现场核实 / checked on the spot by the grid worker", reporter, status,
            duplicate, meeting[0] if meeting else None, reviewed_at, note, notice_from,
            notice_until, notice.version if notice_from else 0, now))
    made = await bulk_insert(Claim, [
        Claim.subject_kind, Claim.resident_id, Claim.household_id, Claim.community_id,
        Claim.item_id, Claim.item_code, Claim.points, Claim.occurred_on, Claim.minutes,
        Claim.evidence, Claim.reporter_kind, Claim.status, Claim.duplicate, Claim.meeting_id,
        Claim.reviewed_at, Claim.review_note, Claim.notice_from, Claim.notice_until,
        Claim.notice_rule_version, Claim.created_at], rows, returning=[Claim.id])
    ids = [int(r["id"]) for r in made]
    if objections and len(ids) == len(rows):
        await bulk_insert(Objection, [
            Objection.claim_id, Objection.text, Objection.anonymous, Objection.status,
            Objection.decided_at, Objection.decision_note, Objection.created_at], [
            (ids[k], "情况不属实 / not true", True, "upheld" if upheld else "dismissed", now,
             "村评议小组复核 / checked by the review group", now)
            for k, upheld in objections])


MEMBERS = ["村党支部书记", "村委会主任", "村务监督委员会主任", "网格员", "村民代表"]
"""The village review group (村评议小组) that meets to review the claims."""


async def _meetings(today: date) -> list[tuple[int, date]]:
    """The village's review meetings (侯营镇 reviews at the monthly village meeting): one 16
    days ago (its claims' notice has ended: they are posted) and one 3 days ago (its claims are
    on notice); ``[(meeting id, held on)]``, oldest first."""
    out: list[tuple[int, date]] = []
    for back in (16, 3):
        held = today - timedelta(days=back)
        made = await Meeting.insert(Meeting(
            tenant_id=current_scope().write_node, held_on=held,
            members=json.dumps(MEMBERS, ensure_ascii=False),
            note="村评议会：本期加分、扣分事项评议 / village meeting: this period's claims",
            created_at=datetime.now(UTC))).returning(Meeting.id)
        out.append((int(made[0]["id"]), held))
    return out


async def _fund_and_redeem(resident_ids: list[int], rng: random.Random) -> None:
    """A 积分兑换表彰会 award of 20 points each (one batch), and one redemption of a small
    good each at the counter today."""
    issuance = await ledger.account_id(ledger.ISSUANCE)
    accounts = await ledger.account_ids("resident", resident_ids)
    await ledger.transfer_many([ledger.Move(
        f"demo:award:{rid}", "award", issuance, accounts[rid], 20, to_earned=20,
        memo="季度积分兑换表彰会 / quarterly commendation") for rid in resident_ids])
    goods = await Good.select(Good.id, Good.price_points).where(Good.price_points <= 10
                                                                ).order_by(Good.id)
    for rid in resident_ids:
        good = rng.choice(goods)
        await shop.redeem(good_id=int(good["id"]), resident_id=rid, quantity=1,
                          idempotency_key=f"demo:{rid}", counter_account_id=None)
