"""Fixtures for the canteen plugin's tests: a city with two districts, a street office in each
(both with the plugin on), an operating canteen in each, residents of street A registered in the
city's elder registry, and helpers to record meals through the services."""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the test modules' helper, canteen_kit
from canteen_kit import enable, operating_canteen

from core.people import places
from core.people.residents import apply_resident, make_resident_data
from core.people.validation import make_id_number
from core.plugin import Access, system_access
from tenants.service import scope_for

_serials = itertools.count(301)


@dataclass
class Street:
    node: Any
    household: Any = None
    canteen: dict[str, Any] = field(default_factory=dict)


@dataclass
class City:
    env: Any
    city: Any
    a: Street
    b: Street

    def write(self, street: Street) -> Any:
        return self.env.state.db.scoped(scope_for(street.node), write=True)

    def read(self, street: Street) -> Any:
        return self.env.state.db.scoped(scope_for(street.node))

    @staticmethod
    def system(street: Street) -> Access:
        return system_access(street.node)

    async def resident(self, street: Street, name: str, birth: date,
                       tags: list[str] | None = None) -> Any:
        async with self.write(street):
            data = make_resident_data(
                name=name, id_number=make_id_number("371502", birth, next(_serials) * 2 + 1),
                household=street.household, relation="户主" if not tags else "其他",
                tags=tags or [])
            rec, _ = await apply_resident(data, self.env.settings.pii_key)
        return rec

    async def elder(self, name: str, birth: date, tags: list[str] | None = None,
                    street: Street | None = None) -> dict[str, Any]:
        from plugins.canteen.services import elders

        street = street or self.a
        rec = await self.resident(street, name, birth, tags)
        async with self.write(street):
            return await elders.register_elder(self.system(street), rec.id)

    async def meal(self, street: Street, elder: dict[str, Any], day: date, slot: str = "lunch",
                   price: int = 1000, access: Access | None = None) -> dict[str, Any]:
        from plugins.canteen.services import meals

        async with self.write(street):
            done = await meals.record_meal(access or self.system(street),
                                           int(street.canteen["id"]), served_on=day, slot=slot,
                                           price_fen=price, elder_id=int(elder["id"]))
        return done.meal


async def build_city(env: Any, factory: Any) -> City:
    city = await factory.region("city", name="聊城市")
    streets = []
    for n in range(2):
        district = await factory.region("district", parent=city, name=f"区{n}")
        node = await factory.tenant(district, name=f"街道{n}")
        street = Street(node=node)
        async with env.state.db.scoped(scope_for(node), write=True):
            community = await places.new_community(f"社区{n}")
            building, _ = await places.ensure_building(community, "1号楼")
            street.household, _ = await places.ensure_household(building, "101")
        await enable(env, node)
        street.canteen = await operating_canteen(env, street, f"幸福食堂{n}")
        streets.append(street)
    return City(env=env, city=city, a=streets[0], b=streets[1])


@pytest.fixture
async def city(linli_env: Any, factory: Any) -> City:
    return await build_city(linli_env, factory)
