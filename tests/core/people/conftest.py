"""Helpers for people tests: valid ID numbers and a seeder that builds places and residents
directly through the domain functions (fast), inside the tenant's scoped write transaction."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from core.people import places
from core.people.residents import apply_resident, make_resident_data
from core.people.validation import make_id_number
from tenants.service import scope_for

_serials = itertools.count(11)


def make_id(birth: date = date(1950, 3, 1), male: bool = True, area: str = "371502",
            serial: int | None = None) -> str:
    """A valid (fictitious) 身份证号; each call gives a fresh serial."""
    n = next(_serials) if serial is None else serial
    return make_id_number(area, birth, n * 2 + (1 if male else 0))


@dataclass
class Town:
    """A tenant with one community, two grids, a building in each, households and residents."""

    node: Any
    community: Any = None
    grids: list[Any] = field(default_factory=list)
    buildings: list[Any] = field(default_factory=list)
    households: list[Any] = field(default_factory=list)
    residents: list[Any] = field(default_factory=list)


class Seeder:
    def __init__(self, env: Any) -> None:
        self.env = env

    @property
    def key(self) -> str:
        return self.env.settings.pii_key

    def write(self, node: Any) -> Any:
        return self.env.state.db.scoped(scope_for(node), write=True)

    async def town(self, factory: Any, *, region: Any = None, per_household: int = 2,
                   households: int = 2) -> Town:
        town = Town(node=await factory.tenant(region))
        async with self.write(town.node):
            town.community = await places.new_community("御苑社区")
            for g in range(2):
                grid = await places.new_grid(town.community, f"第{g + 1}网格")
                town.grids.append(grid)
                building, _ = await places.ensure_building(town.community, f"{g + 1}号楼",
                                                           grid=grid)
                town.buildings.append(building)
                for h in range(households):
                    hh, _ = await places.ensure_household(building, f"{h + 1}01")
                    town.households.append(hh)
                    for m in range(per_household):
                        town.residents.append(await self._resident(hh, m))
        return town

    async def _resident(self, household: Any, member: int, **over: Any) -> Any:
        data = make_resident_data(**{
            "name": f"居民{household.id}-{member}", "id_number": make_id(),
            "phone": f"1380000{household.id % 10000:04d}", "household": household,
            "relation": "户主" if member == 0 else "配偶", "tags": ["党员"] if member else [],
            **over})
        rec, _ = await apply_resident(data, self.key)
        return rec

    async def resident(self, town: Town, household: Any, **over: Any) -> Any:
        async with self.write(town.node):
            rec = await self._resident(household, 9, **over)
        town.residents.append(rec)
        return rec


@pytest.fixture
def seed(linli_env: Any) -> Seeder:
    return Seeder(linli_env)


def gid(type_name: str, pk: int) -> str:
    from core.schema.relay import encode_global_id

    return str(encode_global_id(type_name, pk))


@pytest.fixture
def global_id() -> Any:
    return gid


@pytest.fixture
def new_id() -> Any:
    """``new_id(birth=..., male=...)``: a fresh valid 身份证号."""
    return make_id
