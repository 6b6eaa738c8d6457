"""A tenant with the building-head plugin on, and a resident (the *subject*) who is the serving
head of a building: with a phone, tags, a household, an account of their own, notifications,
a candidacy with a health note, visits made as head (through the GraphQL mutation), a visit to
their own household with notes, a visit task about them, leave, a station, a matter they raised
and their signature on its timeline. Modelled on ``tests/plugins/building_heads/conftest.py``."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from core.clock import today_shanghai
from core.identity.tables import Account
from core.notify.service import Notification
from core.people import places
from core.people.residents import apply_resident, make_resident_data
from core.schema.relay import encode_global_id
from plugins.building_heads.services import appointments as heads
from plugins.building_heads.tables import (
    Candidate,
    Leave,
    Matter,
    MatterStep,
    Station,
    Visit,
    VisitTask,
)
from tenants.plugins import change_plugin, fire_tenant_enabled
from tenants.service import scope_for

PLUGIN = "building_heads"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_serials = itertools.count(301)

LOG = """mutation($input: BuildingHeadLogVisitInput!) {
  buildingHeadLogVisit(input: $input) { __typename ... on UserError { code messageEn } } }"""


def make_id(birth: date, male: bool = True) -> str:
    seq = (next(_serials) * 2 + (1 if male else 0)) % 1000
    body = f"371502{birth:%Y%m%d}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS)) % 11]


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


@dataclass
class Town:
    env: Any
    node: Any
    buildings: list[Any] = field(default_factory=list)
    households: list[Any] = field(default_factory=list)
    """One per building."""
    residents: list[Any] = field(default_factory=list)

    def write(self) -> Any:
        return self.env.state.db.scoped(scope_for(self.node), write=True)

    def read(self) -> Any:
        return self.env.state.db.scoped(scope_for(self.node))


@dataclass
class Subject:
    town: Town
    resident: Any
    id_number: str
    phone: str
    name: str
    account: Any
    appointment_id: int
    admin: Any
    ids: dict[str, int] = field(default_factory=dict)


async def build_town(env: Any, factory: Any) -> Town:
    town = Town(env=env, node=await factory.tenant())
    async with town.write():
        community = await places.new_community("御苑社区")
        grid = await places.new_grid(community, "第1网格")
        for b in range(2):
            building, _ = await places.ensure_building(community, f"{b + 1}号楼", grid=grid)
            household, _ = await places.ensure_household(building, "101")
            town.buildings.append(building)
            town.households.append(household)
    async with env.state.db.transaction():
        newly = await change_plugin(town.node, PLUGIN, True)
    await fire_tenant_enabled(env.state.db, env.state.registry, PLUGIN, newly)
    return town


async def add_resident(town: Town, household: Any, name: str, *, phone: str | None = None,
                       tags: list[str] | None = None) -> tuple[Any, str]:
    id_number = make_id(date(1962, 5, 1))
    async with town.write():
        data = make_resident_data(name=name, id_number=id_number, household=household,
                                  relation="户主", phone=phone, tags=tags or [])
        rec, _ = await apply_resident(data, town.env.settings.pii_key)
    town.residents.append(rec)
    return rec, id_number


async def build_subject(env: Any, factory: Any, gql: Any) -> Subject:
    town = await build_town(env, factory)
    b0, h0 = town.buildings[0], town.households[0]
    phone = f"139{next(_serials):08d}"
    resident, id_number = await add_resident(town, h0, "李秀英", phone=phone,
                                             tags=["党员", "常住"])
    neighbour, _ = await add_resident(town, town.households[1], "王建国")
    account = await factory.account(town.node, "resident")
    async with env.state.db.transaction():
        await Account.update({Account.resident_id: resident.id,
                              Account.resident_tenant_id: town.node.id}).where(
            Account.id == account.id)
    rules = env.state.services.rules
    today = today_shanghai()
    noticed = today - timedelta(days=10)
    async with town.write():
        cand = await heads.nominate(rules, building_id=b0.id, resident_id=resident.id,
                                    method="organisation", nominators=[neighbour.id],
                                    health_declared=True, account_id=None, today=noticed)
        if not cand["eligible"]:
            await heads.override_eligibility(cand["id"], "测试 / test", None)
        await heads.start_notice(rules, cand["id"], None, noticed)
        await Candidate.update({Candidate.health_note: "高血压，按时服药"}).where(
            Candidate.id == cand["id"])
    async with town.write():
        appointment = await heads.approve(rules, cand["id"], account_id=None, today=today,
                                          term_start=today, link_account_id=account.id)
    # A visit made as head, through the API (the head role came with the appointment).
    out = await gql(LOG, {"input": {"householdId": gid("Household", town.households[0].id)}},
                    token=account.token, node=town.node.code)
    assert out["data"]["buildingHeadLogVisit"]["__typename"] == "BuildingHeadLogVisitPayload", out
    now = datetime.now(UTC)
    ids: dict[str, int] = {"candidate": int(cand["id"]), "neighbour": int(neighbour.id)}
    async with town.write():
        visit = Visit(tenant_id=town.node.id, building_id=b0.id, household_id=h0.id,
                      visited_on=today, way="phone", notes="独居，需要帮买药", created_at=now)
        await Visit.insert(visit)
        task = VisitTask(tenant_id=town.node.id, resident_id=resident.id, household_id=h0.id,
                         building_id=b0.id, reason_code="canteen_absent", due_on=today,
                         event_id=next(_serials), created_at=now)
        await VisitTask.insert(task)
        await Leave.insert(Leave(tenant_id=town.node.id, appointment_id=appointment["id"],
                                 starts_on=today, ends_on=today + timedelta(days=6),
                                 reason="住院复查", created_at=now))
        station = Station(tenant_id=town.node.id, name="红旗驿站", community_id=b0.community_id,
                          fixed_head_resident_id=resident.id, created_at=now)
        await Station.insert(station)
        matter = Matter(tenant_id=town.node.id, title="楼道灯坏了", level="building",
                        building_id=b0.id, community_id=b0.community_id,
                        raised_by_kind="resident", raised_by_resident_id=resident.id,
                        created_at=now, updated_at=now)
        await Matter.insert(matter)
        step = MatterStep(tenant_id=town.node.id, matter_id=matter.id, kind="step",
                          step="raised", participants='["李秀英", "王建国"]', decision="提出",
                          decided_on=today, created_at=now)
        await MatterStep.insert(step)
        for n, (to, about) in enumerate(((account.id, None), (account.id, resident.id))):
            await Notification.insert(Notification(
                tenant_id=town.node.id, account_id=to, kind="test.notice", title=f"通知{n}",
                body="请于周三前来社区", resident_id=about, created_at=now))
    ids.update(visit=int(visit.id), task=int(task.id), station=int(station.id),
               matter=int(matter.id), step=int(step.id))
    admin = await factory.account(town.node, "tenant_admin")
    return Subject(town=town, resident=resident, id_number=id_number, phone=phone,
                   name="李秀英", account=account, appointment_id=int(appointment["id"]),
                   admin=admin, ids=ids)


@pytest.fixture
async def subject(linli_env: Any, factory: Any, gql: Any) -> Subject:
    return await build_subject(linli_env, factory, gql)


@pytest.fixture
def new_id() -> Any:
    """A fresh valid (fictitious) 身份证号."""
    return lambda: make_id(date(1958, 7, 9))
