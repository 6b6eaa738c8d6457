"""Fixtures for the building-head plugin's tests: a tenant with the plugin enabled, a community
with a compound, two grids, three buildings, households and residents (ages and tags chosen to
exercise the rules), and accounts for a coordinator, a grid worker and would-be heads."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from core.people import places
from core.people.residents import apply_resident, make_resident_data
from core.people.validation import make_id_number
from core.schema.relay import encode_global_id
from tenants.plugins import change_plugin, fire_tenant_enabled
from tenants.service import scope_for

PLUGIN = "building_heads"
_serials = itertools.count(101)


def make_id(birth: date, male: bool = True) -> str:
    return make_id_number("371502", birth, next(_serials) * 2 + (1 if male else 0))


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


@dataclass
class World:
    """One tenant's places and people for building-head tests."""

    env: Any
    node: Any
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
        async with self.write():
            data = make_resident_data(name=name, id_number=make_id(birth, male),
                                      household=household, relation="户主",
                                      tags=tags or [])
            rec, _ = await apply_resident(data, self.env.settings.pii_key)
        self.residents.setdefault(household.id, []).append(rec)
        return rec


async def build_world(env: Any, factory: Any, *, enable: bool = True, region: Any = None
                      ) -> World:
    """Three buildings (two in grid 1 in the compound, one in grid 2), three households each,
    one resident per household; household 0 of building 0 is tagged 鳏寡孤独 (special)."""
    node = await factory.tenant(region)
    world = World(env=env, node=node)
    async with world.write():
        world.community = await places.new_community("御苑社区")
        world.compound = await places.ensure_compound(world.community, "新纺苑小区")
        for g in range(2):
            world.grids.append(await places.new_grid(world.community, f"第{g + 1}网格"))
        for b in range(3):
            grid = world.grids[0] if b < 2 else world.grids[1]
            building, _ = await places.ensure_building(
                world.community, f"{b + 1}号楼", grid=grid,
                compound=world.compound if b < 2 else None)
            world.buildings.append(building)
            world.households[building.id] = []
            for h in range(3):
                household, _ = await places.ensure_household(building, f"{h + 1}01")
                world.households[building.id].append(household)
    for b, building in enumerate(world.buildings):
        for h, household in enumerate(world.households[building.id]):
            tags = ["鳏寡孤独"] if (b, h) == (0, 0) else (["党员", "常住"] if h == 1 else [])
            await world.resident(household, name=f"居民{b}{h}", birth=date(1960 + b, 3, h + 1),
                                 tags=tags)
    if enable:
        await enable_plugin(env, node)
    return world


async def enable_plugin(env: Any, node: Any, enabled: bool = True) -> None:
    async with env.state.db.transaction():
        newly = await change_plugin(node, PLUGIN, enabled)
    await fire_tenant_enabled(env.state.db, env.state.registry, PLUGIN, newly)


@pytest.fixture
async def world(linli_env: Any, factory: Any) -> World:
    return await build_world(linli_env, factory)


@pytest.fixture
def make_world(linli_env: Any, factory: Any) -> Any:
    async def make(**kw: Any) -> World:
        return await build_world(linli_env, factory, **kw)
    return make


class HeadsKit:
    """Appointments made through the plugin's own services (for the rota, evaluation and
    appointment tests): a candidate nominated and noticed in the past, and a serving head."""

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
def heads_kit() -> HeadsKit:
    return HeadsKit()
