"""GraphQL of the 红旗驿站 rota (stations, leave, generated weekly shifts, swaps) and of the
yearly evaluation of heads."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from core.schema.context import Info

from core.identity.access import PlaceRef
from core.people.tables import Building
from core.plugin import NodeType
from core.rules.service import today_shanghai
from core.schema.connection import Connection, check_first, decode_cursor, make_connection
from core.schema.errors import ApiError, UserError
from core.schema.relay import Node, encode_global_id
from plugins.building_heads import evaluation as evals
from plugins.building_heads import rota as svc
from plugins.building_heads.appointments import HeadError, get_appointment, visible_buildings
from plugins.building_heads.schema.appointments import (
    BuildingHeadAppointment,
    appointment_of,
    pk,
    read,
    rules_of,
    run,
)
from plugins.building_heads.tables import Appointment, Evaluation, RotaShift

__all__ = ["MUTATIONS", "QUERIES", "SUBSCRIPTIONS", "TYPES"]


def _gid(type_name: str, ident: Any) -> strawberry.ID | None:
    return encode_global_id(type_name, int(ident)) if ident else None


async def _require(access: Any, permission: str, community_id: int | None) -> None:
    """``permission`` at the community (or the acting node); FORBIDDEN otherwise."""
    place = PlaceRef(node_id=access.node_id, node_path=access.node_path,
                     community_id=community_id) if community_id else None
    decision = access.check(permission, place)
    if not decision:
        raise HeadError("FORBIDDEN", decision.reason_zh, decision.reason_en)


async def _community_of(building_id: int) -> int | None:
    row = await Building.select(Building.community_id).where(Building.id == building_id).first()
    return int(row["community_id"]) if row else None


# -- types -------------------------------------------------------------------------------
@strawberry.type(description="红旗驿站 / a station with its fixed head")
class BuildingHeadStation(Node):
    name: str
    community_id: strawberry.ID
    compound_id: strawberry.ID | None
    fixed_head_resident_id: strawberry.ID | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadStation:
        return cls(id=encode_global_id("BuildingHeadStation", int(row["id"])), name=row["name"],
                   community_id=encode_global_id("Community", int(row["community_id"])),
                   compound_id=_gid("Compound", row["compound_id"]),
                   fixed_head_resident_id=_gid("Resident", row["fixed_head_resident_id"]))


@strawberry.type(description="兼职站长值班 / a head's week as part-time station head")
class BuildingHeadRotaShift(Node):
    station_id: strawberry.ID
    starts_on: date
    ends_on: date
    swap_reason: str
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="值班楼长 / the head on duty")
    async def appointment(self, info: Info) -> BuildingHeadAppointment | None:
        return await appointment_of(info, int(self.row["appointment_id"]))

    @strawberry.field(description="换班前的楼长 / the head before a swap")
    async def swapped_from(self, info: Info) -> BuildingHeadAppointment | None:
        before = self.row["swapped_from_appointment_id"]
        return await appointment_of(info, int(before)) if before else None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadRotaShift:
        return cls(id=encode_global_id("BuildingHeadRotaShift", int(row["id"])),
                   station_id=encode_global_id("BuildingHeadStation", int(row["station_id"])),
                   starts_on=row["starts_on"], ends_on=row["ends_on"],
                   swap_reason=row["swap_reason"] or "", row=row)


@strawberry.type(description="请假 / a head's leave (skipped by the rota)")
class BuildingHeadLeave:
    id: strawberry.ID
    appointment_id: strawberry.ID
    starts_on: date
    ends_on: date
    reason: str


@strawberry.type(description="楼长年度考评 / a head's yearly evaluation")
class BuildingHeadEvaluation(Node):
    year: int
    coverage_pct: int = strawberry.field(description="全年走访覆盖率 / yearly visit coverage %")
    special_months_pct: int = strawberry.field(description="重点户按月走访率 / special "
                                                           "households' monthly coverage %")
    matters_closed: int
    rating_avg: float | None = strawberry.field(description="居民平均评分 / residents' average "
                                                            "rating")
    households: int
    visited_households: int
    visits_logged: int
    score: int
    grade: str = strawberry.field(description="excellent | competent | basic | unsatisfactory")
    grade_label: str
    rule_version: int
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="被考评的任期 / the term evaluated")
    async def appointment(self, info: Info) -> BuildingHeadAppointment | None:
        return await appointment_of(info, int(self.row["appointment_id"]))

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadEvaluation:
        label = next(zh for _, code, zh, _ in evals.GRADES if code == row["grade"])
        rating = int(row["rating_avg_x100"])
        return cls(id=encode_global_id("BuildingHeadEvaluation", int(row["id"])),
                   year=int(row["year"]), coverage_pct=int(row["coverage_pct"]),
                   special_months_pct=int(row["special_months_pct"]),
                   matters_closed=int(row["matters_closed"]),
                   rating_avg=rating / 100 if rating else None,
                   households=int(row["households"]),
                   visited_households=int(row["visited_households"]),
                   visits_logged=int(row["visits_logged"]), score=int(row["score"]),
                   grade=row["grade"], grade_label=label, rule_version=int(row["rule_version"]),
                   row=row)


# -- nodes -------------------------------------------------------------------------------
async def _station_node(info: Info, ident: int) -> BuildingHeadStation | None:
    async def work(access: Any) -> Any:
        row = await svc.get_station(ident)
        await _require(access, "building_heads.read", int(row["community_id"]))
        return row

    try:
        return BuildingHeadStation.from_row(await read(info, work))
    except ApiError:
        return None


# -- queries -----------------------------------------------------------------------------
@strawberry.field(description="红旗驿站 / stations")
async def building_head_stations(info: Info, first: int, after: str | None = None
                                 ) -> Connection[BuildingHeadStation]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Any) -> Any:
        limit = access.limit("building_heads.read")
        communities = None if limit is None else set(limit.community_ids)
        return await svc.list_stations(first, start, communities)

    return make_connection(await read(info, work), first, BuildingHeadStation.from_row)


@strawberry.field(description="驿站排班（与时段相交的班次）/ a station's shifts in a period")
async def building_head_rota(info: Info, station_id: strawberry.ID, from_: Annotated[
        date, strawberry.argument(name="from")], to: date) -> list[BuildingHeadRotaShift]:
    station = pk(station_id, "BuildingHeadStation", "stationId")
    assert station is not None

    async def work(access: Any) -> Any:
        row = await svc.get_station(station)
        await _require(access, "building_heads.read", int(row["community_id"]))
        return await svc.shifts_between(station, from_, to)

    return [BuildingHeadRotaShift.from_row(r) for r in await read(info, work)]


@strawberry.field(description="楼长年度考评 / yearly evaluations")
async def building_head_evaluations(info: Info, year: int, first: int, after: str | None = None
                                    ) -> Connection[BuildingHeadEvaluation]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Any) -> Any:
        allowed = await visible_buildings(access, "building_heads.read")
        query = Evaluation.select().where(
            (Evaluation.year == year) & (Evaluation.id > start))
        if allowed is not None:
            ids = [int(r["id"]) for r in await Appointment.select(
                Appointment.id).where(
                Appointment.building_id.is_in(sorted(allowed) or [-1]))]
            query = query.where(Evaluation.appointment_id.is_in(ids or [-1]))
        return [dict(r) for r in await query.order_by(Evaluation.id).limit(first + 1)]

    return make_connection(await read(info, work), first, BuildingHeadEvaluation.from_row)


# -- mutations ---------------------------------------------------------------------------
@strawberry.input(description="新建红旗驿站 / create a station")
class BuildingHeadCreateStationInput:
    name: str
    community_id: strawberry.ID
    compound_id: strawberry.ID | None = None
    fixed_head_resident_id: strawberry.ID | None = None


@strawberry.type
class BuildingHeadStationPayload:
    station: BuildingHeadStation


BuildingHeadStationResult = Annotated[BuildingHeadStationPayload | UserError,
                                      strawberry.union("BuildingHeadStationResult")]


@strawberry.mutation(description="新建红旗驿站（固定站长）/ create a station with its fixed head")
async def building_head_create_station(info: Info, input: BuildingHeadCreateStationInput
                                       ) -> BuildingHeadStationResult:
    async def work(access: Any) -> Any:
        community = pk(input.community_id, "Community", "communityId")
        await _require(access, "building_heads.rota", community)
        return await svc.create_station(
            name=input.name, community_id=int(community or 0),
            compound_id=pk(input.compound_id, "Compound", "compoundId"),
            fixed_head_resident_id=pk(input.fixed_head_resident_id, "Resident",
                                      "fixedHeadResidentId"),
            account_id=access.principal.account_id)

    return await run(info, work, lambda r: BuildingHeadStationPayload(
        station=BuildingHeadStation.from_row(r)))


@strawberry.input(description="登记请假 / record a head's leave")
class BuildingHeadRecordLeaveInput:
    appointment_id: strawberry.ID
    starts_on: date
    ends_on: date
    reason: str = ""


@strawberry.type
class BuildingHeadLeavePayload:
    leave: BuildingHeadLeave


BuildingHeadLeaveResult = Annotated[BuildingHeadLeavePayload | UserError,
                                    strawberry.union("BuildingHeadLeaveResult")]


@strawberry.mutation(description="登记楼长请假（排班时跳过）/ record leave (skipped by the rota)")
async def building_head_record_leave(info: Info, input: BuildingHeadRecordLeaveInput
                                     ) -> BuildingHeadLeaveResult:
    async def work(access: Any) -> Any:
        ident = pk(input.appointment_id, "BuildingHeadAppointment", "appointmentId")
        appointment = await get_appointment(int(ident or 0))
        await _require(access, "building_heads.rota",
                       await _community_of(int(appointment["building_id"])))
        return await svc.record_leave(int(ident or 0), input.starts_on, input.ends_on,
                                      input.reason, access.principal.account_id)

    return await run(info, work, lambda r: BuildingHeadLeavePayload(leave=BuildingHeadLeave(
        id=encode_global_id("BuildingHeadLeave", int(r["id"])),
        appointment_id=encode_global_id("BuildingHeadAppointment", int(r["appointment_id"])),
        starts_on=r["starts_on"], ends_on=r["ends_on"], reason=r["reason"])))


@strawberry.input(description="生成排班 / generate the rota for a period")
class BuildingHeadGenerateRotaInput:
    station_id: strawberry.ID
    from_: date = strawberry.field(name="from")
    to: date


@strawberry.type
class BuildingHeadRotaPayload:
    shifts: list[BuildingHeadRotaShift] = strawberry.field(description="新排的班次 / new shifts")
    unfilled_weeks: list[date] = strawberry.field(description="无人可排的周（均请假）/ weeks "
                                                             "nobody could take")


BuildingHeadRotaResult = Annotated[BuildingHeadRotaPayload | UserError,
                                   strawberry.union("BuildingHeadRotaResult")]


@strawberry.mutation(description="按周轮流生成兼职站长排班（跳过请假）/ generate weekly shifts "
                                 "by round robin, skipping heads on leave")
async def building_head_generate_rota(info: Info, input: BuildingHeadGenerateRotaInput
                                      ) -> BuildingHeadRotaResult:
    async def work(access: Any) -> Any:
        station = int(pk(input.station_id, "BuildingHeadStation", "stationId") or 0)
        row = await svc.get_station(station)
        await _require(access, "building_heads.rota", int(row["community_id"]))
        return await svc.generate(station, input.from_, input.to, access.principal.account_id)

    return await run(info, work, lambda r: BuildingHeadRotaPayload(
        shifts=[BuildingHeadRotaShift.from_row(s) for s in r.created],
        unfilled_weeks=r.unfilled))


@strawberry.input(description="换班（须说明理由）/ swap two shifts (reason required)")
class BuildingHeadSwapShiftsInput:
    shift_a_id: strawberry.ID
    shift_b_id: strawberry.ID
    reason: str


@strawberry.type
class BuildingHeadSwapPayload:
    shifts: list[BuildingHeadRotaShift]


BuildingHeadSwapResult = Annotated[BuildingHeadSwapPayload | UserError,
                                   strawberry.union("BuildingHeadSwapResult")]


@strawberry.mutation(description="交换两个班次并记录理由 / swap two shifts, recording why")
async def building_head_swap_shifts(info: Info, input: BuildingHeadSwapShiftsInput
                                    ) -> BuildingHeadSwapResult:
    async def work(access: Any) -> Any:
        a = int(pk(input.shift_a_id, "BuildingHeadRotaShift", "shiftAId") or 0)
        b = int(pk(input.shift_b_id, "BuildingHeadRotaShift", "shiftBId") or 0)
        shift = await RotaShift.select(RotaShift.station_id).where(
            RotaShift.id == a).first()
        if shift is not None:
            station = await svc.get_station(int(shift["station_id"]))
            await _require(access, "building_heads.rota", int(station["community_id"]))
        return await svc.swap_shifts(a, b, input.reason, access.principal.account_id)

    return await run(info, work, lambda pair: BuildingHeadSwapPayload(
        shifts=[BuildingHeadRotaShift.from_row(s) for s in pair]))


@strawberry.input(description="年度考评 / evaluate a finished year")
class BuildingHeadEvaluateInput:
    year: int


@strawberry.type
class BuildingHeadEvaluatePayload:
    evaluations: list[BuildingHeadEvaluation] = strawberry.field(
        description="本次新生成的考评（已考评过的不再重复）/ evaluations created now")


BuildingHeadEvaluateResult = Annotated[BuildingHeadEvaluatePayload | UserError,
                                       strawberry.union("BuildingHeadEvaluateResult")]


@strawberry.mutation(description="考评已结束年度的所有楼长（可重复运行，不重复生成）/ evaluate "
                                 "every head of a finished year (idempotent)")
async def building_head_evaluate(info: Info, input: BuildingHeadEvaluateInput
                                 ) -> BuildingHeadEvaluateResult:
    async def work(access: Any) -> Any:
        await _require(access, "building_heads.manage", None)
        return await evals.evaluate_year(rules_of(info), input.year,
                                         account_id=access.principal.account_id,
                                         today=today_shanghai())

    return await run(info, work, lambda rows: BuildingHeadEvaluatePayload(
        evaluations=[BuildingHeadEvaluation.from_row(r) for r in rows]))


async def _evaluation_node(info: Info, ident: int) -> BuildingHeadEvaluation | None:
    async def work(access: Any) -> Any:
        row = await Evaluation.select().where(Evaluation.id == ident).first()
        if row is None:
            return None
        allowed = await visible_buildings(access, "building_heads.read")
        if allowed is not None:
            appointment = await get_appointment(int(row["appointment_id"]))
            if int(appointment["building_id"]) not in allowed:
                return None
        return dict(row)

    row = await read(info, work)
    return BuildingHeadEvaluation.from_row(row) if row else None


async def _shift_node(info: Info, ident: int) -> BuildingHeadRotaShift | None:
    async def work(access: Any) -> Any:
        row = await RotaShift.select().where(RotaShift.id == ident).first()
        if row is None:
            return None
        station = await svc.get_station(int(row["station_id"]))
        await _require(access, "building_heads.read", int(station["community_id"]))
        return dict(row)

    try:
        row = await read(info, work)
    except ApiError:
        return None
    return BuildingHeadRotaShift.from_row(row) if row else None


TYPES: list[type] = [BuildingHeadStation, BuildingHeadRotaShift, BuildingHeadLeave,
                     BuildingHeadEvaluation]
QUERIES: list[object] = [building_head_stations, building_head_rota, building_head_evaluations]
MUTATIONS: list[object] = [building_head_create_station, building_head_record_leave,
                           building_head_generate_rota, building_head_swap_shifts,
                           building_head_evaluate]
SUBSCRIPTIONS: list[object] = []
NODE_TYPES: list[NodeType] = [NodeType("BuildingHeadStation", _station_node),
                              NodeType("BuildingHeadEvaluation", _evaluation_node),
                              NodeType("BuildingHeadRotaShift", _shift_node)]
