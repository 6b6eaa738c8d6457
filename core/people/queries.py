"""Reading places and residents: keyset pages limited to the caller's view, batch loads by id
for DataLoaders, and per-tenant roll-up counts. Every function runs inside a scoped transaction
(the scope keeps other tenants out; the :class:`PlaceView` keeps other places out)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from piccolo.query.functions.aggregate import Count

from core.db import fetch_rows, fetch_shaped
from core.errors import ApiError
from core.identity.access import Access
from core.people.records import (
    BuildingRec,
    CommunityRec,
    CompoundRec,
    GridRec,
    HouseholdRec,
    ResidentRec,
    RollupRec,
    UnitRec,
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
from core.people.validation import normalise_tags
from core.people.view import PlaceView
from tenants.tables import Node

__all__ = [
    "RECORDS",
    "by_ids",
    "children_of",
    "list_buildings",
    "list_communities",
    "list_grids",
    "list_households",
    "list_residents",
    "node_paths",
    "rollup",
    "tags_of",
]

R = TypeVar("R")

RECORDS: dict[str, tuple[Any, type]] = {
    "community": (Community, CommunityRec),
    "compound": (Compound, CompoundRec),
    "grid": (Grid, GridRec),
    "building": (Building, BuildingRec),
    "unit": (Unit, UnitRec),
    "household": (Household, HouseholdRec),
    "resident": (Resident, ResidentRec),
}


async def _page(kind: str, view: PlaceView, first: int, after: int,
                conditions: Sequence[Any] = ()) -> list[Any]:
    table, rec = RECORDS[kind]

    def build() -> Any:
        query = table.select().where(table.id > after).order_by(table.id).limit(first + 1)
        place = view.where(table)
        for cond in ([place] if place is not None else []) + list(conditions):
            query = query.where(cond)
        return query

    if conditions:  # filters of every kind: built each time
        rows = await fetch_rows(build())
    else:  # a plain page (the usual one): its SQL kept per shape of the caller's view
        parts = view.parts(table) or []
        key = ("people.page", kind, first,
               *((column._meta.name, len(ids)) for column, ids in parts))
        rows = await fetch_shaped(table, key, [after, *(i for _, ids in parts for i in ids)],
                                  build)
    return [from_row(rec, r) for r in rows]


def _place_filters(table: Any, community_id: int | None, grid_id: int | None,
                   building_id: int | None) -> list[Any]:
    out = []
    if community_id is not None:
        out.append(table.community_id == community_id)
    if grid_id is not None:
        out.append(table.grid_id == grid_id)
    if building_id is not None:
        out.append((table.id if table is Building else table.building_id) == building_id)
    return out


async def list_communities(view: PlaceView, first: int, after: int = 0) -> list[CommunityRec]:
    """At most ``first + 1`` communities after id ``after`` (the extra one says "more")."""
    return await _page("community", view, first, after)


async def list_grids(view: PlaceView, first: int, after: int = 0, *,
                     community_id: int | None = None) -> list[GridRec]:
    return await _page("grid", view, first, after, _place_filters(Grid, community_id, None, None))


async def list_buildings(view: PlaceView, first: int, after: int = 0, *,
                         community_id: int | None = None, grid_id: int | None = None
                         ) -> list[BuildingRec]:
    return await _page("building", view, first, after,
                       _place_filters(Building, community_id, grid_id, None))


async def list_households(view: PlaceView, first: int, after: int = 0, *,
                          community_id: int | None = None, grid_id: int | None = None,
                          building_id: int | None = None) -> list[HouseholdRec]:
    return await _page("household", view, first, after,
                       _place_filters(Household, community_id, grid_id, building_id))


async def list_residents(view: PlaceView, first: int, after: int = 0, *,
                         community_id: int | None = None, grid_id: int | None = None,
                         building_id: int | None = None, tag: str | None = None,
                         name: str | None = None) -> list[ResidentRec]:
    conditions = _place_filters(Resident, community_id, grid_id, building_id)
    if name and name.strip():  # a name prefix (LIKE with its wildcards escaped)
        escaped = name.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(Resident.name.like(escaped + "%"))
    for code in normalise_tags([tag] if tag else None, field="tag"):  # a blank tag: no filter
        conditions.append(Resident.id.is_in(
            ResidentTag.select(ResidentTag.resident_id).where(ResidentTag.tag == code)))
    return await _page("resident", view, first, after, conditions)


async def by_ids(kind: str, ids: Sequence[int]) -> list[Any]:
    """Records of ``kind`` for ``ids``, in order, None where missing or outside the scope."""
    table, rec = RECORDS[kind]
    rows = await fetch_rows(table.select().where(table.id.is_in(list(ids) or [-1])))
    found: dict[int, Any] = {r["id"]: from_row(rec, r) for r in rows}
    return [found.get(i) for i in ids]


_CHILDREN: dict[tuple[str, str], str] = {
    ("resident", "household"): "household_id",
    ("building", "grid"): "grid_id",
    ("building", "community"): "community_id",
    ("grid", "community"): "community_id",
    ("household", "building"): "building_id",
    ("unit", "building"): "building_id",
    ("compound", "community"): "community_id",
}


async def children_of(kind: str, parent: str, parent_ids: Sequence[int],
                      view: PlaceView) -> list[list[Any]]:
    """For each parent id, its children of ``kind`` in view (by id), e.g. a household's members."""
    table, rec = RECORDS[kind]
    column = getattr(table, _CHILDREN[(kind, parent)])
    query = table.select().where(column.is_in(list(parent_ids) or [-1])).order_by(table.id)
    place = view.where(table)
    if place is not None:
        query = query.where(place)
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in await fetch_rows(query):
        grouped[row[column._meta.name]].append(from_row(rec, row))
    return [grouped.get(i, []) for i in parent_ids]


async def tags_of(resident_ids: Sequence[int]) -> list[list[str]]:
    rows = await ResidentTag.select(ResidentTag.resident_id, ResidentTag.tag).where(
        ResidentTag.resident_id.is_in(list(resident_ids) or [-1])).order_by(ResidentTag.tag)
    grouped: dict[int, list[str]] = defaultdict(list)
    for r in rows:
        grouped[r["resident_id"]].append(r["tag"])
    return [grouped.get(i, []) for i in resident_ids]


async def node_paths(node_ids: Sequence[int]) -> dict[int, str]:
    """Materialised paths of tenant nodes (for place-aware permission checks)."""
    rows = await Node.select(Node.id, Node.path).where(Node.id.is_in(list(node_ids) or [-1]))
    return {r["id"]: r["path"] for r in rows}


async def _counts(table: Any) -> dict[int, int]:
    rows = await table.select(table.tenant_id, Count(alias="n")).group_by(table.tenant_id)
    return {r["tenant_id"]: int(r["n"]) for r in rows}


async def rollup(access: Access, tenant_ids: Sequence[int]) -> list[RollupRec]:
    """Counts of residents, households and buildings per tenant (``region.rollup``)."""
    decision = access.check("region.rollup")
    if not decision:
        raise ApiError.forbidden(decision.reason_zh, decision.reason_en)
    residents, households, buildings = (await _counts(Resident), await _counts(Household),
                                        await _counts(Building))
    return [RollupRec(tenant_id=t, residents=residents.get(t, 0),
                      households=households.get(t, 0), buildings=buildings.get(t, 0))
            for t in tenant_ids if t in access.scope.read_nodes]
