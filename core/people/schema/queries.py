"""Query fields: connections over the caller's places and residents, and region roll-ups."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from core.errors import ApiError
from core.people import queries
from core.people.schema import loaders
from core.people.schema.types import (
    BuildingType,
    CommunityType,
    GridType,
    HouseholdType,
    ResidentType,
    RollupRow,
    build,
)
from core.schema.connection import Connection, check_first, decode_cursor, make_connection
from core.schema.context import Info
from core.schema.relay import pk_of
from tenants.service import descendants

__all__ = ["query_fields"]


async def _connection(info: Info, kind: str, first: int, after: str | None,
                      fetch: Any) -> Connection[Any]:
    check_first(first)
    start = decode_cursor(after)
    place_view = await loaders.view(info.context, kind=kind)
    async with info.context.read():
        rows = await fetch(place_view, first, start)
    return make_connection(rows, first, build, pk=lambda r: int(r.id))


@strawberry.field(description="社区/村 / communities in view")
async def communities(info: Info, first: int, after: str | None = None
                      ) -> Connection[CommunityType]:
    return await _connection(info, "community", first, after, queries.list_communities)


@strawberry.field(description="网格 / grids in view")
async def grids(info: Info, first: int, after: str | None = None,
                community_id: strawberry.ID | None = None) -> Connection[GridType]:
    community = pk_of(community_id, "Community", "communityId")
    return await _connection(info, "grid", first, after, lambda v, f, a: queries.list_grids(
        v, f, a, community_id=community))


@strawberry.field(description="楼栋 / buildings in view")
async def buildings(info: Info, first: int, after: str | None = None,
                    community_id: strawberry.ID | None = None,
                    grid_id: strawberry.ID | None = None) -> Connection[BuildingType]:
    community = pk_of(community_id, "Community", "communityId")
    grid = pk_of(grid_id, "Grid", "gridId")
    return await _connection(info, "building", first, after, lambda v, f, a: queries.list_buildings(
        v, f, a, community_id=community, grid_id=grid))


@strawberry.field(description="户 / households in view")
async def households(info: Info, first: int, after: str | None = None,
                     community_id: strawberry.ID | None = None,
                     grid_id: strawberry.ID | None = None,
                     building_id: strawberry.ID | None = None) -> Connection[HouseholdType]:
    community = pk_of(community_id, "Community", "communityId")
    grid = pk_of(grid_id, "Grid", "gridId")
    building = pk_of(building_id, "Building", "buildingId")
    return await _connection(info, "household", first, after,
                             lambda v, f, a: queries.list_households(
                                 v, f, a, community_id=community, grid_id=grid,
                                 building_id=building))


@strawberry.field(description="居民 / residents in view (tag: code or Chinese label)")
async def residents(info: Info, first: int, after: str | None = None,
                    community_id: strawberry.ID | None = None,
                    grid_id: strawberry.ID | None = None,
                    building_id: strawberry.ID | None = None,
                    tag: str | None = None,
                    name: Annotated[str | None, strawberry.argument(
                        description="姓名开头 / a prefix of the name")] = None,
                    ) -> Connection[ResidentType]:
    if name is not None and len(name) > 50:
        raise ApiError.invalid("name", "姓名过长", "the name is too long")
    community = pk_of(community_id, "Community", "communityId")
    grid = pk_of(grid_id, "Grid", "gridId")
    building = pk_of(building_id, "Building", "buildingId")
    return await _connection(info, "resident", first, after, lambda v, f, a: queries.list_residents(
        v, f, a, community_id=community, grid_id=grid, building_id=building, tag=tag,
        name=name))


@strawberry.field(description="下辖街镇的居民、户、楼栋数（不含个人信息）/ per-tenant counts, no "
                              "personal data")
async def rollup(info: Info) -> list[RollupRow]:

    node = await info.context.node()
    async with info.context.read() as access:
        tenant_ids = ([n.id for n in await descendants(node, tenants_only=True)]
                      if node.is_region else [node.id])
        rows = await queries.rollup(access, tenant_ids)
    return [build(r) for r in rows]


def query_fields() -> list[Any]:
    return [communities, grids, buildings, households, residents, rollup]
