"""GraphQL types of places and residents. Resolvers only translate; relations go through the
per-request DataLoaders of :mod:`core.people.schema.loaders`."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

import strawberry

from core.declarations import NodeType
from core.ids import global_id
from core.people.records import (
    BuildingRec,
    CommunityRec,
    CompoundRec,
    GridRec,
    HouseholdRec,
    ResidentRec,
    RollupRec,
    UnitRec,
)
from core.people.schema import loaders
from core.people.validation import TAGS
from core.schema.base import Tenant, _load_node
from core.schema.budget import LIST_BOUND
from core.schema.context import Info
from core.schema.relay import Node, blank, encode_global_id

__all__ = [
    "BuildingType",
    "CommunityType",
    "CompoundType",
    "Gender",
    "GridType",
    "HouseholdType",
    "ResidentType",
    "RollupRow",
    "UnitType",
    "build",
]


@strawberry.enum(description="性别 / gender")
class Gender(Enum):
    MALE = "male"
    FEMALE = "female"


@strawberry.type(name="Community", description="社区/村 / a community or village")
class CommunityType(Node):
    name: str
    code: str = strawberry.field(description="12位区划代码 / 12-digit code")
    kind: str = strawberry.field(description="community（社区）或 village（村）")
    rec: strawberry.Private[CommunityRec]

    @strawberry.field(description="网格 / grids", metadata={LIST_BOUND: 50})
    async def grids(self, info: Info) -> list[GridType]:
        rows = await loaders.children(info.context, "grid", "community", self.rec.id)
        return [build(r) for r in rows]

    @strawberry.field(description="小区 / compounds", metadata={LIST_BOUND: 50})
    async def compounds(self, info: Info) -> list[CompoundType]:
        rows = await loaders.children(info.context, "compound", "community", self.rec.id)
        return [build(r) for r in rows]


@strawberry.type(name="Compound", description="小区 / a residential compound")
class CompoundType(Node):
    name: str
    rec: strawberry.Private[CompoundRec]

    @strawberry.field
    async def community(self, info: Info) -> CommunityType | None:
        return _opt(await loaders.by_id(info.context, "community", self.rec.community_id))


@strawberry.type(name="Grid", description="网格 / a grid of buildings")
class GridType(Node):
    code: str = strawberry.field(description="社区代码加序号 / community code plus serial")
    name: str
    is_default: bool
    rec: strawberry.Private[GridRec]

    @strawberry.field
    async def community(self, info: Info) -> CommunityType | None:
        return _opt(await loaders.by_id(info.context, "community", self.rec.community_id))

    @strawberry.field(description="网格内的楼栋 / buildings in this grid", metadata={LIST_BOUND: 50})
    async def buildings(self, info: Info) -> list[BuildingType]:
        rows = await loaders.children(info.context, "building", "grid", self.rec.id)
        return [build(r) for r in rows]


@strawberry.type(name="Building", description="楼栋 / a building")
class BuildingType(Node):
    name: str
    rec: strawberry.Private[BuildingRec]

    @strawberry.field
    async def community(self, info: Info) -> CommunityType | None:
        return _opt(await loaders.by_id(info.context, "community", self.rec.community_id))

    @strawberry.field
    async def compound(self, info: Info) -> CompoundType | None:
        if self.rec.compound_id is None:
            return None
        return _opt(await loaders.by_id(info.context, "compound", self.rec.compound_id))

    @strawberry.field
    async def grid(self, info: Info) -> GridType | None:
        return _opt(await loaders.by_id(info.context, "grid", self.rec.grid_id))

    @strawberry.field(description="户 / households", metadata={LIST_BOUND: 200})
    async def households(self, info: Info) -> list[HouseholdType]:
        rows = await loaders.children(info.context, "household", "building", self.rec.id)
        return [build(r) for r in rows]


@strawberry.type(name="Unit", description="单元 / a unit (entrance) of a building")
class UnitType(Node):
    name: str
    rec: strawberry.Private[UnitRec]

    @strawberry.field
    async def building(self, info: Info) -> BuildingType | None:
        return _opt(await loaders.by_id(info.context, "building", self.rec.building_id))


@strawberry.type(name="Household", description="户 / a household")
class HouseholdType(Node):
    room: str
    rec: strawberry.Private[HouseholdRec]

    @strawberry.field
    async def building(self, info: Info) -> BuildingType | None:
        return _opt(await loaders.by_id(info.context, "building", self.rec.building_id))

    @strawberry.field
    async def unit(self, info: Info) -> UnitType | None:
        if self.rec.unit_id is None:
            return None
        return _opt(await loaders.by_id(info.context, "unit", self.rec.unit_id))

    @strawberry.field
    async def community(self, info: Info) -> CommunityType | None:
        return _opt(await loaders.by_id(info.context, "community", self.rec.community_id))

    @strawberry.field
    async def grid(self, info: Info) -> GridType | None:
        return _opt(await loaders.by_id(info.context, "grid", self.rec.grid_id))

    @strawberry.field(description="家庭成员 / members", metadata={LIST_BOUND: 10})
    async def members(self, info: Info) -> list[ResidentType]:
        rows = await loaders.children(info.context, "resident", "household", self.rec.id)
        return [build(r) for r in rows]


@strawberry.type(name="Resident", description=(
    "居民。身份证号、手机号对所有调用者（含管理员）均脱敏，出生日期只给年份；完整信息仅通过 "
    "revealResident 逐人查看并记入审计 / a resident. ID number and phone are masked for every "
    "caller, administrators included, and only the birth year is given; full values only "
    "through revealResident, one resident at a time, audited with a reason"))
class ResidentType(Node):
    name: str
    gender: Gender
    birth_year: int = strawberry.field(description="出生年份 / year of birth")
    relation: str = strawberry.field(description="与户主关系 / relation to the head")
    is_head: bool
    rec: strawberry.Private[ResidentRec]

    @strawberry.field(description=(
        "出生日期：此处恒为 null（与脱敏身份证号合看会还原号码），完整日期仅由 revealResident "
        "给出；年份见 birthYear / always null here (next to the masked ID number it would "
        "rebuild it): the full date only through revealResident; see birthYear"))
    def birth_date(self) -> date | None:
        return None

    @strawberry.field(description=(
        "身份证号（脱敏：省份2位+校验位，如 37***************X）/ ID number, masked: the "
        "province's 2 digits and the check character"))
    def id_number(self) -> str:
        return self.rec.id_number_masked  # masked by the record itself (ResidentInfo)

    @strawberry.field(description="手机号（脱敏：前3位+后2位，如 138******78）/ phone, masked: "
                                  "the first 3 and last 2 digits")
    def phone(self) -> str | None:
        return self.rec.phone_masked or None  # masked by the record itself (ResidentInfo)

    @strawberry.field(description="标签代码 / tag codes")
    async def tags(self, info: Info) -> list[str]:
        return await loaders.tags(info.context, self.rec.id)

    @strawberry.field(description="标签中文名 / tag labels in Chinese")
    async def tag_labels(self, info: Info) -> list[str]:
        return [TAGS[t][0] for t in await loaders.tags(info.context, self.rec.id) if t in TAGS]

    @strawberry.field
    async def household(self, info: Info) -> HouseholdType | None:
        if self.rec.household_id is None:
            return None
        return _opt(await loaders.by_id(info.context, "household", self.rec.household_id))


@strawberry.type(description="下辖街镇汇总（不含个人信息）/ roll-up counts of one tenant, no personal data")
class RollupRow:
    residents: int
    households: int
    buildings: int
    rec: strawberry.Private[RollupRec]

    @strawberry.field
    async def tenant(self, info: Info) -> Tenant | None:

        node = await _load_node(info.context, self.rec.tenant_id)
        return Tenant.from_info(node) if node else None


def build(rec: Any) -> Any:
    """The GraphQL object for a record."""
    make = _BUILDERS.get(type(rec))
    if make is None:
        raise TypeError(f"no GraphQL type for {type(rec).__name__}")
    return make(rec)


_GENDERS = {g.value: g for g in Gender}
_new_resident = blank(ResidentType)


def _resident(rec: Any) -> ResidentType:
    """Per row of a page: the instance made with :func:`blank`, the gender looked up by value
    (``Gender(value)`` only for a value that is not one, to raise as it does)."""
    resident = _new_resident()
    resident.__dict__ = {"id": global_id("Resident", rec.id), "name": rec.name,
                         "gender": _GENDERS.get(rec.gender) or Gender(rec.gender),
                         "birth_year": rec.birth_date.year, "relation": rec.relation,
                         "is_head": rec.is_head, "rec": rec}
    return resident


_BUILDERS: dict[type, Any] = {
    CommunityRec: lambda rec: CommunityType(id=encode_global_id("Community", rec.id),
                                            name=rec.name, code=rec.code, kind=rec.kind,
                                            rec=rec),
    CompoundRec: lambda rec: CompoundType(id=encode_global_id("Compound", rec.id),
                                          name=rec.name, rec=rec),
    GridRec: lambda rec: GridType(id=encode_global_id("Grid", rec.id), code=rec.code,
                                  name=rec.name, is_default=rec.is_default, rec=rec),
    BuildingRec: lambda rec: BuildingType(id=encode_global_id("Building", rec.id),
                                          name=rec.name, rec=rec),
    UnitRec: lambda rec: UnitType(id=encode_global_id("Unit", rec.id), name=rec.name, rec=rec),
    HouseholdRec: lambda rec: HouseholdType(id=encode_global_id("Household", rec.id),
                                            room=rec.room, rec=rec),
    ResidentRec: _resident,
    RollupRec: lambda rec: RollupRow(residents=rec.residents, households=rec.households,
                                     buildings=rec.buildings, rec=rec),
}
"""Each record class's GraphQL object (by exact class: a dict lookup instead of a chain of
``isinstance`` per row)."""


def _opt(rec: Any) -> Any:
    return build(rec) if rec is not None else None


_KINDS = {"Community": "community", "Compound": "compound", "Grid": "grid",
          "Building": "building", "Unit": "unit", "Household": "household",
          "Resident": "resident"}


_PLACE_KINDS = frozenset({"community", "compound", "grid", "building"})
"""Kinds ``places.read`` reads through ``node(id:)`` (a building head's own building and the
places around it); households and residents need ``people.read``."""


def _node_loader(kind: str) -> Any:
    async def load(info: Info, pk: int) -> Any:
        rec = await loaders.by_id(info.context, kind, pk)
        if rec is None:
            return None
        for permission in ("people.read", "places.read") if kind in _PLACE_KINDS else (
                "people.read",):
            try:
                place_view = await loaders.view(info.context, permission, kind=kind)
            except Exception as exc:
                if getattr(exc, "code", "") == "FORBIDDEN":
                    continue
                raise
            if place_view.allows(kind, rec):
                return build(rec)
        return None

    return load


NODE_TYPES: list[NodeType] = [NodeType(name, _node_loader(kind)) for name, kind in _KINDS.items()]
