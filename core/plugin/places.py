"""Read access to places (communities, compounds, grids, buildings, households) for plugins.

Everything here runs inside the caller's scoped transaction (``ctx.read()``/``ctx.write()``,
a job's scope): rows of other tenants are never seen, and nothing here writes. Lookups return
frozen records (``core.people.records``), batch functions take many ids in one statement so a
DataLoader stays N+1-free, and :class:`ReadView` gives a plugin read-only column references for
the few aggregate queries that must join its own tables with core's in SQL (coverage counts):
``select``/``exists``/``count`` only, no writes, no raw SQL, and only the listed columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Generic, TypeVar

from piccolo.query import Count, Exists, Select

from core.db import ScopedTable
from core.people.records import (
    BuildingRec,
    CommunityRec,
    CompoundRec,
    GridRec,
    HouseholdRec,
    from_row,
)
from core.people.tables import (
    Building,
    Community,
    Compound,
    Grid,
    Household,
    Resident,
    ResidentTag,
    Unit,
)

__all__ = [
    "BUILDINGS",
    "COMMUNITIES",
    "COMPOUNDS",
    "GRIDS",
    "HOUSEHOLDS",
    "RESIDENTS",
    "RESIDENT_TAGS",
    "BuildingRec",
    "CommunityRec",
    "CompoundRec",
    "GridRec",
    "HouseholdRec",
    "ReadView",
    "buildings_by_ids",
    "buildings_in",
    "get_building",
    "get_community",
    "get_compound",
    "get_grid",
    "get_household",
    "grids_of_community",
    "households_by_ids",
    "place_names",
]

R = TypeVar("R")


def _ids(values: Iterable[int]) -> list[int]:
    """A non-empty id list for ``is_in`` (``[-1]`` matches nothing)."""
    return sorted({int(v) for v in values}) or [-1]


class ReadView(Generic[R]):
    """Read-only column references of one core table, for SQL that joins a plugin's tables
    with core's (sub-selects, grouped counts). Only the listed columns exist; the queries are
    filtered by the current scope like every scoped read; nothing can be written."""

    def __init__(self, table: type[ScopedTable], columns: Sequence[str]) -> None:
        self._table = table
        self._columns = ("id", "tenant_id", *columns)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in self._columns:
            raise AttributeError(f"{self._table.__name__}.{name} is not part of the plugin API "
                                 f"(readable columns: {', '.join(self._columns)})")
        return getattr(self._table, name)

    @property
    def columns(self) -> tuple[str, ...]:
        return self._columns

    def select(self, *columns: Any) -> Select[Any]:
        """``SELECT`` of the given columns (all readable ones when none is given)."""
        chosen = columns or tuple(getattr(self._table, c) for c in self._columns)
        return self._table.select(*chosen)

    def exists(self) -> Exists[Any]:
        return self._table.exists()

    def count(self) -> Count:
        return self._table.count()


COMMUNITIES: ReadView[CommunityRec] = ReadView(Community, ("name", "code", "kind"))
COMPOUNDS: ReadView[CompoundRec] = ReadView(Compound, ("community_id", "name"))
GRIDS: ReadView[GridRec] = ReadView(Grid, ("community_id", "code", "name", "is_default"))
BUILDINGS: ReadView[BuildingRec] = ReadView(
    Building, ("community_id", "compound_id", "grid_id", "name"))
HOUSEHOLDS: ReadView[HouseholdRec] = ReadView(
    Household, ("building_id", "unit_id", "room", "community_id", "grid_id"))
RESIDENTS: ReadView[Any] = ReadView(
    Resident, ("name", "gender", "birth_date", "household_id", "relation", "is_head",
               "community_id", "grid_id", "building_id"))
"""Residents without their personal fields (ID number, phone: neither cipher nor index)."""
RESIDENT_TAGS: ReadView[Any] = ReadView(ResidentTag, ("resident_id", "tag"))


async def _by_ids(table: Any, rec: type[R], ids: Iterable[int]) -> dict[int, R]:
    rows = await table.select().where(table.id.is_in(_ids(ids)))
    return {int(r["id"]): from_row(rec, r) for r in rows}


async def get_community(community_id: int) -> CommunityRec | None:
    return (await _by_ids(Community, CommunityRec, [community_id])).get(community_id)


async def get_compound(compound_id: int) -> CompoundRec | None:
    return (await _by_ids(Compound, CompoundRec, [compound_id])).get(compound_id)


async def get_grid(grid_id: int) -> GridRec | None:
    return (await _by_ids(Grid, GridRec, [grid_id])).get(grid_id)


async def get_building(building_id: int) -> BuildingRec | None:
    return (await _by_ids(Building, BuildingRec, [building_id])).get(building_id)


async def get_household(household_id: int) -> HouseholdRec | None:
    return (await _by_ids(Household, HouseholdRec, [household_id])).get(household_id)


async def buildings_by_ids(ids: Iterable[int]) -> dict[int, BuildingRec]:
    """The buildings in scope among ``ids`` (one statement)."""
    return await _by_ids(Building, BuildingRec, ids)


async def households_by_ids(ids: Iterable[int]) -> dict[int, HouseholdRec]:
    """The households in scope among ``ids`` (one statement)."""
    return await _by_ids(Household, HouseholdRec, ids)


async def buildings_in(*, community_ids: Iterable[int] | None = None,
                       compound_ids: Iterable[int] | None = None,
                       grid_ids: Iterable[int] | None = None) -> list[BuildingRec]:
    """Buildings in any of the given communities, compounds or grids (by id); every building
    in scope when nothing is given."""
    query = Building.select()
    given = [(Building.community_id, community_ids), (Building.compound_id, compound_ids),
             (Building.grid_id, grid_ids)]
    condition: Any = None
    for column, values in given:
        if values is None:
            continue
        part = column.is_in(_ids(values))
        condition = part if condition is None else condition | part
    if condition is not None:
        query = query.where(condition)
    return [from_row(BuildingRec, r) for r in await query.order_by(Building.id)]


async def grids_of_community(community_id: int) -> list[GridRec]:
    rows = await Grid.select().where(Grid.community_id == community_id).order_by(Grid.id)
    return [from_row(GridRec, r) for r in rows]


_NAMES: dict[str, tuple[Any, str]] = {
    "community": (Community, "name"),
    "compound": (Compound, "name"),
    "grid": (Grid, "name"),
    "building": (Building, "name"),
    "unit": (Unit, "name"),
    "household": (Household, "room"),
    "resident": (Resident, "name"),
}


async def place_names(kind: str, ids: Iterable[int]) -> dict[int, str]:
    """Display names by id in one statement: a community's, compound's, grid's, building's or
    unit's name, a household's room, a resident's name (``kind`` one of those seven)."""
    if kind not in _NAMES:
        raise ValueError(f"unknown place kind {kind!r}; one of {', '.join(_NAMES)}")
    table, column = _NAMES[kind]
    rows = await table.select(table.id, getattr(table, column)).where(table.id.is_in(_ids(ids)))
    return {int(r["id"]): str(r[column]) for r in rows}
