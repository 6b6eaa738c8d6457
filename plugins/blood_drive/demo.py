"""Demo data (``linli demo``): the February 2023 Liaocheng campaign "学雷锋见行动 捐热血献真情"
owned by 聊城市 with its five organisers (市委市直机关工委、市文明办、团市委、市卫健委、市红十字会),
anchored to the 60th 学雷锋纪念日, with sessions, bookings and results in 新区街道, 柳园街道 and
古楼街道; and a current campaign of the city (illustrative) whose sessions are at every stage —
results entered, donors checked in, seats booked — so each example operation runs as it is.
Contact names and phones are fictitious (never the numbers printed in the call).

Rows are written in bulk (a handful of statements per street office); a second run adds
nothing. Deterministic per tenant."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from typing import Any

from core.plugin import (
    SHANGHAI,
    NodeInfo,
    as_region,
    demo_login,
    emit,
    get_node,
    now_utc,
    person_keys,
    residents_in,
    seal_personal,
    seed_rules,
    today_shanghai,
)
from plugins.blood_drive.events import DonationCompleted
from plugins.blood_drive.rules import RULES, SINCE
from plugins.blood_drive.services.bookings import PERSON_PURPOSE
from plugins.blood_drive.services.common import age_on, rule_values
from plugins.blood_drive.services.precheck import PRECHECK_KEYS
from plugins.blood_drive.tables import (
    Booking,
    BookingClaim,
    Campaign,
    Donation,
    Donor,
    Precheck,
    Session,
    Slot,
    Target,
    Unit,
    VolunteerShift,
)

__all__ = ["DONOR_LOGIN", "LIAOCHENG_2023", "STREETS", "seed_demo"]

STREETS = {"新区街道": "新区广场", "柳园街道": "柳园南路口", "古楼街道": "古楼东大街"}
ORGANISERS = ["中共聊城市委市直机关工作委员会", "聊城市精神文明建设办公室", "共青团聊城市委员会",
              "聊城市卫生健康委员会", "聊城市红十字会"]
LIAOCHENG_2023: dict[str, Any] = {
    "title": "学雷锋见行动 捐热血献真情",
    "call_text": "在第60个学雷锋纪念日和第24个中国青年志愿者服务日到来之际，倡议全市广大干部职工、"
                 "党员、团员青年和社会各界爱心人士踊跃参加无偿献血，用热血传递温暖、以行动诠释"
                 "雷锋精神。（示范文本）",
    "starts_on": date(2023, 2, 6), "ends_on": date(2023, 3, 5),
    "anchor_on": date(2023, 3, 5), "anchor_name": "第60个学雷锋纪念日",
    "contact_name": "李明（示范联系人）", "contact_phones": ["0635-5550101", "0635-5550102"],
    "target_donors": 600, "target_units": 900,
}
CURRENT_TITLE = "冬季无偿献血 温暖邻里（示范）"
UNITS = ("街道机关", "辖区学校", "辖区企业")
DONOR_LOGIN = "demo-donor-{code}"


async def _city(node: NodeInfo) -> NodeInfo | None:
    root = int(node.path.strip("/").split("/")[0])
    city = await get_node(root)
    return city if city is not None and city.kind == "city" else None


async def _campaign(city: NodeInfo, title: str, **cols: Any) -> int:
    """The city's campaign by title, created once (whichever street seeds first)."""
    async with as_region(city, Campaign, Target):
        row = await Campaign.select(Campaign.id).where(Campaign.title == title).first()
        if row is not None:
            return int(row["id"])
        values: dict[str, Any] = {
            "tenant_id": city.id, "title": title, "created_at": now_utc(),
            "organisers": json.dumps(ORGANISERS, ensure_ascii=False),
            "target_groups": "cadres,party_members,league_members,public",
            **{k: (json.dumps(v) if k == "contact_phones" else v) for k, v in cols.items()}}
        created = Campaign(**values)
        await Campaign.insert(created)
        return int(created.id)


async def _target(city: NodeInfo, campaign_id: int, node: NodeInfo, donors: int,
                  units: int) -> None:
    async with as_region(city, Campaign, Target):
        if await Target.exists().where((Target.campaign_id == campaign_id)
                                       & (Target.target_tenant_id == node.id)):
            return
        await Target.insert(*[Target(tenant_id=city.id, campaign_id=campaign_id,
                                     target_tenant_id=node.id, work_unit=unit, donors=d, units=u)
                              for unit, d, u in (("", donors, units),
                                                 (UNITS[0], donors // 3, units // 3))])


def _slots(day: date, capacity: int) -> list[tuple[datetime, datetime, int]]:
    start = datetime(day.year, day.month, day.day, 8, 30, tzinfo=SHANGHAI)
    return [(start + timedelta(hours=2 * i), start + timedelta(hours=2 * i + 2), capacity)
            for i in range(3)]


async def seed_demo(tenant_id: int) -> None:
    node = await get_node(tenant_id)
    if node is None or node.name not in STREETS:
        return
    if await Donor.exists():
        first = await Donor.select(Donor.resident_id).order_by(Donor.id).first()
        if first is not None:   # printed again; its link is already there
            await _donor_login(node, int(first["resident_id"]))
        return
    city = await _city(node)
    if city is None:
        return
    # the rule rows as on enablement (the demo may enable the plugin before the hook runs):
    # every result and pre-check below stores a real version, never 0
    await seed_rules(RULES, SINCE)
    today = today_shanghai()
    rng = random.Random(tenant_id)
    site = STREETS[node.name]
    past = dict(LIAOCHENG_2023)
    past_id = await _campaign(city, past.pop("title"), **past)
    current_id = await _campaign(
        city, CURRENT_TITLE, call_text="冬季用血紧张，倡议辖区居民就近参加无偿献血。（示范）",
        starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=40),
        contact_name="王芳（示范联系人）", contact_phones=["0635-5550199"],
        target_donors=300, target_units=450)
    await _target(city, past_id, node, 200, 300)
    await _target(city, current_id, node, 100, 150)
    await Unit.insert(*[Unit(tenant_id=tenant_id, name=u, staff_count=s)
                        for u, s in zip(UNITS, (120, 260, 900), strict=True)])

    people = [r for r in await residents_in() if 20 <= age_on(r.birth_date, today) <= 54][:40]
    if len(people) < 12:
        return
    now = now_utc()
    await Donor.insert(*[Donor(tenant_id=tenant_id, resident_id=r.id, work_unit=UNITS[i % 3],
                               remind_opt_in=i % 2 == 0, leaderboard_opt_in=i % 4 == 0,
                               created_at=now) for i, r in enumerate(people)])
    donors = [int(r["id"]) for r in await Donor.select(Donor.id).order_by(Donor.id)]

    # three sessions: the 2023 campaign (results), the current one five days ago (results) and
    # in three days (booked and checked in)
    n = len(donors)
    # the veteran (donors[0], the demo donor login) also holds an open booking, to cancel
    upcoming = donors[3 * n // 4:] + [donors[0]]
    plans = [(past_id, date(2023, 2, 18), f"献血车（{site}）", donors[:n // 2]),
             (current_id, today - timedelta(days=5), f"献血车（{site}）", donors[n // 2:3 * n // 4]),
             (current_id, today + timedelta(days=3), f"献血屋（{site}）", upcoming)]
    await Session.insert(*[Session(tenant_id=tenant_id, campaign_id=c, site_name=s,
                                   address=f"聊城市东昌府区{node.name}{site}", held_on=d,
                                   created_at=now) for c, d, s, _ in plans])
    sessions = [int(r["id"]) for r in await Session.select(Session.id).order_by(Session.id)]
    await Slot.insert(*[Slot(tenant_id=tenant_id, session_id=sid, starts_at=a, ends_at=b,
                             capacity=cap, booked=0)
                        for sid, (_, day, _, _) in zip(sessions, plans, strict=True)
                        for a, b, cap in _slots(day, 8)])
    slots: dict[int, list[dict[str, Any]]] = {}
    for r in await Slot.select().order_by(Slot.starts_at):
        slots.setdefault(int(r["session_id"]), []).append(r)

    bookings: list[Booking] = []
    for sid, (campaign_id, day, _, who) in zip(sessions, plans, strict=True):
        for i, donor in enumerate(who):
            slot = slots[sid][i % 3]
            future = day > today
            status = ("checked_in" if i < 2 else "booked") if future else (
                "cancelled" if i % 8 == 7 else "deferred" if i % 8 == 6 else "donated")
            slot["booked"] += status != "cancelled"
            bookings.append(Booking(
                tenant_id=tenant_id, campaign_id=campaign_id, session_id=sid,
                slot_id=int(slot["id"]), donor_id=donor, status=status,
                active=1 if status in ("booked", "checked_in") else None,
                booked_at=slot["starts_at"] - timedelta(days=3),
                cancelled_at=slot["starts_at"] - timedelta(days=1)
                if status == "cancelled" else None,
                checked_in_at=slot["starts_at"] if status != "booked" and status != "cancelled"
                else None))
    await Booking.insert(*bookings)
    for rows in slots.values():
        for r in rows:
            if r["booked"]:
                await Slot.update({Slot.booked: r["booked"]}).where(Slot.id == r["id"])
    residents = {int(r["id"]): int(r["resident_id"])
                 for r in await Donor.select(Donor.id, Donor.resident_id)}
    keys = await person_keys(list(residents.values()), PERSON_PURPOSE)
    open_ones = await Booking.select(Booking.id, Booking.campaign_id, Booking.donor_id,
                                     Booking.slot_id).where(Booking.active == 1)
    ends = {int(r["id"]): r["ends_at"] for rows in slots.values() for r in rows}
    if open_ones:  # the campaign owner's once-only claims of the open bookings
        async with as_region(city, BookingClaim):
            await BookingClaim.insert(*[BookingClaim(
                tenant_id=city.id, campaign_id=b["campaign_id"],
                person_key=keys[residents[int(b["donor_id"])]], booking_tenant_id=tenant_id,
                booking_id=b["id"], active=1, ends_at=ends[int(b["slot_id"])], created_at=now)
                for b in open_ones])
    booked = await Booking.select().where(Booking.status.is_in(["donated", "deferred"]))
    versions: dict[date, int] = {}
    for day in {b["checked_in_at"].astimezone(SHANGHAI).date() for b in booked} | {
            date(2012 + n // 2, 3 + 6 * (n % 2), 1) for n in range(9)}:
        versions[day] = (await rule_values(node, day, "blood_drive.donation_count"))[1][
            "blood_drive.donation_count"]
    donations = []
    for b in booked:
        day = b["checked_in_at"].astimezone(SHANGHAI).date()
        volume = rng.choice((200, 300, 400, 400))
        donated = b["status"] == "donated"
        donations.append(Donation(
            tenant_id=tenant_id, donor_id=b["donor_id"], campaign_id=b["campaign_id"],
            booking_id=b["id"], donated_on=day, outcome=b["status"], kind="whole_blood",
            volume_ml=volume if donated else 0, count_x100=volume // 2 if donated else 0,
            count_rule_version=versions[day], deferral_cipher="" if donated else seal_personal("hemoglobin"),
            result_key=f"booking:{b['id']}", source="entry", recorded_at=now))
    # earlier history imported from the blood station (a long-term donor close to bronze)
    veteran = donors[0]
    donations += [Donation(
        tenant_id=tenant_id, donor_id=veteran, donated_on=date(2012 + n // 2, 3 + 6 * (n % 2), 1),
        outcome="donated", kind="whole_blood", volume_ml=400, count_x100=200,
        count_rule_version=versions[date(2012 + n // 2, 3 + 6 * (n % 2), 1)], result_key=f"import:DEMO-{tenant_id}-{n}", source="import", recorded_at=now)
        for n in range(9)]
    await Donation.insert(*donations)
    for d in await Donation.select().where(Donation.outcome == "donated").order_by(Donation.id):
        await emit("blood_drive.donation_completed", DonationCompleted(
            resident_id=residents[int(d["donor_id"])], donor_id=int(d["donor_id"]),
            donation_id=int(d["id"]), donated_on=d["donated_on"], kind=d["kind"],
            volume_ml=d["volume_ml"], units=d["units"], campaign_id=d["campaign_id"]))
    answers = json.dumps({"weight_kg": 65, "planned_kind": "whole_blood",
                          "adverse_reaction_before": False, "feeling_well": True,
                          "last_donation_on": None, "last_donation_kind": None})
    precheck_versions = json.dumps((await rule_values(node, today, *PRECHECK_KEYS))[1],
                                   sort_keys=True)
    await Precheck.insert(*[Precheck(
        tenant_id=tenant_id, donor_id=d, campaign_id=current_id, checked_on=today,
        answers_cipher=seal_personal(answers), reasons_cipher=seal_personal("[]"),
        outcome="eligible", rule_versions=precheck_versions, created_at=now) for d in upcoming])
    await VolunteerShift.insert(*[VolunteerShift(
        tenant_id=tenant_id, session_id=sessions[0], resident_id=people[-1 - i].id,
        minutes=240, recorded_at=now) for i in range(2)])
    await _donor_login(node, people[0].id)


async def _donor_login(node: NodeInfo, resident_id: int) -> None:
    """The street office's demo donor login (``demo-donor-<code>``): the veteran donor signed
    in as themselves, for the console's 我的献血."""
    await demo_login(DONOR_LOGIN.format(code=node.code), f"{node.name}献血者",
                     f"blood donor in {node.name}", resident_id=resident_id)
