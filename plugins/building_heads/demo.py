"""Demo data for a demo tenant (``linli demo``): heads for most buildings, home visits spread over
the year (some special households overdue this month), matters at every step of the four-step
method on each community's board, and a 红旗驿站 station with a rota.

Runs inside a write scope for the tenant (the ``linli_demo_data`` hook); does nothing when the
plugin already has rows there, so ``make run`` can be repeated. Deterministic per tenant."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.plugin import (
    HOUSEHOLDS,
    RESIDENT_TAGS,
    RESIDENTS,
    Access,
    NodeInfo,
    accounts_holding,
    buildings_in,
    get_community,
    get_compound,
    get_node,
    residents_in,
    system_access,
    today_shanghai,
)
from plugins.building_heads.rules import SPECIAL_TAGS_DEFAULT
from plugins.building_heads.services import appointments, matters, rota
from plugins.building_heads.services.common import OWN_RULES
from plugins.building_heads.tables import Appointment, Matter, Station, Visit

__all__ = ["seed_demo"]

HEAD_SHARE = 0.8
"""Roughly this share of buildings gets a head."""
METHODS = ("self", "party_mutual", "residents", "organisation", "party_claim")
TITLES = ("楼道声控灯不亮", "单元门禁损坏", "楼顶漏水需维修", "电动车楼道充电隐患", "加装电梯意向征集",
          "小区停车位划线", "垃圾分类投放点调整", "绿化带改建小菜园")
WAYS = ("in_person", "in_person", "phone", "message")


def _system(node: NodeInfo) -> Access:
    """The demo acts as a deployment operator (every check passes; audited without account)."""
    return system_access(node)


async def seed_demo(tenant_id: int) -> None:
    """Seed the tenant's demo rows (inside a write scope for ``tenant_id``), once."""
    if (await Appointment.exists() or await Matter.exists() or await Visit.exists()
            or await Station.exists()):
        return
    node = await get_node(tenant_id)
    if node is None:
        return
    rng = random.Random(tenant_id)
    today = today_shanghai()
    buildings = [asdict(b) for b in await buildings_in()]
    if not buildings:
        return
    heads = await _appoint_heads(buildings, today, rng)
    await _visits(tenant_id, [b for b in buildings if b["id"] in heads], heads, today, rng)
    await _matters(node, buildings, heads, today)
    await _station(buildings, heads, today)


async def _appoint_heads(buildings: list[dict[str, Any]], today: date, rng: random.Random
                         ) -> dict[int, int]:
    """Building id → appointment id, through nomination, notice and approval."""
    rules = OWN_RULES
    residents = [asdict(r) for r in await residents_in()]
    by_building: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in residents:
        if r["building_id"] is not None:
            by_building[int(r["building_id"])].append(r)
    nominated_on = date(today.year - 1, 3, 1)
    approved_on = nominated_on + timedelta(days=10)
    out: dict[int, int] = {}
    for i, building in enumerate(buildings):
        if rng.random() > HEAD_SHARE:
            continue
        fit = [r for r in by_building[int(building["id"])]
               if 35 <= appointments.age_on(r["birth_date"], approved_on) <= 64]
        if not fit:
            continue
        person = rng.choice(fit)
        candidate = await appointments.nominate(
            rules, building_id=int(building["id"]), resident_id=int(person["id"]),
            method=METHODS[i % len(METHODS)], nominators=[], health_declared=True,
            account_id=None, today=nominated_on)
        await appointments.start_notice(rules, int(candidate["id"]), None, nominated_on)
        term = await appointments.approve(rules, int(candidate["id"]), account_id=None,
                                          today=approved_on, party_group_lead=i % 3 == 0)
        out[int(building["id"])] = int(term["id"])
    return out


async def _visits(tenant_id: int, buildings: list[dict[str, Any]], heads: dict[int, int],
                  today: date, rng: random.Random) -> None:
    """Every household of a headed building: most visited this year, special ones most months
    (about half of them not yet this month, so the overdue lists have something)."""
    if not buildings:
        return
    households = await HOUSEHOLDS.select(HOUSEHOLDS.id, HOUSEHOLDS.building_id).where(
        HOUSEHOLDS.building_id.is_in([int(b["id"]) for b in buildings])).order_by(HOUSEHOLDS.id)
    special_rows = await RESIDENT_TAGS.select(RESIDENT_TAGS.resident_id).where(
        RESIDENT_TAGS.tag.is_in(SPECIAL_TAGS_DEFAULT))
    special_residents = [int(r["resident_id"]) for r in special_rows]
    special: set[int] = set()
    if special_residents:
        members = await RESIDENTS.select(RESIDENTS.household_id).where(
            RESIDENTS.id.is_in(special_residents))
        special = {int(r["household_id"]) for r in members if r["household_id"] is not None}
    start = date(today.year, 1, 1)
    span = (today - start).days
    now = datetime.now(UTC)
    rows: list[Visit] = []

    def visit(h: dict[str, Any], on: date) -> None:
        b = int(h["building_id"])
        rows.append(Visit(tenant_id=tenant_id, building_id=b, household_id=int(h["id"]),
                          appointment_id=heads[b], visited_on=on, way=rng.choice(WAYS),
                          notes="", created_at=now))

    for h in households:
        if int(h["id"]) in special:
            last_month = today.month - (1 if rng.random() < 0.5 else 0)
            for month in range(1, last_month + 1):
                day = min(rng.randint(1, 28), today.day if month == today.month else 28)
                visit(h, date(today.year, month, day))
        elif rng.random() < 0.75:
            visit(h, start + timedelta(days=rng.randint(0, span)))
    if rows:
        await Visit.insert(*rows)


async def _grid_worker(tenant_id: int, grid_id: int) -> int | None:
    workers = await accounts_holding(tenant_id, "grid_worker", "grid", [grid_id])
    return workers[0] if workers else None


async def _matters(node: NodeInfo, buildings: list[dict[str, Any]], heads: dict[int, int],
                   today: date) -> None:
    """For each community, one matter stopped at each step, one resolved early, one escalated
    and one handed to the grid worker (when the building's grid has one)."""
    access = _system(node)
    by_community: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for b in buildings:
        if int(b["id"]) in heads:
            by_community[int(b["community_id"])].append(b)
    steps = matters.STEPS[1:]
    for places in by_community.values():
        for k, title in enumerate(TITLES):
            b = places[k % len(places)]
            day = today - timedelta(days=45 - 3 * k)
            matter, _ = await matters.raise_matter(
                access, title=title, description=f"{b['name']}居民反映：{title}",
                building_id=int(b["id"]), participants=["楼长"], raised_on=day, live=False)
            mid = int(matter["id"])
            stop = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 1, 7: 0}[k]
            for n, step in enumerate(steps[:stop]):
                day += timedelta(days=4)
                await matters.advance_matter(
                    access, mid, step, participants=["社区书记", "物业经理", "楼长"],
                    decision=f"{matters.STEP_ZH[step]}：同意推进", decided_on=day,
                    rating=5 - n % 2 if step == "evaluated" else None, live=False)
            if k == 6:
                await matters.resolve_matter(access, mid, "楼内协商解决", participants=["楼长"],
                                             decided_on=day + timedelta(days=1), live=False)
            if k == 7 and b["compound_id"] is not None:
                await matters.escalate_matter(access, mid, "涉及全小区，提交小区议事",
                                              decided_on=day + timedelta(days=1), live=False)
            if k == 4:
                worker = await _grid_worker(node.id, int(b["grid_id"]))
                if worker is not None:
                    await matters.hand_off_matter(access, mid, worker, "请网格员协调维修",
                                                  decided_on=day, live=False)


async def _station(buildings: list[dict[str, Any]], heads: dict[int, int], today: date) -> None:
    """A station in the first compound with headed buildings (or, where no headed building
    is in a compound, in the first headed building's community), its rota for the next month."""
    headed = [b for b in buildings if int(b["id"]) in heads]
    if not headed:
        return
    compound_ids = [b["compound_id"] for b in headed if b["compound_id"] is not None]
    compound = await get_compound(int(compound_ids[0])) if compound_ids else None
    if compound is not None:
        name, community_id, compound_id = compound.name, compound.community_id, compound.id
    else:
        community = await get_community(int(headed[0]["community_id"]))
        if community is None:
            return
        name, community_id, compound_id = community.name, community.id, None
    station = await rota.create_station(name=f"{name}红旗驿站", community_id=community_id,
                                        compound_id=compound_id,
                                        fixed_head_resident_id=None, account_id=None)
    monday = today - timedelta(days=today.weekday())
    await rota.generate(int(station["id"]), monday, monday + timedelta(days=27), None)
