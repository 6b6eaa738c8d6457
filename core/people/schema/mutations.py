"""Mutations: one ``input`` each, one write transaction each (:func:`~core.schema.mutations.run_mutation`),
and a result that is the payload or a typed :class:`UserError` (nothing is written when it is an
error). The services record the audit entries."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry

from core.errors import ApiError
from core.identity.access import Access
from core.people import services
from core.people.schema.types import (
    BuildingType,
    CommunityType,
    Gender,
    GridType,
    HouseholdType,
    ResidentType,
    build,
)
from core.schema.context import Info
from core.schema.errors import UserError
from core.schema.mutations import run_mutation
from core.schema.relay import pk_of

__all__ = ["mutation_fields", "types"]


# -- communities and grids --------------------------------------------------------------
@strawberry.input(description="新建社区/村 / create a community or village")
class CreateCommunityInput:
    name: str
    kind: str = strawberry.field(default="community", description="community 或 village")
    code: str | None = strawberry.field(default=None, description="留空自动编号 / blank: next free")


@strawberry.type
class CreateCommunityPayload:
    community: CommunityType


CreateCommunityResult = Annotated[CreateCommunityPayload | UserError,
                                  strawberry.union("CreateCommunityResult")]


@strawberry.mutation(description="新建社区/村 / create a community or village")
async def create_community(info: Info, input: CreateCommunityInput) -> CreateCommunityResult:
    return await run_mutation(info, lambda a: services.create_community(
        a, name=input.name, kind=input.kind, code=input.code),
                              lambda r: CreateCommunityPayload(community=build(r)))


@strawberry.input(description="新建网格 / create a grid")
class CreateGridInput:
    community_id: strawberry.ID
    name: str
    code: str | None = strawberry.field(default=None, description="留空自动编号 / blank: next free")


@strawberry.type
class CreateGridPayload:
    grid: GridType


CreateGridResult = Annotated[CreateGridPayload | UserError,
                             strawberry.union("CreateGridResult")]


@strawberry.mutation(description="新建网格 / create a grid")
async def create_grid(info: Info, input: CreateGridInput) -> CreateGridResult:
    async def work(access: Access) -> Any:
        community = pk_of(input.community_id, "Community", "communityId")
        return await services.create_grid(access, community_id=community or 0, name=input.name,
                                          code=input.code)
    return await run_mutation(info, work, lambda r: CreateGridPayload(grid=build(r)))


# -- buildings and households --------------------------------------------------------------
@strawberry.input(description="新建楼栋 / create a building")
class CreateBuildingInput:
    community_id: strawberry.ID
    name: str
    grid_id: strawberry.ID | None = strawberry.field(
        default=None, description="留空则归入社区默认网格 / blank: the community's default grid")
    compound: str | None = strawberry.field(default=None, description="小区名 / compound name")


@strawberry.type
class CreateBuildingPayload:
    building: BuildingType


CreateBuildingResult = Annotated[CreateBuildingPayload | UserError,
                                 strawberry.union("CreateBuildingResult")]


@strawberry.mutation(description="新建楼栋 / create a building")
async def create_building(info: Info, input: CreateBuildingInput) -> CreateBuildingResult:
    async def work(access: Access) -> Any:
        return await services.create_building(
            access, community_id=pk_of(input.community_id, "Community", "communityId") or 0,
            name=input.name, grid_id=pk_of(input.grid_id, "Grid", "gridId"),
            compound=input.compound)
    return await run_mutation(info, work, lambda r: CreateBuildingPayload(building=build(r)))


@strawberry.input(description="新建户 / create a household")
class CreateHouseholdInput:
    building_id: strawberry.ID
    room: str
    unit: str | None = strawberry.field(default=None, description="单元名 / unit name")


@strawberry.type
class CreateHouseholdPayload:
    household: HouseholdType


CreateHouseholdResult = Annotated[CreateHouseholdPayload | UserError,
                                  strawberry.union("CreateHouseholdResult")]


@strawberry.mutation(description="新建户 / create a household")
async def create_household(info: Info, input: CreateHouseholdInput) -> CreateHouseholdResult:
    async def work(access: Access) -> Any:
        return await services.create_household(
            access, building_id=pk_of(input.building_id, "Building", "buildingId") or 0,
            room=input.room, unit=input.unit)
    return await run_mutation(info, work, lambda r: CreateHouseholdPayload(household=build(r)))


# -- residents ---------------------------------------------------------------------------
@strawberry.input(description="新建居民 / create a resident")
class CreateResidentInput:
    name: str
    id_number: str = strawberry.field(description="18位身份证号 / 18-character ID number")
    gender: Gender | None = None
    birth_date: dt.date | None = None
    phone: str | None = None
    household_id: strawberry.ID | None = None
    relation: str = ""
    is_head: bool | None = None
    tags: list[str] = strawberry.field(default_factory=list,
                                       description="标签代码或中文名 / tag codes or labels")


@strawberry.type
class ResidentPayload:
    resident: ResidentType
    changed_fields: list[str]


@strawberry.type(description="新建的居民 / the resident created")
class CreateResidentPayload(ResidentPayload):
    pass


@strawberry.type(description="修改后的居民及改动的字段 / the resident changed, and which fields")
class UpdateResidentPayload(ResidentPayload):
    pass


CreateResidentResult = Annotated[CreateResidentPayload | UserError,
                                 strawberry.union("CreateResidentResult")]
UpdateResidentResult = Annotated[UpdateResidentPayload | UserError,
                                 strawberry.union("UpdateResidentResult")]


@strawberry.mutation(description="新建居民 / create a resident")
async def create_resident(info: Info, input: CreateResidentInput) -> CreateResidentResult:
    key = info.context.state.settings.pii_key

    async def work(access: Access) -> Any:
        return await services.create_resident(
            access, key, name=input.name, id_number=input.id_number,
            gender=input.gender.value if input.gender else None, birth_date=input.birth_date,
            phone=input.phone, household_id=pk_of(input.household_id, "Household", "householdId"),
            relation=input.relation, is_head=input.is_head, tags=input.tags)
    return await run_mutation(info, work, lambda r: CreateResidentPayload(
        resident=build(r), changed_fields=["created"]))


@strawberry.input(description="修改居民（未给出的字段不变，null 清空）/ change a resident")
class UpdateResidentInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    id_number: str | None = strawberry.UNSET
    gender: Gender | None = strawberry.UNSET
    birth_date: dt.date | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    household_id: strawberry.ID | None = strawberry.UNSET
    relation: str | None = strawberry.UNSET
    is_head: bool | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET


_REQUIRED = ("name", "id_number", "gender", "birth_date", "relation", "is_head")


def _changes(data: UpdateResidentInput) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("name", "id_number", "gender", "birth_date", "phone", "household_id",
                 "relation", "is_head", "tags"):
        value = getattr(data, name)
        if value is strawberry.UNSET:
            continue
        if value is None and name in _REQUIRED:
            raise ApiError.invalid(_camel(name), "该字段不能为空",
                                   "this field cannot be null")
        if name == "gender":
            value = value.value
        elif name == "household_id" and value is not None:
            value = pk_of(value, "Household", "householdId")
        elif name == "tags":
            value = value or []
        out[name] = value
    return out


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


@strawberry.mutation(description="修改居民 / change a resident")
async def update_resident(info: Info, input: UpdateResidentInput) -> UpdateResidentResult:
    key = info.context.state.settings.pii_key

    async def work(access: Access) -> Any:
        pk = pk_of(input.id, "Resident", "id") or 0
        return await services.update_resident(access, key, pk, _changes(input))
    return await run_mutation(info, work, lambda r: UpdateResidentPayload(
        resident=build(r[0]), changed_fields=r[1]))


@strawberry.input(description="查看一名居民的完整身份证号、手机号和出生日期（须说明理由，记入审计）/ "
                              "reveal one resident's full ID number, phone and birth date (a "
                              "reason is required and audited)")
class RevealResidentInput:
    resident_id: strawberry.ID
    reason: str = strawberry.field(description="理由（2–200字，记入审计）/ why (audited)")


@strawberry.type(description="完整个人信息（仅此一次返回）/ the full values, returned for this "
                             "reveal only")
class RevealResidentPayload:
    resident: ResidentType
    id_number: str = strawberry.field(description="完整身份证号 / full ID number")
    phone: str | None = strawberry.field(description="完整手机号 / full phone")
    birth_date: dt.date = strawberry.field(description="出生日期 / date of birth")


RevealResidentResult = Annotated[RevealResidentPayload | UserError,
                                 strawberry.union("RevealResidentResult")]


@strawberry.mutation(description="查看完整个人信息（需 people.reveal_pii，逐人、说明理由并审计）/ "
                                 "reveal one resident's personal data (people.reveal_pii; one "
                                 "resident, a reason, audited)")
async def reveal_resident(info: Info, input: RevealResidentInput) -> RevealResidentResult:
    key = info.context.state.settings.pii_key

    async def work(access: Access) -> Any:
        resident = pk_of(input.resident_id, "Resident", "residentId")
        return await services.reveal_resident(access, key, resident or 0, input.reason)

    return await run_mutation(info, work, lambda r: RevealResidentPayload(
        resident=build(r[0]), id_number=r[1], phone=r[2], birth_date=r[0].birth_date))


def types() -> list[type]:
    return [CreateCommunityPayload, CreateGridPayload, CreateBuildingPayload,
            CreateHouseholdPayload, CreateResidentPayload, UpdateResidentPayload,
            RevealResidentPayload]


def mutation_fields() -> list[Any]:
    return [create_community, create_grid, create_building, create_household, create_resident,
            update_resident, reveal_resident]
