"""Factories for places and residents (the ``factory`` fixture's place methods).

Every call makes fresh rows in the tenant's own write scope, with unique names, so tests share
nothing; residents get a valid (fictitious) 身份证号 from :func:`id_number`.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from core.people import places
from core.people.residents import apply_resident, make_resident_data
from core.people.validation import make_id_number
from tenants.service import get_node, scope_for

__all__ = ["PlacesFactory", "id_number"]

_serials = itertools.count(101)
_names = itertools.count(1)


def id_number(birth: date = date(1950, 3, 1), *, male: bool = True,
              area: str = "371502") -> str:
    """A valid, fictitious 身份证号 for ``birth``; a fresh serial on every call (odd = male)."""
    return make_id_number(area, birth, next(_serials) * 2 + (1 if male else 0))


class PlacesFactory:
    """Community → grid → building → household → resident, each in its tenant's scope."""

    env: Any

    @asynccontextmanager
    async def _write(self, tenant_id: int) -> AsyncIterator[None]:
        """The write scope of the tenant owning a place record."""

        db = self.env.state.db
        async with db.transaction(write=False):
            node = await get_node(tenant_id)
        async with db.scoped(_scope(node), write=True):
            yield

    async def community(self, tenant: Any, name: str | None = None, *,
                        kind: str = "community") -> Any:
        """A new 社区 (or ``kind="village"``, 村) in ``tenant``."""
        async with self.env.state.db.scoped(_scope(tenant), write=True):
            return await places.new_community(name or f"测试社区{next(_names)}", kind)

    async def grid(self, community: Any, name: str | None = None) -> Any:
        async with self._write(community.tenant_id):
            return await places.new_grid(community, name or f"第{next(_names)}网格")

    async def building(self, community: Any, name: str | None = None, *, grid: Any = None,
                       compound: str | None = None) -> Any:
        """A building of ``community`` (in ``grid``, else the community's default grid; in a
        compound of that name when given)."""
        async with self._write(community.tenant_id):
            comp = await places.ensure_compound(community, compound) if compound else None
            building, _ = await places.ensure_building(
                community, name or f"{next(_names)}号楼", grid=grid, compound=comp)
            return building

    async def household(self, building: Any, room: str | None = None) -> Any:
        async with self._write(building.tenant_id):
            household, _ = await places.ensure_household(building, room or f"{next(_names)}01")
            return household

    async def resident(self, household: Any, name: str = "测试居民", *,
                       birth: date = date(1950, 3, 1), male: bool = True,
                       tags: list[str] | None = None, relation: str = "户主",
                       phone: str | None = None) -> Any:
        """A resident of ``household`` with a valid ID number (tags by code or label)."""
        async with self._write(household.tenant_id):
            data = make_resident_data(name=name, id_number=id_number(birth, male=male),
                                      household=household, relation=relation,
                                      tags=tags or [], phone=phone)
            rec, _ = await apply_resident(data, self.env.settings.pii_key)
            return rec

    async def place(self, tenant: Any) -> Any:
        """One of each in ``tenant``: ``.community``, ``.grid``, ``.building``, ``.household``,
        ``.resident`` (a namespace)."""
        from types import SimpleNamespace

        community = await self.community(tenant)
        grid = await self.grid(community)
        building = await self.building(community, grid=grid)
        household = await self.household(building)
        resident = await self.resident(household)
        return SimpleNamespace(community=community, grid=grid, building=building,
                               household=household, resident=resident)


def _scope(node: Any) -> Any:

    return scope_for(node)
