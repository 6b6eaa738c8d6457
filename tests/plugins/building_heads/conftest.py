"""Fixtures for the building-head plugin's tests: a tenant with the plugin enabled, a community
with a compound, two grids, three buildings, households and residents (ages and tags chosen to
exercise the rules), and accounts for a coordinator, a grid worker and would-be heads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from core.identity.service import grant_membership
from core.plugin import get_compound, scope_for, today_shanghai
from core.schema.relay import encode_global_id
from plugins.building_heads.tables import Appointment, Visit, VisitTask

PLUGIN = "building_heads"

LOG = """mutation($input: BuildingHeadLogVisitInput!) {
  buildingHeadLogVisit(input: $input) {
    __typename
    ... on BuildingHeadLogVisitPayload { visit { id visitedOn way notes room buildingName }
                                         closedTaskIds matterId }
    ... on UserError { code field messageZh messageEn }
  }
}"""
"""The visit-logging mutation (``heads_kit.LOG``)."""


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


@dataclass
class World:
    """One tenant's places and people for building-head tests."""

    env: Any
    node: Any
    factory: Any
    community: Any = None
    compound: Any = None
    grids: list[Any] = field(default_factory=list)
    buildings: list[Any] = field(default_factory=list)
    households: dict[int, list[Any]] = field(default_factory=dict)
    """building id → households."""
    residents: dict[int, list[Any]] = field(default_factory=dict)
    """household id → residents."""

    def write(self) -> Any:
        return self.env.state.db.scoped(scope_for(self.node), write=True)

    def read(self) -> Any:
        return self.env.state.db.scoped(scope_for(self.node))

    async def resident(self, household: Any, *, name: str, birth: date, male: bool = True,
                       tags: list[str] | None = None) -> Any:
        """A resident of ``household`` (the test kit's factory: a valid ID number)."""
        rec = await self.factory.resident(household, name, birth=birth, male=male, tags=tags)
        self.residents.setdefault(household.id, []).append(rec)
        return rec


async def build_world(env: Any, factory: Any, enable_plugin: Callable[..., Any], *,
                      enable: bool = True, region: Any = None) -> World:
    """Three buildings (two in grid 1 in the compound, one in grid 2), three households each,
    one resident per household; household 0 of building 0 is tagged 鳏寡孤独 (special). Places
    and residents come from the test kit's factories."""
    node = await factory.tenant(region)
    world = World(env=env, node=node, factory=factory)
    world.community = await factory.community(node, "御苑社区")
    for g in range(2):
        world.grids.append(await factory.grid(world.community, f"第{g + 1}网格"))
    for b in range(3):
        building = await factory.building(
            world.community, f"{b + 1}号楼", grid=world.grids[0] if b < 2 else world.grids[1],
            compound="新纺苑小区" if b < 2 else None)
        world.buildings.append(building)
        world.households[building.id] = [await factory.household(building, f"{h + 1}01")
                                         for h in range(3)]
    async with world.read():
        world.compound = await get_compound(world.buildings[0].compound_id)
    for b, building in enumerate(world.buildings):
        for h, household in enumerate(world.households[building.id]):
            tags = ["鳏寡孤独"] if (b, h) == (0, 0) else (["党员", "常住"] if h == 1 else [])
            await world.resident(household, name=f"居民{b}{h}", birth=date(1960 + b, 3, h + 1),
                                 tags=tags)
    if enable:
        await enable_plugin(node, PLUGIN)
    return world


@pytest.fixture
async def world(linli_env: Any, factory: Any, enable_plugin: Callable[..., Any]) -> World:
    return await build_world(linli_env, factory, enable_plugin)


@pytest.fixture
def make_world(linli_env: Any, factory: Any, enable_plugin: Callable[..., Any]) -> Any:
    async def make(**kw: Any) -> World:
        return await build_world(linli_env, factory, enable_plugin, **kw)
    return make


class HeadsKit:
    """Helpers of the plugin's tests (the ``heads_kit`` fixture): appointments made through
    the plugin's own services (a candidate nominated and noticed in the past, a serving head),
    a head appointed directly, visits written with chosen dates, switching the plugin."""

    LOG = LOG

    def __init__(self, factory: Any, enable_plugin: Callable[..., Any]) -> None:
        self.factory = factory
        self._enable_plugin = enable_plugin

    async def enable(self, node: Any, enabled: bool = True) -> None:
        """Switch the plugin at ``node`` (the test kit's ``enable_plugin``)."""
        await self._enable_plugin(node, PLUGIN, enabled)

    async def appoint(self, world: World, building: Any, *, serving: bool = True,
                      membership: bool = True) -> Any:
        """A head account for ``building``: the role at the building and (``serving``) an open
        appointment linking the account to it."""
        env = world.env
        account = await self.factory.account(world.node, None)
        if membership:
            async with env.state.db.transaction():
                await grant_membership(account.id, world.node.id, "building_heads.head",
                                       "building", building.id, rolebook=env.state.rolebook,
                                       by_workflow=True)
        if serving:
            resident = world.residents[world.households[building.id][1].id][0]
            today = today_shanghai()
            async with world.write():
                await Appointment.insert(Appointment(
                    tenant_id=world.node.id, building_id=building.id, resident_id=resident.id,
                    account_id=account.id, role="head", serving_head=building.id,
                    term_start=today - timedelta(days=365),
                    term_end=today + timedelta(days=700), created_at=datetime.now(UTC)))
        return account

    @staticmethod
    async def add_visits(world: World, visits: list[tuple[Any, date]]) -> None:
        """Write visits ``(household, day)`` directly (any day, for hand-computed figures)."""
        async with world.write():
            await Visit.insert(*(Visit(tenant_id=world.node.id, building_id=h.building_id,
                                       household_id=h.id, visited_on=day, way="in_person",
                                       notes="", created_at=datetime.now(UTC))
                                 for h, day in visits))

    @staticmethod
    async def tasks_of(world: World, resident_id: int) -> list[dict[str, Any]]:
        async with world.read():
            return list(await VisitTask.select().where(VisitTask.resident_id == resident_id))

    @staticmethod
    async def tag(world: World, household: Any, name: str, tags: list[str]) -> Any:
        """A further resident of ``household`` holding ``tags``."""
        return await world.resident(household, name=name, birth=date(1950, 1, 2), tags=tags)

    @staticmethod
    async def nominate_noticed(world: World, rules: Any, building: Any, resident: Any,
                               noticed_on: date) -> int:
        from plugins.building_heads.services import appointments as svc

        async with world.write():
            cand = await svc.nominate(rules, building_id=building.id, resident_id=resident.id,
                                      method="organisation", nominators=[],
                                      health_declared=True, account_id=None, today=noticed_on)
            await svc.override_eligibility(cand["id"], "测试 / test", None) \
                if not cand["eligible"] else None
            await svc.start_notice(rules, cand["id"], None, noticed_on)
        return int(cand["id"])

    @classmethod
    async def make_head(cls, world: World, rules: Any, building: Any, resident: Any, *,
                        start: date | None = None, link_account_id: int | None = None) -> int:
        """A serving head of ``building`` from ``start`` (default: today); the appointment id."""
        from datetime import timedelta

        from plugins.building_heads.rules import RULES  # noqa: F401 - the plugin is loaded
        from plugins.building_heads.services import appointments as svc

        start = start or date.today()
        cid = await cls.nominate_noticed(world, rules, building, resident,
                                         start - timedelta(days=10))
        async with world.write():
            row = await svc.approve(rules, cid, account_id=None, today=start, term_start=start,
                                    link_account_id=link_account_id)
        return int(row["id"])


@pytest.fixture
def heads_kit(factory: Any, enable_plugin: Callable[..., Any]) -> HeadsKit:
    return HeadsKit(factory, enable_plugin)
