"""Demo data for a demo tenant (``linli demo``): every 楼长制 workflow at every stage, so each
example operation in ``graphql/operations/building_heads/`` runs on the demo as it is.

- heads for most buildings (approved a year ago), and, for a building without a head, a
  candidate whose public notice (公示) has ended — approval can be finished now — one still in
  notice and one only nominated;
- a head with a working login (``demo-head-<tenant code>``, demo password), printed by
  ``linli demo``, linked to a serving term;
- home visits over the year (in person, phone, message; some special households overdue this
  month);
- on each community's board one matter stopped at each step of the four-step method, one
  resolved early, one escalated and one handed to the grid worker (when the grid has one);
- a 红旗驿站 station with its rota, a 三方联席会议 and a 民情恳谈会 there with their matters;
- a year of duties (服务内容) of every kind at a building of each community, an opinion and a
  safety hazard still open;
- residents' survey answers for a few buildings (last year and this);
- last year's evaluations of a few heads, the weak ones with an improvement step (one with
  its plan).

Rows are written in bulk (a handful of statements per table, not one per row), so the whole
demo stays fast. Runs inside a write scope for the tenant (the ``linli_demo_data`` hook); the
rows are written once (a second run only notes the head's login again). Deterministic per
tenant."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.plugin import (
    HOUSEHOLDS,
    RESIDENT_TAGS,
    RESIDENTS,
    NodeInfo,
    accounts_holding,
    buildings_in,
    collect_resident_info,
    demo_login,
    get_building,
    get_community,
    get_compound,
    get_node,
    grant_place_role,
    record,
    residents_in,
    seed_rules,
    today_shanghai,
)
from plugins.building_heads.rules import RULES, SINCE, SPECIAL_TAGS_DEFAULT
from plugins.building_heads.services import (
    appointments,
    companies,
    evaluation,
    matters,
    rota,
)
from plugins.building_heads.services.access import HEAD_ROLE
from plugins.building_heads.services.common import OWN_RULES
from plugins.building_heads.tables import (
    Appointment,
    Candidate,
    Duty,
    Handoff,
    Matter,
    MatterStep,
    Meeting,
    PropertyCompany,
    Station,
    SurveyResponse,
    Visit,
)

__all__ = ["HEAD_LOGIN", "PROPERTY_LOGIN", "seed_demo"]

HEAD_LOGIN = "demo-head-{code}"
"""The demo head's username per tenant (``linli demo`` prints it)."""
PROPERTY_LOGIN = "demo-property-{code}"
"""The demo property company's username per tenant (printed too)."""
PROPERTY_NAME = "聊城安居物业服务有限公司"
METHODS = ("self", "party_mutual", "residents", "organisation", "party_claim")
TITLES = ("楼道声控灯不亮", "单元门禁损坏", "楼顶漏水需维修", "电动车楼道充电隐患", "加装电梯意向征集",
          "小区停车位划线", "垃圾分类投放点调整", "绿化带改建小菜园")
STOPS = (0, 1, 2, 3, 4, 5, 1, 0)
"""How many steps after 提事 each title's matter has been through (the last two: resolved
early, escalated)."""
WAYS = ("in_person", "in_person", "phone", "message")
PARTIES = ["社区书记", "物业经理", "楼长"]
LEVEL_ZH = {"building": "楼栋", "compound": "小区", "community": "社区"}


def _now() -> datetime:
    return datetime.now(UTC)


async def seed_demo(tenant_id: int) -> None:
    """Seed the tenant's demo rows (inside a write scope for ``tenant_id``), once."""
    node = await get_node(tenant_id)
    if node is None:
        return
    if (await Appointment.exists() or await Matter.exists() or await Visit.exists()
            or await Station.exists()):
        await _head_login(node, None)  # printed again; its link is already there
        return
    # the rule rows as on enablement (the demo may enable the plugin before the hook runs):
    # every computed record below stores a real rule version, never 0
    await seed_rules(RULES, SINCE)
    rng = random.Random(tenant_id)
    today = today_shanghai()
    buildings = [asdict(b) for b in await buildings_in()]
    if not buildings:
        return
    residents = [asdict(r) for r in await residents_in()]
    by_building: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in residents:
        if r["building_id"] is not None:
            by_building[int(r["building_id"])].append(r)
    headless = _headless(buildings)
    party = {int(r["resident_id"]) for r in await RESIDENT_TAGS.select(
        RESIDENT_TAGS.resident_id).where(RESIDENT_TAGS.tag == "party_member")}
    heads = await _appoint_heads(tenant_id, buildings, headless, by_building, party, today, rng)
    await _pending_candidates(headless, by_building, party, today)
    await _head_login(node, heads)
    await _visits(tenant_id, [b for b in buildings if b["id"] in heads], heads, today, rng)
    await _matters(node, buildings, heads, today)
    station = await _station(buildings, heads, today)
    company = None
    if station is not None:
        company = await _property_company(node, station)
        await _meetings(tenant_id, station, today, company)
    await _duties(tenant_id, buildings, heads, by_building, today)
    await _handoffs(node, heads, company, today)
    await _survey(tenant_id, heads, today, rng)
    await _evaluations(today, {heads[b] for b in sorted(heads)[:4]})


def _headless(buildings: list[dict[str, Any]]) -> set[int]:
    """Every fifth building of each community has no head (the last one at least, when a
    community has several), so selection can be walked there."""
    by_community: dict[int, list[int]] = defaultdict(list)
    for b in buildings:
        by_community[int(b["community_id"])].append(int(b["id"]))
    out: set[int] = set()
    for ids in by_community.values():
        ids.sort()
        if len(ids) > 1:
            out |= {i for k, i in enumerate(ids) if k % 5 == 4} | {ids[-1]}
    return out


def _fit(people: list[dict[str, Any]], on: date) -> list[dict[str, Any]]:
    return [r for r in people if 35 <= appointments.age_on(r["birth_date"], on) <= 64]


async def _appoint_heads(tenant_id: int, buildings: list[dict[str, Any]], headless: set[int],
                         by_building: dict[int, list[dict[str, Any]]], party: set[int],
                         today: date, rng: random.Random) -> dict[int, int]:
    """Building id → appointment id: a candidate nominated, noticed and approved a year ago
    for each headed building, written in bulk (three statements, one audit entry)."""
    nominated_on = date(today.year - 1, 3, 1)
    notice_until = nominated_on + timedelta(days=4)
    approved_on = nominated_on + timedelta(days=10)
    term = await appointments.resolve_rule(OWN_RULES, "building_heads.term_years", tenant_id,
                                           approved_on)
    term_end = appointments.add_years(approved_on, int(term.value)) - timedelta(days=1)
    now = _now()
    chosen: dict[int, dict[str, Any]] = {}
    for b in buildings:
        fit = _fit(by_building[int(b["id"])], approved_on)
        if int(b["id"]) not in headless and fit:
            chosen[int(b["id"])] = rng.choice(fit)
    if not chosen:
        return {}
    bulk_methods = [m for m in METHODS if m != "party_mutual"]  # that one is walked below
    await Candidate.insert(*(Candidate(
        tenant_id=tenant_id, building_id=bid, resident_id=int(person["id"]),
        method=bulk_methods[k % len(bulk_methods)], nominators="[]", health_declared=True,
        eligible=True, reasons="[]", status="approved", notice_from=nominated_on,
        notice_until=notice_until, created_at=now) for k, (bid, person) in
        enumerate(sorted(chosen.items()))))
    candidates = {int(r["building_id"]): int(r["id"]) for r in await Candidate.select(
        Candidate.id, Candidate.building_id).where(Candidate.status == "approved")}
    await Appointment.insert(*(Appointment(
        tenant_id=tenant_id, building_id=bid, resident_id=int(person["id"]),
        candidate_id=candidates[bid], role="head", serving_head=bid, term_start=approved_on,
        term_end=term_end, party_group_lead=int(person["id"]) in party,  # 一肩挑: members only
        term_rule_version=int(term.version),
        created_at=now) for k, (bid, person) in enumerate(sorted(chosen.items()))))
    out = {int(r["building_id"]): int(r["id"]) for r in await Appointment.select(
        Appointment.id, Appointment.building_id)}
    await record("building_heads.appoint", account_id=None, object_type="building_heads_demo",
                 object_id=tenant_id, summary={"demo": True, "appointments": len(out)})
    return out


async def _pending_candidates(headless: set[int], by_building: dict[int, list[dict[str, Any]]],
                              party: set[int], today: date) -> None:
    """For the first building without a head: a candidate whose notice has ended (approve
    now), one in notice (by 党员互荐 when party members live there), one only nominated —
    through the services, as staff would."""
    for bid in sorted(headless):
        people = sorted(_fit(by_building[bid], today), key=lambda r: int(r["id"]))
        if len(people) < 3:
            continue
        members = sorted(r["id"] for r in by_building[bid] if int(r["id"]) in party
                         and r["id"] != people[1]["id"])[:2]
        Stage = tuple[dict[str, Any], date, bool, str, list[int]]
        stages: tuple[Stage, ...] = (
            (people[0], today - timedelta(days=10), True, "self", []),
            (people[1], today - timedelta(days=1), True,
             "party_mutual" if members else "residents", members),
            (people[2], today, False, "organisation", []))
        for person, day, notice, method, nominators in stages:
            candidate = await appointments.nominate(
                OWN_RULES, building_id=bid, resident_id=int(person["id"]),
                method=method, nominators=[int(n) for n in nominators],
                health_declared=True, account_id=None, today=day)
            if notice:
                await appointments.start_notice(OWN_RULES, int(candidate["id"]), None, day)
        return


async def _head_login(node: NodeInfo, heads: dict[int, int] | None) -> None:
    """The tenant's demo head login, linked (the first time) to the first serving term."""
    account_id = await demo_login(HEAD_LOGIN.format(code=node.code), f"{node.name}楼长",
                                  f"building head in {node.name}")
    if not heads:
        return
    building_id = min(heads)
    await grant_place_role(account_id, node.id, HEAD_ROLE, "building", building_id)
    await Appointment.update({Appointment.account_id: account_id}).where(
        Appointment.id == heads[building_id])


async def _visits(tenant_id: int, buildings: list[dict[str, Any]], heads: dict[int, int],
                  today: date, rng: random.Random) -> None:
    """Every household of a headed building: most visited this year, special ones most months
    (about half of them not yet this month, so the overdue lists have something)."""
    if not buildings:
        return
    households = await HOUSEHOLDS.select(HOUSEHOLDS.id, HOUSEHOLDS.building_id).where(
        HOUSEHOLDS.building_id.is_in([int(b["id"]) for b in buildings])).order_by(HOUSEHOLDS.id)
    tagged = RESIDENT_TAGS.select(RESIDENT_TAGS.resident_id).where(
        RESIDENT_TAGS.tag.is_in(SPECIAL_TAGS_DEFAULT))
    special = {int(r["household_id"]) for r in await RESIDENTS.select(
        RESIDENTS.household_id).where(RESIDENTS.id.is_in(tagged)) if r["household_id"]}
    start = date(today.year, 1, 1)
    span = (today - start).days
    now = _now()
    rows: list[Visit] = []

    def visit(h: dict[str, Any], on: date, way: str) -> None:
        b = int(h["building_id"])
        rows.append(Visit(tenant_id=tenant_id, building_id=b, household_id=int(h["id"]),
                          appointment_id=heads[b], visited_on=on, way=way, notes="",
                          created_at=now))

    for h in households:
        if int(h["id"]) in special:
            last_month = today.month - (1 if rng.random() < 0.5 else 0)
            for month in range(1, last_month + 1):
                day = min(rng.randint(1, 28), today.day if month == today.month else 28)
                visit(h, date(today.year, month, day), rng.choice(WAYS))
        elif rng.random() < 0.75:
            visit(h, start + timedelta(days=rng.randint(0, span)), "in_person")
    if rows:
        await Visit.insert(*rows)


async def _matters(node: NodeInfo, buildings: list[dict[str, Any]], heads: dict[int, int],
                   today: date) -> None:
    """For each community, one matter stopped at each step, one resolved early, one escalated
    and one handed to the grid worker (when the building's grid has one) — bulk rows."""
    by_community: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for b in buildings:
        if int(b["id"]) in heads:
            by_community[int(b["community_id"])].append(b)
    workers: dict[int, int] = {}
    grid_ids = sorted({int(b["grid_id"]) for b in buildings if b["grid_id"] is not None})
    for grid_id in grid_ids:
        held = await accounts_holding(node.id, "grid_worker", "grid", [grid_id])
        if held:
            workers[grid_id] = held[0]
    now = _now()
    plans: list[tuple[Matter, list[tuple[str, str, list[str], str, date]]]] = []
    for places in by_community.values():
        places.sort(key=lambda b: int(b["id"]))
        for k, title in enumerate(TITLES):
            b = places[k % len(places)]
            day = today - timedelta(days=45 - 3 * k)
            entries: list[tuple[str, str, list[str], str, date]] = [
                ("step", "raised", ["楼长"], f"{b['name']}居民反映：{title}", day)]
            steps = matters.STEPS[1:STOPS[k] + 1]
            for n, step in enumerate(steps):
                day += timedelta(days=4)
                entries.append(("step", step, PARTIES,
                                f"{matters.STEP_ZH[step]}：同意推进", day))
            step = steps[-1] if steps else "raised"
            matter = Matter(tenant_id=node.id, title=title, description=f"{b['name']}居民反映：{title}",
                            level="building", building_id=int(b["id"]),
                            compound_id=b["compound_id"], community_id=int(b["community_id"]),
                            step=step, status="open", raised_by_kind="head",
                            rating=5 if step == "evaluated" else None,
                            created_at=now, updated_at=now)
            if k == 6:
                matter.status, matter.resolution = "resolved", "楼内协商解决"
                entries.append(("resolve", step, ["楼长"], "楼内协商解决",
                                day + timedelta(days=1)))
            if k == 7 and b["compound_id"] is not None:
                matter.level = "compound"
                reason = f"{LEVEL_ZH['building']} → {LEVEL_ZH['compound']}：涉及全小区，提交小区议事"
                entries.append(("escalate", step, [], reason, day + timedelta(days=1)))
            worker = workers.get(int(b["grid_id"])) if b["grid_id"] is not None else None
            if k == 4 and worker is not None:
                matter.grid_account_id = worker
                entries.append(("handoff", step, [], "请网格员协调维修", day))
            plans.append((matter, entries))
    if not plans:
        return
    await Matter.insert(*(m for m, _ in plans))
    ids = [int(r["id"]) for r in await Matter.select(Matter.id).order_by(Matter.id)]
    await MatterStep.insert(*(MatterStep(
        tenant_id=node.id, matter_id=mid, kind=kind, step=step,
        participants=json.dumps(names, ensure_ascii=False), decision=decision, decided_on=on,
        created_at=now) for mid, (_, entries) in zip(ids, plans, strict=True)
        for kind, step, names, decision, on in entries))
    await record("building_heads.matter.raise", account_id=None,
                 object_type="building_heads_demo", object_id=node.id,
                 summary={"demo": True, "matters": len(ids)})


async def _station(buildings: list[dict[str, Any]], heads: dict[int, int], today: date
                   ) -> dict[str, Any] | None:
    """A station in the first compound with headed buildings (or, where no headed building
    is in a compound, in the first headed building's community), its rota for the next month."""
    headed = [b for b in buildings if int(b["id"]) in heads]
    if not headed:
        return None
    compound_ids = [b["compound_id"] for b in headed if b["compound_id"] is not None]
    compound = await get_compound(int(compound_ids[0])) if compound_ids else None
    if compound is not None:
        name, community_id, compound_id = compound.name, compound.community_id, compound.id
    else:
        community = await get_community(int(headed[0]["community_id"]))
        if community is None:
            return None
        name, community_id, compound_id = community.name, community.id, None
    station = await rota.create_station(name=f"{name}红旗驿站", community_id=community_id,
                                        compound_id=compound_id,
                                        fixed_head_resident_id=None, account_id=None)
    # the community's matters are deliberated at its station (its board)
    await Matter.update({Matter.station_id: int(station["id"])}).where(
        Matter.community_id == community_id)
    monday = today - timedelta(days=today.weekday())
    await rota.generate(int(station["id"]), monday, monday + timedelta(days=27), None)
    return station


async def _property_company(node: NodeInfo, station: dict[str, Any]) -> dict[str, Any]:
    """The station's community's property company, with its demo login (printed by
    ``linli demo``) holding ``building_heads.property`` at the community."""
    community_id = int(station["community_id"])
    account_id = await demo_login(PROPERTY_LOGIN.format(code=node.code), PROPERTY_NAME,
                                  f"property company in {node.name}")
    await grant_place_role(account_id, node.id, companies.PROPERTY_ROLE, "community",
                           community_id)
    row = PropertyCompany(tenant_id=node.id, community_id=community_id, name=PROPERTY_NAME,
                          contact="物业客服中心", account_id=account_id, created_at=_now())
    await PropertyCompany.insert(row)
    return {"id": int(row.id), "community_id": community_id, "account_id": account_id}


async def _meetings(tenant_id: int, station: dict[str, Any], today: date,
                    company: dict[str, Any] | None = None) -> None:
    """A 三方联席会议 taking up the station's community's matters at the joint step and a
    民情恳谈会 taking up those raised, at the station (two rows)."""
    community_id = int(station["community_id"])
    rows = await Matter.select(Matter.id, Matter.step).where(
        Matter.community_id == community_id)
    joint = sorted(int(r["id"]) for r in rows if r["step"] in ("joint", "residents"))
    raised = sorted(int(r["id"]) for r in rows if r["step"] == "raised")
    now = _now()
    await Meeting.insert(
        Meeting(tenant_id=tenant_id, kind="joint", station_id=int(station["id"]),
                community_id=community_id, held_on=today - timedelta(days=20),
                attendees=json.dumps({"community": ["社区书记", "社区主任"],
                                      "property": ["物业经理"], "heads": ["楼长甲", "楼长乙"]},
                                     ensure_ascii=False),
                property_company=PROPERTY_NAME,
                property_company_id=company["id"] if company else None,
                topics=json.dumps(["楼顶漏水维修", "电动车充电隐患"], ensure_ascii=False),
                decisions=json.dumps(["物业一周内维修", "加装集中充电桩，提交居民议事"],
                                     ensure_ascii=False),
                matter_ids=json.dumps(joint), created_at=now),
        Meeting(tenant_id=tenant_id, kind="opinion", station_id=int(station["id"]),
                community_id=community_id, held_on=today - timedelta(days=10),
                attendees=json.dumps({"community": ["社区主任"], "heads": ["楼长甲"],
                                      "residents": ["居民代表一", "居民代表二", "居民代表三"]},
                                     ensure_ascii=False),
                topics=json.dumps(["楼道照明", "门禁维修"], ensure_ascii=False),
                decisions=json.dumps(["报两委议事"], ensure_ascii=False),
                matter_ids=json.dumps(raised), created_at=now))


DUTIES: tuple[tuple[str, str, str, int, list[str], str], ...] = (
    ("policy_relay", "入户宣传老旧小区改造政策", "12户已知晓", 60, [], "closed"),
    ("building_affairs", "协助物业清理楼道杂物", "楼道已清理", 90, [], "closed"),
    ("mediation", "调解楼上漏水引起的邻里纠纷", "楼上住户负责维修，双方和解", 120,
     ["王某", "李某"], "closed"),
    ("opinion", "居民反映小区夜间照明不足", "", 20, [], "open"),
    ("safety", "发现电动车楼道充电隐患", "", 30, [], "open"),
    ("info_collection", "更新独居老人联系方式", "已报社区更新", 40, [], "closed"),
    ("campaign", "配合社区开展入户安全检查", "检查完毕", 180, [], "closed"),
)
"""One duty of each kind of the standard's service content (the opinion and the hazard still
open, so closing them can be walked)."""


async def _duties(tenant_id: int, buildings: list[dict[str, Any]], heads: dict[int, int],
                  by_building: dict[int, list[dict[str, Any]]], today: date) -> None:
    """A year of duties at the first headed building of each community (bulk rows)."""
    first: dict[int, int] = {}
    for b in sorted(buildings, key=lambda b: int(b["id"])):
        if int(b["id"]) in heads:
            first.setdefault(int(b["community_id"]), int(b["id"]))
    terms = {int(r["id"]): int(r["resident_id"]) for r in await Appointment.select(
        Appointment.id, Appointment.resident_id).where(
        Appointment.id.is_in([heads[b] for b in first.values()] or [-1]))}
    now = _now()
    rows = []
    for building_id in first.values():
        term = heads[building_id]
        for k, (kind, summary, outcome, minutes, parties, status) in enumerate(DUTIES):
            day = max(date(today.year, 1, 1), today - timedelta(days=20 * (len(DUTIES) - k)))
            rows.append(Duty(tenant_id=tenant_id, building_id=building_id, kind=kind,
                             done_on=day, appointment_id=term, resident_id=terms[term],
                             summary=summary, outcome=outcome, minutes=minutes,
                             parties=json.dumps(parties, ensure_ascii=False),
                             follow_up="一周后回访" if kind == "mediation" else "",
                             status=status, closed_on=day if status == "closed" else None,
                             created_at=now))
        day = max(date(today.year, 1, 1), today - timedelta(days=30))
        rows.append(Duty(tenant_id=tenant_id, building_id=building_id, kind="safety",
                         done_on=day, appointment_id=term, resident_id=terms[term],
                         summary="发现单元消防通道堵塞", outcome="已清理", minutes=25,
                         parties="[]", status="closed", assigned_to="物业维修班",
                         assigned_on=day + timedelta(days=1), closed_on=today,
                         created_at=now))
    if rows:
        await Duty.insert(*rows)
    for building_id in first.values():  # one update written back to core's record
        people = [r for r in by_building.get(building_id, []) if r["household_id"]]
        if not people:
            continue
        person = people[0]
        _, fields = await collect_resident_info(
            int(person["id"]), {"phone": f"139{int(person['id']) % 100000000:08d}"},
            account_id=None, source="building_heads")
        await Duty.update({Duty.household_id: person["household_id"],
                           Duty.collected: json.dumps({"resident_id": int(person["id"]),
                                                       "fields": fields})}).where(
            (Duty.building_id == building_id) & (Duty.kind == "info_collection"))


async def _handoffs(node: NodeInfo, heads: dict[int, int], company: dict[str, Any] | None,
                    today: date) -> None:
    """Both ways (双向进入): the matter handed to a grid worker, answered; at the demo head's
    building a matter and a task a grid worker handed the head (open); a matter handed to the
    property company (open) — bulk rows."""
    if not heads:
        return
    linked = {int(r["building_id"]): r["account_id"] for r in await Appointment.select(
        Appointment.building_id, Appointment.account_id).where(
        Appointment.id.is_in(sorted(heads.values())))}
    head_building = min(heads)
    head_account = linked.get(head_building)
    rows = await Matter.select().where(Matter.status == "open").order_by(Matter.id)
    now = _now()
    handoffs: list[Handoff] = []
    entries: list[MatterStep] = []

    def entry(matter: dict[str, Any], kind: str, text: str, on: date) -> None:
        entries.append(MatterStep(tenant_id=node.id, matter_id=int(matter["id"]), kind=kind,
                                  step=matter["step"], participants="[]", decision=text,
                                  decided_on=on, created_at=now))

    for m in rows:
        if m["grid_account_id"] is not None:
            handoffs.append(Handoff(
                tenant_id=node.id, object_kind="matter", object_id=int(m["id"]),
                building_id=m["building_id"], community_id=int(m["community_id"]),
                from_kind="head", from_account_id=linked.get(int(m["building_id"] or 0)),
                to_kind="grid_worker", to_account_id=int(m["grid_account_id"]),
                note="请网格员协调维修", handed_on=today - timedelta(days=6), status="answered",
                answer="已联系维修单位，三日内修复", answered_on=today - timedelta(days=4),
                answered_by=int(m["grid_account_id"]), created_at=now))
            entry(m, "followup", "网格员答复：已联系维修单位，三日内修复",
                  today - timedelta(days=4))
    building = await get_building(head_building)
    workers = await accounts_holding(node.id, "grid_worker", "grid",
                                     [building.grid_id] if building else [])
    mine = [m for m in rows if m["building_id"] == head_building and m["level"] == "building"
            and m["grid_account_id"] is None]
    if workers and head_account is not None:
        worker = workers[0]
        if mine:
            handoffs.append(Handoff(
                tenant_id=node.id, object_kind="matter", object_id=int(mine[-1]["id"]),
                building_id=head_building, community_id=int(mine[-1]["community_id"]),
                from_kind="grid_worker", from_account_id=worker, to_kind="head",
                to_account_id=head_account, note="网格巡查发现，请楼长牵头议一议",
                handed_on=today, status="open", created_at=now))
            entry(mine[-1], "handoff", "网格员转交楼长：网格巡查发现，请楼长牵头议一议", today)
        task = Duty(tenant_id=node.id, building_id=head_building, kind="info_collection",
                    done_on=today, recorded_by=worker, summary="核对本楼新入住住户信息",
                    parties="[]", status="open", created_at=now)
        await Duty.insert(task)
        handoffs.append(Handoff(
            tenant_id=node.id, object_kind="duty", object_id=int(task.id),
            building_id=head_building, community_id=building.community_id if building else 0,
            from_kind="grid_worker", from_account_id=worker, to_kind="head",
            to_account_id=head_account, note="本周内完成，结果报网格", handed_on=today,
            status="open", created_at=now))
    if company is not None:
        theirs = [m for m in rows if int(m["community_id"]) == company["community_id"]
                  and m["step"] in ("committees", "joint") and m["grid_account_id"] is None]
        if theirs:
            m = theirs[0]
            handoffs.append(Handoff(
                tenant_id=node.id, object_kind="matter", object_id=int(m["id"]),
                building_id=m["building_id"], community_id=int(m["community_id"]),
                from_kind="staff", from_account_id=None, to_kind="property",
                to_account_id=company["account_id"], to_property_id=company["id"],
                note="请物业拿出维修方案", handed_on=today, status="open", created_at=now))
            entry(m, "handoff", f"社区转交{PROPERTY_NAME}：请物业拿出维修方案", today)
    if handoffs:
        await Handoff.insert(*handoffs)
    if entries:
        await MatterStep.insert(*entries)


async def _survey(tenant_id: int, heads: dict[int, int], today: date, rng: random.Random
                  ) -> None:
    """Residents' survey of their head, last year and this, for the first few headed
    buildings: about two households in three answered (bulk rows)."""
    chosen = sorted(heads)[:4]
    if not chosen:
        return
    households = await HOUSEHOLDS.select(HOUSEHOLDS.id, HOUSEHOLDS.building_id).where(
        HOUSEHOLDS.building_id.is_in(chosen)).order_by(HOUSEHOLDS.id)
    now = _now()
    rows = [SurveyResponse(tenant_id=tenant_id, building_id=int(h["building_id"]), year=year,
                           household_id=int(h["id"]), score=rng.choice((3, 4, 4, 5, 5)),
                           created_at=now)
            for year in (today.year - 1, today.year) for h in households
            if rng.random() < 0.66]
    if rows:
        await SurveyResponse.insert(*rows)


async def _evaluations(today: date, terms: set[int]) -> None:
    """Last year's evaluation of the heads of the first few buildings (those with survey
    answers; their visits in the demo are this year's, so the results are weak and open
    improvement steps); one step gets its plan. The rest stay to be evaluated by the walk."""
    created = await evaluation.evaluate_year(OWN_RULES, today.year - 1, account_id=None,
                                             today=today, only=terms)
    weak = [r for r in created if r.get("improvement_open")]
    if weak:
        await evaluation.plan_improvement(int(weak[0]["id"]), "每月走访全楼住户，社区工作人员陪同",
                                          today + timedelta(days=90), account_id=None,
                                          today=today)
