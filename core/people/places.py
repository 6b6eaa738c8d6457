"""Finding or creating places inside the current scoped write transaction (no permission checks:
callers — the services and the Excel import — decide who may)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from core.errors import ApiError
from core.people.records import (
    BuildingRec,
    CommunityRec,
    CompoundRec,
    GridRec,
    HouseholdRec,
    UnitRec,
    from_row,
)
from core.people.tables import Building, Community, Compound, Grid, Household, Unit
from core.people.validation import validate_name
from core.text import ascii_digits, strict_ascii
from tenants.scope import current_scope
from tenants.tables import TENANT_KINDS, Node

__all__ = [
    "COMMUNITY_KINDS",
    "acting_tenant_code",
    "default_grid",
    "ensure_building",
    "ensure_community",
    "ensure_compound",
    "ensure_household",
    "ensure_households",
    "ensure_unit",
    "new_community",
    "new_grid",
    "owned",
]

COMMUNITY_KINDS = ("community", "village")
# 统计用区划代码: communities (居委会) take serials 001–199, villages (村委会) 200 and up.
_FIRST_SERIAL = {"community": 1, "village": 200}
T = TypeVar("T")


def owned(table: type[T], **values: Any) -> T:
    """A new row filed under the scope's write node (``tenant_id`` is never defaulted)."""
    return table(tenant_id=table._write_node(), **values)  # type: ignore[attr-defined, call-arg]


def _now() -> datetime:
    return datetime.now(UTC)


async def acting_tenant_code() -> str:
    """The write node's administrative code; places belong to tenants (街道/乡镇) only."""
    node_id = current_scope().write_node
    row = await Node.select(Node.code, Node.kind).where(Node.id == (node_id or -1)).first()
    if row is None or row["kind"] not in TENANT_KINDS:
        raise ApiError.invalid("node", "社区、网格与居民只能属于街道或乡镇",
                               "places and residents belong to a street office or town")
    return str(row["code"])


async def new_community(name: str, kind: str = "community", code: str | None = None
                        ) -> CommunityRec:
    name = validate_name(name, "name", 100)
    if kind not in COMMUNITY_KINDS:
        raise ApiError.invalid("kind", "类型须为社区或村", "kind must be community or village")
    prefix = (await acting_tenant_code())[:9]
    if await Community.exists().where(Community.name == name):
        raise ApiError.conflict(f"社区/村“{name}”已存在", f"community {name} already exists",
                                "name")
    if code:
        code = strict_ascii(code) or "x"
        if len(code) != 12 or not ascii_digits(code) or not code.startswith(prefix) \
                or code.endswith("000"):
            raise ApiError.invalid("code", f"社区代码须为12位且以本街镇代码 {prefix} 开头",
                                   f"the code must be 12 digits starting with {prefix}")
        if await Community.exists().where(Community.code == code):
            raise ApiError.conflict(f"社区代码 {code} 已存在", f"code {code} already exists",
                                    "code")
    else:
        codes = {r["code"] for r in await Community.select(Community.code)}
        serial = _FIRST_SERIAL[kind]
        while f"{prefix}{serial:03d}" in codes:
            serial += 1
        if serial > 999:
            raise ApiError.conflict("社区代码已用尽", "no community code left", "code")
        code = f"{prefix}{serial:03d}"
    row = owned(Community, name=name, code=code, kind=kind, created_at=_now())
    await Community.insert(row)
    # every way a community comes about (GraphQL, the Excel import, the demo) passes here, so
    # plugins keeping something per community hear of each one (people.community_created)
    from core.events.service import emit  # the events service imports people's tables
    from core.events.types import CommunityCreated  # with emit, for the same reason

    await emit("people.community_created", CommunityCreated(int(row.id), name),
               tenant_id=int(row.tenant_id))
    return CommunityRec(id=row.id, tenant_id=row.tenant_id, name=name, code=code, kind=kind)


async def ensure_community(name: str) -> CommunityRec:
    name = validate_name(name, "community", 100)
    row = await Community.select().where(Community.name == name).first()
    if row:
        return from_row(CommunityRec, row)
    return await new_community(name, "village" if name.endswith("村") else "community")


async def new_grid(community: CommunityRec, name: str, code: str | None = None,
                   is_default: bool = False) -> GridRec:
    name = validate_name(name, "name", 100)
    if code:
        code = strict_ascii(code) or "x"
        if not code.startswith(community.code) or len(code) != 15 or not ascii_digits(code):
            raise ApiError.invalid("code", f"网格代码须为社区代码 {community.code} 加3位序号",
                                   f"the grid code must be {community.code} plus a 3-digit serial")
        if await Grid.exists().where(Grid.code == code):
            raise ApiError.conflict(f"网格代码 {code} 已存在", f"code {code} already exists",
                                    "code")
    else:
        codes = {r["code"] for r in await Grid.select(Grid.code).where(
            Grid.community_id == community.id)}
        serial = 1
        while f"{community.code}{serial:03d}" in codes:
            serial += 1
        code = f"{community.code}{serial:03d}"
    row = owned(Grid, community_id=community.id, code=code, name=name, is_default=is_default,
               created_at=_now())
    await Grid.insert(row)
    return GridRec(id=row.id, tenant_id=row.tenant_id, community_id=community.id, code=code,
                   name=name, is_default=is_default)


async def default_grid(community: CommunityRec) -> GridRec:
    """The grid buildings fall into when none is named (created on first need)."""
    row = await Grid.select().where((Grid.community_id == community.id)
                                    & (Grid.is_default == True)).first()
    if row:
        return from_row(GridRec, row)
    return await new_grid(community, f"{community.name}默认网格", is_default=True)


async def ensure_compound(community: CommunityRec, name: str) -> CompoundRec:
    name = validate_name(name, "compound", 100)
    row = await Compound.select().where((Compound.community_id == community.id)
                                        & (Compound.name == name)).first()
    if row:
        return from_row(CompoundRec, row)
    new = owned(Compound, community_id=community.id, name=name, created_at=_now())
    await Compound.insert(new)
    return CompoundRec(id=new.id, tenant_id=new.tenant_id, community_id=community.id, name=name)


async def ensure_building(community: CommunityRec, name: str, *,
                          compound: CompoundRec | None = None, grid: GridRec | None = None
                          ) -> tuple[BuildingRec, bool]:
    """The building named ``name`` (in ``compound``), created if missing; ``(rec, created)``."""
    name = validate_name(name, "building", 100)
    if grid is not None and grid.community_id != community.id:
        raise ApiError.invalid("gridId", "网格不属于该社区",
                               "the grid belongs to another community")
    query = Building.select().where((Building.community_id == community.id)
                                    & (Building.name == name))
    query = query.where(Building.compound_id.is_null() if compound is None
                        else Building.compound_id == compound.id)
    row = await query.first()
    if row:
        return from_row(BuildingRec, row), False
    grid = grid or await default_grid(community)
    new = owned(Building, community_id=community.id, compound_id=compound.id if compound else None,
                   grid_id=grid.id, name=name, created_at=_now())
    await Building.insert(new)
    return BuildingRec(id=new.id, tenant_id=new.tenant_id, community_id=community.id,
                       compound_id=new.compound_id, grid_id=grid.id, name=name), True


async def ensure_unit(building: BuildingRec, name: str) -> UnitRec:
    name = validate_name(name, "unit", 50)
    row = await Unit.select().where((Unit.building_id == building.id) & (Unit.name == name)).first()
    if row:
        return from_row(UnitRec, row)
    new = owned(Unit, building_id=building.id, community_id=building.community_id,
               grid_id=building.grid_id, name=name)
    await Unit.insert(new)
    return UnitRec(id=new.id, tenant_id=new.tenant_id, building_id=building.id,
                   community_id=building.community_id, grid_id=building.grid_id, name=name)


async def ensure_household(building: BuildingRec, room: str, unit: UnitRec | None = None
                           ) -> tuple[HouseholdRec, bool]:
    room = (room or "").strip()
    if len(room) > 50:
        raise ApiError.invalid("room", "房号不超过50字", "the room is at most 50 characters")
    query = Household.select().where((Household.building_id == building.id)
                                     & (Household.room == room))
    query = query.where(Household.unit_id.is_null() if unit is None
                        else Household.unit_id == unit.id)
    row = await query.first()
    if row:
        return from_row(HouseholdRec, row), False
    new = owned(Household, building_id=building.id, unit_id=unit.id if unit else None, room=room,
                    community_id=building.community_id, grid_id=building.grid_id,
                    created_at=_now())
    await Household.insert(new)
    return HouseholdRec(id=new.id, tenant_id=new.tenant_id, building_id=building.id,
                        unit_id=new.unit_id, room=room, community_id=building.community_id,
                        grid_id=building.grid_id), True


HouseholdKey = tuple[int, int | None, str]
"""(building id, unit id or None, room) — what makes a household unique in a building."""


async def ensure_households(wanted: Sequence[tuple[BuildingRec, UnitRec | None, str]]
                            ) -> dict[HouseholdKey, HouseholdRec]:
    """Many households at once (an import): the existing ones in one statement per few hundred
    buildings, the missing ones in multi-row inserts; keyed by (building, unit, room)."""
    buildings: dict[int, BuildingRec] = {}
    keys: dict[HouseholdKey, None] = {}
    for building, unit, room in wanted:
        room = (room or "").strip()
        if len(room) > 50:
            raise ApiError.invalid("room", "房号不超过50字", "the room is at most 50 characters")
        buildings[building.id] = building
        keys[(building.id, unit.id if unit else None, room)] = None
    found: dict[HouseholdKey, HouseholdRec] = {}

    async def load(ids: list[int]) -> None:
        for start in range(0, len(ids), 400):
            for row in await Household.select().where(
                    Household.building_id.is_in(ids[start:start + 400])).order_by(Household.id):
                rec = from_row(HouseholdRec, row)
                found.setdefault((rec.building_id, rec.unit_id, rec.room), rec)

    await load(sorted(buildings))
    missing = [k for k in keys if k not in found]
    new = [owned(Household, building_id=b, unit_id=u, room=r,
                 community_id=buildings[b].community_id, grid_id=buildings[b].grid_id,
                 created_at=_now()) for b, u, r in missing]
    for start in range(0, len(new), 400):
        await Household.insert(*new[start:start + 400])
    if new:
        await load(sorted({b for b, _, _ in missing}))
    return {k: found[k] for k in keys}
