"""Mutation fields of the plugin, in the order they appear on ``Mutation`` (appointments, visits,
matters, rota and evaluation): one ``input`` each, a union of the payload and ``UserError``.
Each runs its service in the mutation's one write transaction (``run_mutation``); services
check who may and refuse with ``ApiError``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any, TypeVar

import strawberry

from core.plugin import (
    Access,
    ApiError,
    Info,
    UserError,
    encode_global_id,
    run_mutation,
    today_shanghai,
)
from plugins.building_heads.schema.common import gid, pk, rules_of
from plugins.building_heads.schema.types import (
    MATTER,
    BuildingHeadAppointment,
    BuildingHeadCandidate,
    BuildingHeadDuty,
    BuildingHeadDutyKind,
    BuildingHeadEvaluation,
    BuildingHeadHandoff,
    BuildingHeadHandoffParty,
    BuildingHeadLeave,
    BuildingHeadMatter,
    BuildingHeadMatterChange,
    BuildingHeadMatterEntry,
    BuildingHeadMatterStep,
    BuildingHeadMeeting,
    BuildingHeadMeetingKind,
    BuildingHeadMeetingParty,
    BuildingHeadPropertyCompany,
    BuildingHeadRotaShift,
    BuildingHeadStation,
    BuildingHeadVisit,
    BuildingHeadVisitWay,
    HeadRole,
    NominationMethod,
)
from plugins.building_heads.services import (
    appointments,
    companies,
    duties,
    evaluation,
    handoffs,
    matters,
    meetings,
    rota,
    survey,
    visits,
)

__all__ = ["MUTATIONS"]


# One payload type per mutation (``fooBar`` → ``FooBarPayload``); those carrying the same
# object implement one interface, so a client may select ``... on BuildingHeadCandidateChange``.
@strawberry.interface(description="候选人变更后的结果 / a candidate after a change")
class BuildingHeadCandidateChange:
    candidate: BuildingHeadCandidate


@strawberry.type
class BuildingHeadNominatePayload(BuildingHeadCandidateChange):
    pass


@strawberry.type
class BuildingHeadCheckEligibilityPayload(BuildingHeadCandidateChange):
    pass


@strawberry.type
class BuildingHeadOverrideEligibilityPayload(BuildingHeadCandidateChange):
    pass


@strawberry.type
class BuildingHeadStartNoticePayload(BuildingHeadCandidateChange):
    pass


BuildingHeadNominateResult = Annotated[BuildingHeadNominatePayload | UserError,
                                       strawberry.union("BuildingHeadNominateResult")]
BuildingHeadCheckEligibilityResult = Annotated[
    BuildingHeadCheckEligibilityPayload | UserError,
    strawberry.union("BuildingHeadCheckEligibilityResult")]
BuildingHeadOverrideEligibilityResult = Annotated[
    BuildingHeadOverrideEligibilityPayload | UserError,
    strawberry.union("BuildingHeadOverrideEligibilityResult")]
BuildingHeadStartNoticeResult = Annotated[BuildingHeadStartNoticePayload | UserError,
                                          strawberry.union("BuildingHeadStartNoticeResult")]


@strawberry.interface(description="任期变更后的结果 / a term after a change")
class BuildingHeadAppointmentChange:
    appointment: BuildingHeadAppointment


@strawberry.type
class BuildingHeadApprovePayload(BuildingHeadAppointmentChange):
    pass


@strawberry.type
class BuildingHeadHandoverPayload(BuildingHeadAppointmentChange):
    pass


@strawberry.type
class BuildingHeadEndTermPayload(BuildingHeadAppointmentChange):
    pass


@strawberry.type
class BuildingHeadLinkAccountPayload(BuildingHeadAppointmentChange):
    pass


BuildingHeadApproveResult = Annotated[BuildingHeadApprovePayload | UserError,
                                      strawberry.union("BuildingHeadApproveResult")]
BuildingHeadHandoverResult = Annotated[BuildingHeadHandoverPayload | UserError,
                                       strawberry.union("BuildingHeadHandoverResult")]
BuildingHeadEndTermResult = Annotated[BuildingHeadEndTermPayload | UserError,
                                      strawberry.union("BuildingHeadEndTermResult")]
BuildingHeadLinkAccountResult = Annotated[BuildingHeadLinkAccountPayload | UserError,
                                          strawberry.union("BuildingHeadLinkAccountResult")]


def _candidate_payload(cls: type[BuildingHeadCandidateChange]) -> Callable[[dict[str, Any]], Any]:
    return lambda row: cls(candidate=BuildingHeadCandidate.from_row(row))


def _appointment_payload(cls: type[BuildingHeadAppointmentChange]) -> Callable[[dict[str, Any]], Any]:
    return lambda row: cls(appointment=BuildingHeadAppointment.from_row(row))


async def _manage_candidate(access: Access, candidate_gid: strawberry.ID) -> int:
    ident = pk(candidate_gid, "BuildingHeadCandidate", "candidateId")
    assert ident is not None
    await appointments.authorized_candidate(access, "building_heads.manage", ident)
    return ident


@strawberry.input(description="提名楼长候选人 / nominate a candidate")
class BuildingHeadNominateInput:
    building_id: strawberry.ID
    resident_id: strawberry.ID
    method: NominationMethod
    health_declared: bool = strawberry.field(description="声明身体健康、有时间履职 / declares "
                                                         "good health and time to serve")
    nominator_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    health_note: str = ""


@strawberry.mutation(description="提名楼长候选人 / nominate a candidate for building head")
async def building_head_nominate(info: Info, input: BuildingHeadNominateInput
                                 ) -> BuildingHeadNominateResult:
    async def work(access: Access) -> Any:
        building = pk(input.building_id, "Building", "buildingId")
        resident = pk(input.resident_id, "Resident", "residentId")
        assert building is not None and resident is not None
        nominators = [pk(n, "Resident", "nominatorIds") for n in input.nominator_ids]
        await appointments.authorize_building(access, "building_heads.manage", building)
        return await appointments.nominate(
            rules_of(info), building_id=building, resident_id=resident,
            method=input.method.value, nominators=[int(n) for n in nominators if n],
            health_declared=input.health_declared, health_note=input.health_note,
            account_id=access.principal.account_id, today=today_shanghai())

    return await run_mutation(info, work, _candidate_payload(BuildingHeadNominatePayload))


@strawberry.input(description="资格审查 / check a candidate's eligibility")
class BuildingHeadCheckEligibilityInput:
    candidate_id: strawberry.ID
    appointed_on: date | None = strawberry.field(default=None, description="任职日期，默认今天 / the "
                                                                 "appointment date (today)")


@strawberry.mutation(description="按规则审查候选人资格 / check a candidate against the rules")
async def building_head_check_eligibility(info: Info, input: BuildingHeadCheckEligibilityInput
                                          ) -> BuildingHeadCheckEligibilityResult:
    async def work(access: Access) -> Any:
        ident = await _manage_candidate(access, input.candidate_id)
        return await appointments.check_eligibility(rules_of(info), ident, input.appointed_on or today_shanghai())

    return await run_mutation(info, work, _candidate_payload(BuildingHeadCheckEligibilityPayload))


@strawberry.input(description="适当放宽任职条件（须说明理由）/ relax eligibility with a reason")
class BuildingHeadOverrideEligibilityInput:
    candidate_id: strawberry.ID
    reason: str


@strawberry.mutation(description="适当放宽任职条件（须说明理由，记入审计）/ relax eligibility "
                                 "(reason required, audited)")
async def building_head_override_eligibility(
        info: Info, input: BuildingHeadOverrideEligibilityInput) -> BuildingHeadOverrideEligibilityResult:
    async def work(access: Access) -> Any:
        ident = await _manage_candidate(access, input.candidate_id)
        return await appointments.override_eligibility(ident, input.reason, access.principal.account_id)

    return await run_mutation(info, work, _candidate_payload(BuildingHeadOverrideEligibilityPayload))


@strawberry.input(description="开始公示 / start the public notice")
class BuildingHeadStartNoticeInput:
    candidate_id: strawberry.ID


@strawberry.mutation(description="开始公示（公示天数按规则）/ start the public notice (days "
                                 "from the rule notice_days)")
async def building_head_start_notice(info: Info, input: BuildingHeadStartNoticeInput
                                     ) -> BuildingHeadStartNoticeResult:
    async def work(access: Access) -> Any:
        ident = await _manage_candidate(access, input.candidate_id)
        return await appointments.start_notice(rules_of(info), ident, access.principal.account_id,
                                      today_shanghai())

    return await run_mutation(info, work, _candidate_payload(BuildingHeadStartNoticePayload))


@strawberry.input(description="社区党委审批任命 / approve an appointment")
class BuildingHeadApproveInput:
    candidate_id: strawberry.ID
    role: HeadRole = HeadRole.HEAD
    term_starts_on: date | None = strawberry.field(default=None, description="默认今天 / today")
    term_ends_on: date | None = strawberry.field(default=None, description="默认按任期规则 / from "
                                                                       "the rule term_years")
    party_group_lead: bool = strawberry.field(default=False, description="一肩挑 / also leads "
                                                                         "the party group")
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="关联账号，默认居民本人的账号 / the account to link (default: "
                                  "the resident's own)")


async def _approve(info: Info, input: Any, handover: bool) -> Any:
    cls = BuildingHeadHandoverPayload if handover else BuildingHeadApprovePayload
    async def work(access: Access) -> Any:
        ident = await _manage_candidate(access, input.candidate_id)
        account = pk(input.account_id, "Account", "accountId")
        return await appointments.approve(
            rules_of(info), ident, account_id=access.principal.account_id,
            today=today_shanghai(), term_start=input.term_starts_on, term_end=input.term_ends_on,
            role=input.role.value, party_group_lead=input.party_group_lead,
            link_account_id=account, handover=handover)

    return await run_mutation(info, work, _appointment_payload(cls))


@strawberry.mutation(description="审批任命（公示期满后）/ approve after the notice ends")
async def building_head_approve(info: Info, input: BuildingHeadApproveInput
                                ) -> BuildingHeadApproveResult:
    return await _approve(info, input, handover=False)  # type: ignore[no-any-return]


@strawberry.input(description="楼长交接 / hand over to an approved candidate")
class BuildingHeadHandoverInput:
    candidate_id: strawberry.ID
    handover_on: date | None = strawberry.field(default=None, description="交接日，默认今天 / the day "
                                                                 "(today)")
    term_ends_on: date | None = None
    party_group_lead: bool = False
    account_id: strawberry.ID | None = None


@strawberry.mutation(description="交接：原楼长任期在新任期开始当天结束 / hand over: the "
                                 "previous term ends the day the next begins")
async def building_head_handover(info: Info, input: BuildingHeadHandoverInput
                                 ) -> BuildingHeadHandoverResult:
    approve_input = BuildingHeadApproveInput(
        candidate_id=input.candidate_id, role=HeadRole.HEAD, term_starts_on=input.handover_on,
        term_ends_on=input.term_ends_on, party_group_lead=input.party_group_lead,
        account_id=input.account_id)
    return await _approve(info, approve_input, handover=True)  # type: ignore[no-any-return]


@strawberry.input(description="结束任期 / end a term")
class BuildingHeadEndTermInput:
    appointment_id: strawberry.ID
    reason: str = ""
    ended_on: date | None = strawberry.field(default=None, description="默认今天 / today")


@strawberry.mutation(description="结束任期并收回楼长权限 / end a term (the account loses the "
                                 "building)")
async def building_head_end_term(info: Info, input: BuildingHeadEndTermInput
                                 ) -> BuildingHeadEndTermResult:
    async def work(access: Access) -> Any:
        ident = pk(input.appointment_id, "BuildingHeadAppointment", "appointmentId")
        assert ident is not None
        await appointments.authorized_appointment(access, "building_heads.manage", ident)
        return await appointments.end_term(ident, on=input.ended_on or today_shanghai(), reason=input.reason,
                                  account_id=access.principal.account_id)

    return await run_mutation(info, work, _appointment_payload(BuildingHeadEndTermPayload))


@strawberry.input(description="关联账号（任命后）/ link a serving term to an account")
class BuildingHeadLinkAccountInput:
    appointment_id: strawberry.ID
    account_id: strawberry.ID = strawberry.field(description="楼长本人的账号 / the head's "
                                                             "own account")


@strawberry.mutation(description="为在任楼长关联登录账号（账号获得该楼栋的楼长权限）/ link a "
                                 "serving head's term to an account (which gets the head role "
                                 "at the building)")
async def building_head_link_account(info: Info, input: BuildingHeadLinkAccountInput
                                     ) -> BuildingHeadLinkAccountResult:
    async def work(access: Access) -> Any:
        ident = pk(input.appointment_id, "BuildingHeadAppointment", "appointmentId")
        account = pk(input.account_id, "Account", "accountId")
        assert ident is not None and account is not None
        await appointments.authorized_appointment(access, "building_heads.manage", ident)
        return await appointments.link_account(ident, account,
                                               account_id=access.principal.account_id)

    return await run_mutation(info, work, _appointment_payload(BuildingHeadLinkAccountPayload))


@strawberry.input(description="新建红旗驿站 / create a station")
class BuildingHeadCreateStationInput:
    name: str
    community_id: strawberry.ID
    compound_id: strawberry.ID | None = None
    fixed_head_resident_id: strawberry.ID | None = None


@strawberry.type
class BuildingHeadCreateStationPayload:
    station: BuildingHeadStation


BuildingHeadCreateStationResult = Annotated[BuildingHeadCreateStationPayload | UserError,
                                      strawberry.union("BuildingHeadCreateStationResult")]


@strawberry.mutation(description="新建红旗驿站（固定站长）/ create a station with its fixed head")
async def building_head_create_station(info: Info, input: BuildingHeadCreateStationInput
                                       ) -> BuildingHeadCreateStationResult:
    async def work(access: Access) -> Any:
        community = pk(input.community_id, "Community", "communityId")
        rota.require_at(access, "building_heads.rota", community)
        return await rota.create_station(
            name=input.name, community_id=int(community or 0),
            compound_id=pk(input.compound_id, "Compound", "compoundId"),
            fixed_head_resident_id=pk(input.fixed_head_resident_id, "Resident",
                                      "fixedHeadResidentId"),
            account_id=access.principal.account_id)

    return await run_mutation(info, work, lambda r: BuildingHeadCreateStationPayload(
        station=BuildingHeadStation.from_row(r)))


@strawberry.input(description="登记请假 / record a head's leave")
class BuildingHeadRecordLeaveInput:
    appointment_id: strawberry.ID
    starts_on: date
    ends_on: date
    reason: str = ""


@strawberry.type
class BuildingHeadRecordLeavePayload:
    leave: BuildingHeadLeave


BuildingHeadRecordLeaveResult = Annotated[BuildingHeadRecordLeavePayload | UserError,
                                    strawberry.union("BuildingHeadRecordLeaveResult")]


@strawberry.mutation(description="登记楼长请假（排班时跳过）/ record leave (skipped by the rota)")
async def building_head_record_leave(info: Info, input: BuildingHeadRecordLeaveInput
                                     ) -> BuildingHeadRecordLeaveResult:
    async def work(access: Access) -> Any:
        ident = pk(input.appointment_id, "BuildingHeadAppointment", "appointmentId")
        appointment = await appointments.get_appointment(int(ident or 0))
        rota.require_at(access, "building_heads.rota",
                        await rota.community_of_building(int(appointment["building_id"])))
        return await rota.record_leave(int(ident or 0), input.starts_on, input.ends_on,
                                      input.reason, access.principal.account_id)

    return await run_mutation(info, work, lambda r: BuildingHeadRecordLeavePayload(leave=BuildingHeadLeave(
        id=encode_global_id("BuildingHeadLeave", int(r["id"])),
        appointment_id=encode_global_id("BuildingHeadAppointment", int(r["appointment_id"])),
        starts_on=r["starts_on"], ends_on=r["ends_on"], reason=r["reason"])))


@strawberry.input(description="生成排班 / generate the rota for a period")
class BuildingHeadGenerateRotaInput:
    station_id: strawberry.ID
    starts_on: date
    ends_on: date


@strawberry.type
class BuildingHeadGenerateRotaPayload:
    shifts: list[BuildingHeadRotaShift] = strawberry.field(description="新排的班次 / new shifts")
    unfilled_weeks_starting_on: list[date] = strawberry.field(description="无人可排的周（均请假）/ weeks "
                                                             "nobody could take")


BuildingHeadGenerateRotaResult = Annotated[BuildingHeadGenerateRotaPayload | UserError,
                                   strawberry.union("BuildingHeadGenerateRotaResult")]


@strawberry.mutation(description="按周轮流生成兼职站长排班（跳过请假）/ generate weekly shifts "
                                 "by round robin, skipping heads on leave")
async def building_head_generate_rota(info: Info, input: BuildingHeadGenerateRotaInput
                                      ) -> BuildingHeadGenerateRotaResult:
    async def work(access: Access) -> Any:
        station = int(pk(input.station_id, "BuildingHeadStation", "stationId") or 0)
        await rota.station_for(access, "building_heads.rota", station)
        return await rota.generate(station, input.starts_on, input.ends_on, access.principal.account_id)

    return await run_mutation(info, work, lambda r: BuildingHeadGenerateRotaPayload(
        shifts=[BuildingHeadRotaShift.from_row(s) for s in r.created],
        unfilled_weeks_starting_on=r.unfilled))


@strawberry.input(description="换班（须说明理由）/ swap two shifts (reason required)")
class BuildingHeadSwapShiftsInput:
    shift_a_id: strawberry.ID
    shift_b_id: strawberry.ID
    reason: str


@strawberry.type
class BuildingHeadSwapShiftsPayload:
    shifts: list[BuildingHeadRotaShift]


BuildingHeadSwapShiftsResult = Annotated[BuildingHeadSwapShiftsPayload | UserError,
                                   strawberry.union("BuildingHeadSwapShiftsResult")]


@strawberry.mutation(description="交换两个班次并记录理由 / swap two shifts, recording why")
async def building_head_swap_shifts(info: Info, input: BuildingHeadSwapShiftsInput
                                    ) -> BuildingHeadSwapShiftsResult:
    async def work(access: Access) -> Any:
        a = int(pk(input.shift_a_id, "BuildingHeadRotaShift", "shiftAId") or 0)
        b = int(pk(input.shift_b_id, "BuildingHeadRotaShift", "shiftBId") or 0)
        await rota.authorize_shift(access, "building_heads.rota", a)
        return await rota.swap_shifts(a, b, input.reason, access.principal.account_id)

    return await run_mutation(info, work, lambda pair: BuildingHeadSwapShiftsPayload(
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
    async def work(access: Access) -> Any:
        rota.require_at(access, "building_heads.manage", None)
        return await evaluation.evaluate_year(rules_of(info), input.year,
                                         account_id=access.principal.account_id,
                                         today=today_shanghai())

    return await run_mutation(info, work, lambda rows: BuildingHeadEvaluatePayload(
        evaluations=[BuildingHeadEvaluation.from_row(r) for r in rows]))


Change = Callable[[Access], Awaitable[tuple[dict[str, Any], int]]]


MatterPayload = TypeVar("MatterPayload", bound=BuildingHeadMatterChange)


async def _mutate(info: Info, change: Change, cls: type[MatterPayload]
                  ) -> MatterPayload | UserError:
    async def work(access: Access) -> tuple[dict[str, Any], dict[str, Any]]:
        matter, entry_id = await change(access)
        entries = await matters.entries_of([int(matter["id"])])
        return matter, next(e for e in entries[int(matter["id"])] if e["id"] == entry_id)

    result: MatterPayload | UserError = await run_mutation(info, work, lambda pair: cls(
        matter=BuildingHeadMatter.from_row(pair[0]), entry=BuildingHeadMatterEntry.from_row(pair[1])))
    return result


@strawberry.input(description="提事：指定楼栋（居民、楼长、工作人员）或小区/社区（工作人员）"
                              " / raise a matter at a building, compound or community")
class BuildingHeadRaiseMatterInput:
    title: str
    description: str = ""
    building_id: strawberry.ID | None = None
    compound_id: strawberry.ID | None = None
    community_id: strawberry.ID | None = None
    participants: list[str] = strawberry.field(default_factory=list)
    raised_on: date | None = None
    station_id: strawberry.ID | None = strawberry.field(
        default=None, description="在哪个红旗驿站议事（默认：所在小区的驿站，否则社区的驿站）/ the "
                                  "station where it is deliberated (default: the compound's, "
                                  "else the community's)")


@strawberry.input(description="记录下一步：参与人、决定、日期；评价须打分 / record the next step")
class BuildingHeadAdvanceMatterInput:
    matter_id: strawberry.ID
    step: BuildingHeadMatterStep
    participants: list[str]
    decision: str
    decided_on: date | None = None
    rating: int | None = None


@strawberry.input(description="在当前步骤办结 / close the matter with its resolution")
class BuildingHeadResolveMatterInput:
    matter_id: strawberry.ID
    resolution: str
    participants: list[str] = strawberry.field(default_factory=list)
    decided_on: date | None = None


@strawberry.input(description="上移一级（楼栋→小区→社区）/ escalate one level")
class BuildingHeadEscalateMatterInput:
    matter_id: strawberry.ID
    reason: str
    participants: list[str] = strawberry.field(default_factory=list)
    decided_on: date | None = None


@strawberry.input(description="下单给网格员 / hand the matter to a grid worker of its grid")
class BuildingHeadHandOffMatterInput:
    matter_id: strawberry.ID
    grid_worker_id: strawberry.ID = strawberry.field(description="网格员账号ID / Account id")
    note: str
    decided_on: date | None = None


@strawberry.input(description="跟进 / a follow-up entry on a handed-off matter")
class BuildingHeadFollowUpMatterInput:
    matter_id: strawberry.ID
    note: str
    decided_on: date | None = None


@strawberry.type
class BuildingHeadRaiseMatterPayload(BuildingHeadMatterChange):
    pass


BuildingHeadRaiseMatterResult = Annotated[BuildingHeadRaiseMatterPayload | UserError,
                                 strawberry.union("BuildingHeadRaiseMatterResult")]


@strawberry.type
class BuildingHeadAdvanceMatterPayload(BuildingHeadMatterChange):
    pass


BuildingHeadAdvanceMatterResult = Annotated[BuildingHeadAdvanceMatterPayload | UserError,
                                 strawberry.union("BuildingHeadAdvanceMatterResult")]


@strawberry.type
class BuildingHeadResolveMatterPayload(BuildingHeadMatterChange):
    pass


BuildingHeadResolveMatterResult = Annotated[BuildingHeadResolveMatterPayload | UserError,
                                 strawberry.union("BuildingHeadResolveMatterResult")]


@strawberry.type
class BuildingHeadEscalateMatterPayload(BuildingHeadMatterChange):
    pass


BuildingHeadEscalateMatterResult = Annotated[BuildingHeadEscalateMatterPayload | UserError,
                                 strawberry.union("BuildingHeadEscalateMatterResult")]


@strawberry.type
class BuildingHeadHandOffMatterPayload(BuildingHeadMatterChange):
    pass


BuildingHeadHandOffMatterResult = Annotated[BuildingHeadHandOffMatterPayload | UserError,
                                 strawberry.union("BuildingHeadHandOffMatterResult")]


@strawberry.type
class BuildingHeadFollowUpMatterPayload(BuildingHeadMatterChange):
    pass


BuildingHeadFollowUpMatterResult = Annotated[BuildingHeadFollowUpMatterPayload | UserError,
                                 strawberry.union("BuildingHeadFollowUpMatterResult")]


def _matterpk(gid: str) -> int:
    return int(pk(gid, MATTER, "matterId"))  # type: ignore[arg-type]


@strawberry.mutation(description="提事 / raise a matter")
async def building_head_raise_matter(info: Info, input: BuildingHeadRaiseMatterInput
                                     ) -> BuildingHeadRaiseMatterResult:
    async def change(access: Access) -> tuple[dict[str, Any], int]:
        return await matters.raise_matter(
            access, title=input.title, description=input.description,
            building_id=pk(input.building_id, "Building", "buildingId"),
            compound_id=pk(input.compound_id, "Compound", "compoundId"),
            community_id=pk(input.community_id, "Community", "communityId"),
            participants=input.participants, raised_on=input.raised_on,
            station_id=pk(input.station_id, "BuildingHeadStation", "stationId"))
    return await _mutate(info, change, BuildingHeadRaiseMatterPayload)


@strawberry.mutation(description="推进到下一步议事 / record the next step")
async def building_head_advance_matter(info: Info, input: BuildingHeadAdvanceMatterInput
                                       ) -> BuildingHeadAdvanceMatterResult:
    async def change(access: Access) -> tuple[dict[str, Any], int]:
        return await matters.advance_matter(access, _matterpk(input.matter_id), input.step.value,
                                        participants=input.participants,
                                        decision=input.decision, decided_on=input.decided_on,
                                        rating=input.rating)
    return await _mutate(info, change, BuildingHeadAdvanceMatterPayload)


@strawberry.mutation(description="办结 / resolve a matter at its current step")
async def building_head_resolve_matter(info: Info, input: BuildingHeadResolveMatterInput
                                       ) -> BuildingHeadResolveMatterResult:
    async def change(access: Access) -> tuple[dict[str, Any], int]:
        return await matters.resolve_matter(access, _matterpk(input.matter_id), input.resolution,
                                        participants=input.participants,
                                        decided_on=input.decided_on)
    return await _mutate(info, change, BuildingHeadResolveMatterPayload)


@strawberry.mutation(description="上移 / escalate a matter one level")
async def building_head_escalate_matter(info: Info, input: BuildingHeadEscalateMatterInput
                                        ) -> BuildingHeadEscalateMatterResult:
    async def change(access: Access) -> tuple[dict[str, Any], int]:
        return await matters.escalate_matter(access, _matterpk(input.matter_id), input.reason,
                                         participants=input.participants,
                                         decided_on=input.decided_on)
    return await _mutate(info, change, BuildingHeadEscalateMatterPayload)


@strawberry.mutation(description="下单给网格员 / hand a matter to the grid worker")
async def building_head_hand_off_matter(info: Info, input: BuildingHeadHandOffMatterInput
                                        ) -> BuildingHeadHandOffMatterResult:
    async def change(access: Access) -> tuple[dict[str, Any], int]:
        worker = int(pk(input.grid_worker_id, "Account", "gridWorkerId"))  # type: ignore[arg-type]
        matter = _matterpk(input.matter_id)
        await handoffs.hand_off(access, object_kind="matter", object_id=matter,
                                to_kind="grid_worker", note=input.note, grid_account_id=worker,
                                handed_on=input.decided_on)
        found = await matters.get_matter(matter)
        assert found is not None
        entries = await matters.entries_of([matter])
        return found, int(entries[matter][-1]["id"])
    return await _mutate(info, change, BuildingHeadHandOffMatterPayload)


@strawberry.mutation(description="跟进 / follow a handed-off matter up")
async def building_head_follow_up_matter(info: Info, input: BuildingHeadFollowUpMatterInput
                                         ) -> BuildingHeadFollowUpMatterResult:
    async def change(access: Access) -> tuple[dict[str, Any], int]:
        return await matters.follow_up_matter(access, _matterpk(input.matter_id), input.note,
                                          decided_on=input.decided_on)
    return await _mutate(info, change, BuildingHeadFollowUpMatterPayload)


# -- the one-step visit -------------------------------------------------------------------------
@strawberry.input(description="登记走访（只需选住户，其余可省略）/ log a visit: only the household "
                              "is required")
class BuildingHeadLogVisitInput:
    household_id: strawberry.ID
    visited_on: date | None = strawberry.field(
        default=None, description="走访日期，默认今天 / the day, default today (Asia/Shanghai)")
    way: BuildingHeadVisitWay = strawberry.field(
        default=BuildingHeadVisitWay.IN_PERSON, description="默认上门 / default in person")
    notes: str = strawberry.field(default="", description="走访情况 / what was found")
    matter_title: str | None = strawberry.field(
        default=None, description="走访中提出的议事事项 / a matter raised during the visit")
    task_id: strawberry.ID | None = strawberry.field(
        default=None, description="完成的走访任务 / the visit task this visit fulfils")


@strawberry.type
class BuildingHeadLogVisitPayload:
    visit: BuildingHeadVisit
    closed_task_ids: list[strawberry.ID]
    matter_id: strawberry.ID | None


BuildingHeadLogVisitResult = Annotated[BuildingHeadLogVisitPayload | UserError,
                                       strawberry.union("BuildingHeadLogVisitResult")]


@strawberry.mutation(description="登记一次走访 / log a home visit in one step")
async def building_head_log_visit(info: Info, input: BuildingHeadLogVisitInput
                                  ) -> BuildingHeadLogVisitResult:
    async def work(access: Access) -> visits.LoggedVisit:
        household_id = pk(input.household_id, "Household", "householdId")
        task_id = pk(input.task_id, "BuildingHeadVisitTask", "taskId")
        assert household_id is not None
        return await visits.log_visit(
            access, household_id, visited_on=input.visited_on, way=input.way.value,
            notes=input.notes, matter_title=input.matter_title, task_id=task_id)

    return await run_mutation(info, work, lambda logged: BuildingHeadLogVisitPayload(
        visit=BuildingHeadVisit.of(logged.visit),
        closed_task_ids=[encode_global_id("BuildingHeadVisitTask", t)
                         for t in logged.closed_task_ids],
        matter_id=gid("BuildingHeadMatter", logged.matter_id)))


@strawberry.input(description="信息采集的内容（写回居民登记，记入审计）/ household information "
                              "collected (written back to the resident record, audited)")
class BuildingHeadCollectedInfoInput:
    resident_id: strawberry.ID = strawberry.field(description="该住户的居民 / a resident of the "
                                                              "household")
    phone: str | None = strawberry.field(default=None, description="新手机号（空串清除）/ new "
                                                                  "phone (empty clears)")
    relation: str | None = strawberry.field(default=None, description="与户主关系 / relation")
    tags_added: list[str] = strawberry.field(default_factory=list,
                                             description="新增标签，如 长期空巢 / tags to add")
    tags_removed: list[str] = strawberry.field(default_factory=list,
                                               description="去除标签 / tags to remove")


@strawberry.input(description="记录一次履职（服务内容）/ record a duty of the service content")
class BuildingHeadRecordDutyInput:
    building_id: strawberry.ID
    kind: BuildingHeadDutyKind
    summary: str = strawberry.field(description="做了什么 / what was done")
    outcome: str = strawberry.field(default="", description="结果 / the outcome")
    minutes: int = strawberry.field(default=0, description="实际用时（分钟）/ real time spent")
    done_on: date | None = strawberry.field(default=None, description="默认今天 / today")
    parties: list[str] = strawberry.field(default_factory=list,
                                          description="调解当事人 / mediation parties")
    follow_up: str = strawberry.field(default="", description="后续跟进 / follow-up")
    household_id: strawberry.ID | None = strawberry.field(
        default=None, description="涉及的住户（如信息采集）/ the household concerned")
    collected: BuildingHeadCollectedInfoInput | None = strawberry.field(
        default=None, description="信息采集：写回居民登记的更新 / information collection: the "
                                  "update written back to the resident record")


@strawberry.type
class BuildingHeadRecordDutyPayload:
    duty: BuildingHeadDuty


BuildingHeadRecordDutyResult = Annotated[BuildingHeadRecordDutyPayload | UserError,
                                         strawberry.union("BuildingHeadRecordDutyResult")]


@strawberry.mutation(description="记录履职：传达政策、协助楼宇事务、调解纠纷、反映社情民意、维护平安稳定、"
                                 "信息采集、社区交办任务 / record a duty (policy relay, building "
                                 "affairs, mediation, opinions, safety, information, campaigns)")
async def building_head_record_duty(info: Info, input: BuildingHeadRecordDutyInput
                                    ) -> BuildingHeadRecordDutyResult:
    async def work(access: Access) -> Any:
        building = pk(input.building_id, "Building", "buildingId")
        assert building is not None
        return await duties.record_duty(
            access, building_id=building, kind=input.kind.value, summary=input.summary,
            outcome=input.outcome, minutes=input.minutes, done_on=input.done_on,
            parties=input.parties, follow_up=input.follow_up,
            household_id=pk(input.household_id, "Household", "householdId"),
            collected=_collected(input.collected))

    result: BuildingHeadRecordDutyResult = await run_mutation(
        info, work, lambda row: BuildingHeadRecordDutyPayload(duty=BuildingHeadDuty.from_row(row)))
    return result


def _collected(data: BuildingHeadCollectedInfoInput | None) -> dict[str, Any] | None:
    if data is None:
        return None
    out: dict[str, Any] = {"resident_id": pk(data.resident_id, "Resident",
                                             "collected.residentId")}
    if data.phone is not None:
        out["phone"] = data.phone
    if data.relation is not None:
        out["relation"] = data.relation
    if data.tags_added:
        out["tags_added"] = data.tags_added
    if data.tags_removed:
        out["tags_removed"] = data.tags_removed
    return out


@strawberry.input(description="办结履职记录：社情民意的答复，安全隐患交由谁处理，或转交来的任务的结果与用时 / "
                              "close a duty: an opinion's answer, who a hazard was assigned to, "
                              "or a handed task's outcome and minutes")
class BuildingHeadCloseDutyInput:
    duty_id: strawberry.ID
    answer: str = ""
    assigned_to: str = ""
    closed_on: date | None = None
    outcome: str | None = strawberry.field(default=None, description="结果 / the outcome")
    minutes: int | None = strawberry.field(default=None, description="实际用时（分钟）/ real "
                                                                     "time spent")


@strawberry.type
class BuildingHeadCloseDutyPayload:
    duty: BuildingHeadDuty


BuildingHeadCloseDutyResult = Annotated[BuildingHeadCloseDutyPayload | UserError,
                                        strawberry.union("BuildingHeadCloseDutyResult")]


@strawberry.mutation(description="办结：社情民意已答复或安全隐患已处理 / close an opinion (answered) "
                                 "or a safety hazard (dealt with)")
async def building_head_close_duty(info: Info, input: BuildingHeadCloseDutyInput
                                   ) -> BuildingHeadCloseDutyResult:
    async def work(access: Access) -> Any:
        duty = pk(input.duty_id, "BuildingHeadDuty", "dutyId")
        assert duty is not None
        return await duties.close_duty(access, duty, answer=input.answer,
                                       assigned_to=input.assigned_to, closed_on=input.closed_on,
                                       outcome=input.outcome, minutes=input.minutes,
                                       handed_to_me=await handoffs.open_handoff_for(access, duty))

    result: BuildingHeadCloseDutyResult = await run_mutation(
        info, work, lambda row: BuildingHeadCloseDutyPayload(duty=BuildingHeadDuty.from_row(row)))
    return result


@strawberry.input(description="记录改进计划 / record an improvement plan")
class BuildingHeadPlanImprovementInput:
    evaluation_id: strawberry.ID
    plan: str = strawberry.field(description="与社区商定的改进计划 / the plan agreed with "
                                             "community staff")
    review_on: date = strawberry.field(description="复查日期 / the review date")


@strawberry.type
class BuildingHeadPlanImprovementPayload:
    evaluation: BuildingHeadEvaluation


BuildingHeadPlanImprovementResult = Annotated[
    BuildingHeadPlanImprovementPayload | UserError,
    strawberry.union("BuildingHeadPlanImprovementResult")]


@strawberry.mutation(description="改进：考评为最低等级时记录改进计划与复查日期 / improvement: the "
                                 "plan and review date after a weak evaluation")
async def building_head_plan_improvement(info: Info, input: BuildingHeadPlanImprovementInput
                                         ) -> BuildingHeadPlanImprovementResult:
    async def work(access: Access) -> Any:
        rota.require_at(access, "building_heads.manage", None)
        ident = pk(input.evaluation_id, "BuildingHeadEvaluation", "evaluationId")
        assert ident is not None
        return await evaluation.plan_improvement(ident, input.plan, input.review_on,
                                                 account_id=access.principal.account_id,
                                                 today=today_shanghai())

    result: BuildingHeadPlanImprovementResult = await run_mutation(
        info, work, lambda row: BuildingHeadPlanImprovementPayload(
            evaluation=BuildingHeadEvaluation.from_row(row)))
    return result


@strawberry.input(description="一方参会人员 / the attendees of one party")
class BuildingHeadMeetingAttendeesInput:
    party: BuildingHeadMeetingParty
    names: list[str]


@strawberry.input(description="记录议事会议 / record a meeting")
class BuildingHeadRecordMeetingInput:
    kind: BuildingHeadMeetingKind
    station_id: strawberry.ID = strawberry.field(description="召开会议的红旗驿站 / the station")
    attendees: list[BuildingHeadMeetingAttendeesInput]
    topics: list[str]
    decisions: list[str] = strawberry.field(default_factory=list)
    property_company: str = strawberry.field(default="", description="物业公司 / the property "
                                                                     "company")
    matter_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="议定的事项 / the matters taken up")
    held_on: date | None = strawberry.field(default=None, description="默认今天 / today")
    property_company_id: strawberry.ID | None = strawberry.field(
        default=None, description="登记的物业公司（代替名称）/ the registered property company")


@strawberry.type
class BuildingHeadRecordMeetingPayload:
    meeting: BuildingHeadMeeting


BuildingHeadRecordMeetingResult = Annotated[BuildingHeadRecordMeetingPayload | UserError,
                                            strawberry.union("BuildingHeadRecordMeetingResult")]


@strawberry.mutation(description="记录三方联席会议或民情恳谈会（参会各方、议题、决定、议定事项）/ "
                                 "record a joint or residents' opinion meeting")
async def building_head_record_meeting(info: Info, input: BuildingHeadRecordMeetingInput
                                       ) -> BuildingHeadRecordMeetingResult:
    async def work(access: Access) -> Any:
        station = pk(input.station_id, "BuildingHeadStation", "stationId")
        assert station is not None
        attendees: dict[str, list[str]] = {}
        for group in input.attendees:
            attendees.setdefault(group.party.value, []).extend(group.names)
        return await meetings.record_meeting(
            access, kind=input.kind.value, station_id=station, held_on=input.held_on,
            attendees=attendees, topics=input.topics, decisions=input.decisions,
            property_company=input.property_company,
            matter_ids=[int(pk(m, MATTER, "matterIds") or 0) for m in input.matter_ids],
            property_company_id=pk(input.property_company_id, "BuildingHeadPropertyCompany",
                                   "propertyCompanyId"))

    result: BuildingHeadRecordMeetingResult = await run_mutation(
        info, work, lambda row: BuildingHeadRecordMeetingPayload(
            meeting=BuildingHeadMeeting.from_row(row)))
    return result


@strawberry.input(description="居民为本楼楼长打分（匿名，每户每年一次）/ rate your building's "
                              "head (anonymous, once per household and year)")
class BuildingHeadRateHeadInput:
    score: int = strawberry.field(description="1 很不满意 … 5 很满意 / 1 very unsatisfied … 5 "
                                              "very satisfied")


@strawberry.type
class BuildingHeadRateHeadPayload:
    responses: int = strawberry.field(description="本楼今年已参与户数 / households that answered")


BuildingHeadRateHeadResult = Annotated[BuildingHeadRateHeadPayload | UserError,
                                       strawberry.union("BuildingHeadRateHeadResult")]


@strawberry.mutation(description="居民满意度测评 / residents' satisfaction survey of their head")
async def building_head_rate_head(info: Info, input: BuildingHeadRateHeadInput
                                  ) -> BuildingHeadRateHeadResult:
    async def work(access: Access) -> Any:
        return await survey.rate_head(access, input.score)

    result: BuildingHeadRateHeadResult = await run_mutation(
        info, work, lambda r: BuildingHeadRateHeadPayload(responses=r.responses))
    return result


@strawberry.input(description="交办安全隐患（上报→交办→办结）/ assign a reported safety hazard")
class BuildingHeadAssignDutyInput:
    duty_id: strawberry.ID
    assigned_to: str = strawberry.field(description="交由谁处理 / who will remove it")
    assigned_on: date | None = strawberry.field(default=None, description="默认今天 / today")


@strawberry.type
class BuildingHeadAssignDutyPayload:
    duty: BuildingHeadDuty


BuildingHeadAssignDutyResult = Annotated[BuildingHeadAssignDutyPayload | UserError,
                                         strawberry.union("BuildingHeadAssignDutyResult")]


@strawberry.mutation(description="交办安全隐患 / assign a safety hazard")
async def building_head_assign_duty(info: Info, input: BuildingHeadAssignDutyInput
                                    ) -> BuildingHeadAssignDutyResult:
    async def work(access: Access) -> Any:
        duty = pk(input.duty_id, "BuildingHeadDuty", "dutyId")
        assert duty is not None
        return await duties.assign_duty(access, duty, assigned_to=input.assigned_to,
                                        assigned_on=input.assigned_on)

    result: BuildingHeadAssignDutyResult = await run_mutation(
        info, work, lambda row: BuildingHeadAssignDutyPayload(duty=BuildingHeadDuty.from_row(row)))
    return result


@strawberry.input(description="转交议事事项或履职任务：楼长→网格员、网格员→楼长，或交物业 / hand a "
                              "matter or duty over: head → grid worker, grid worker → head, or "
                              "to the property company")
class BuildingHeadHandOffInput:
    to: BuildingHeadHandoffParty = strawberry.field(description="GRID_WORKER | HEAD | PROPERTY")
    note: str
    matter_id: strawberry.ID | None = None
    duty_id: strawberry.ID | None = None
    grid_worker_id: strawberry.ID | None = strawberry.field(
        default=None, description="网格员账号ID（转网格员时）/ the grid worker's account id")
    property_company_id: strawberry.ID | None = None
    handed_on: date | None = strawberry.field(default=None, description="默认今天 / today")


@strawberry.type
class BuildingHeadHandOffPayload:
    handoff: BuildingHeadHandoff


BuildingHeadHandOffResult = Annotated[BuildingHeadHandOffPayload | UserError,
                                      strawberry.union("BuildingHeadHandOffResult")]


@strawberry.mutation(description="转交（双向进入）/ hand a matter or duty over")
async def building_head_hand_off(info: Info, input: BuildingHeadHandOffInput
                                 ) -> BuildingHeadHandOffResult:
    async def work(access: Access) -> Any:
        matter = pk(input.matter_id, MATTER, "matterId")
        duty = pk(input.duty_id, "BuildingHeadDuty", "dutyId")
        if (matter is None) == (duty is None):
            raise ApiError("INVALID_ARGUMENT", "请指定议事事项或履职记录（二选一）",
                           "name either a matter or a duty", "matterId")
        if input.to == BuildingHeadHandoffParty.STAFF:
            raise ApiError("INVALID_ARGUMENT", "转交对象须为网格员、楼长或物业",
                           "hand to a grid worker, a head or the property company", "to")
        return await handoffs.hand_off(
            access, object_kind="matter" if matter is not None else "duty",
            object_id=int(matter if matter is not None else duty or 0), to_kind=input.to.value,
            note=input.note, grid_account_id=pk(input.grid_worker_id, "Account", "gridWorkerId"),
            property_company_id=pk(input.property_company_id, "BuildingHeadPropertyCompany",
                                   "propertyCompanyId"), handed_on=input.handed_on)

    result: BuildingHeadHandOffResult = await run_mutation(
        info, work, lambda row: BuildingHeadHandOffPayload(handoff=BuildingHeadHandoff.from_row(row)))
    return result


@strawberry.input(description="网格员向楼长交办履职任务（如入户核查）/ a grid worker hands the "
                              "building's head a task of the service content")
class BuildingHeadRequestDutyInput:
    building_id: strawberry.ID
    kind: BuildingHeadDutyKind
    summary: str = strawberry.field(description="要做什么 / what is to be done")
    note: str = strawberry.field(description="给楼长的说明 / a note to the head")
    household_id: strawberry.ID | None = None
    handed_on: date | None = strawberry.field(default=None, description="默认今天 / today")


@strawberry.type
class BuildingHeadRequestDutyPayload:
    handoff: BuildingHeadHandoff


BuildingHeadRequestDutyResult = Annotated[BuildingHeadRequestDutyPayload | UserError,
                                          strawberry.union("BuildingHeadRequestDutyResult")]


@strawberry.mutation(description="网格员交办楼长任务 / hand the head a task")
async def building_head_request_duty(info: Info, input: BuildingHeadRequestDutyInput
                                     ) -> BuildingHeadRequestDutyResult:
    async def work(access: Access) -> Any:
        building = pk(input.building_id, "Building", "buildingId")
        assert building is not None
        return await handoffs.request_duty(
            access, building_id=building, kind=input.kind.value, summary=input.summary,
            note=input.note, household_id=pk(input.household_id, "Household", "householdId"),
            handed_on=input.handed_on)

    result: BuildingHeadRequestDutyResult = await run_mutation(
        info, work, lambda row: BuildingHeadRequestDutyPayload(
            handoff=BuildingHeadHandoff.from_row(row)))
    return result


@strawberry.input(description="答复转交来的事项 / answer what was handed to you")
class BuildingHeadAnswerHandoffInput:
    handoff_id: strawberry.ID
    answer: str
    answered_on: date | None = strawberry.field(default=None, description="默认今天 / today")


@strawberry.type
class BuildingHeadAnswerHandoffPayload:
    handoff: BuildingHeadHandoff


BuildingHeadAnswerHandoffResult = Annotated[BuildingHeadAnswerHandoffPayload | UserError,
                                            strawberry.union("BuildingHeadAnswerHandoffResult")]


@strawberry.mutation(description="答复转交（物业、网格员或楼长）/ answer a hand-off")
async def building_head_answer_handoff(info: Info, input: BuildingHeadAnswerHandoffInput
                                       ) -> BuildingHeadAnswerHandoffResult:
    async def work(access: Access) -> Any:
        ident = pk(input.handoff_id, "BuildingHeadHandoff", "handoffId")
        assert ident is not None
        return await handoffs.answer_handoff(access, ident, input.answer, input.answered_on)

    result: BuildingHeadAnswerHandoffResult = await run_mutation(
        info, work, lambda row: BuildingHeadAnswerHandoffPayload(
            handoff=BuildingHeadHandoff.from_row(row)))
    return result


@strawberry.input(description="登记物业公司 / register a property company of a community")
class BuildingHeadRegisterPropertyCompanyInput:
    community_id: strawberry.ID
    name: str
    contact: str = ""


@strawberry.type
class BuildingHeadRegisterPropertyCompanyPayload:
    property_company: BuildingHeadPropertyCompany


BuildingHeadRegisterPropertyCompanyResult = Annotated[
    BuildingHeadRegisterPropertyCompanyPayload | UserError,
    strawberry.union("BuildingHeadRegisterPropertyCompanyResult")]


@strawberry.mutation(description="登记物业公司 / register a property company")
async def building_head_register_property_company(
        info: Info, input: BuildingHeadRegisterPropertyCompanyInput
) -> BuildingHeadRegisterPropertyCompanyResult:
    async def work(access: Access) -> Any:
        community = pk(input.community_id, "Community", "communityId")
        assert community is not None
        return await companies.register_company(access, community_id=community, name=input.name,
                                               contact=input.contact)

    result: BuildingHeadRegisterPropertyCompanyResult = await run_mutation(
        info, work, lambda row: BuildingHeadRegisterPropertyCompanyPayload(
            property_company=BuildingHeadPropertyCompany.from_row(row)))
    return result


@strawberry.input(description="为物业公司开通账号（可答复转交给它的事项）/ give a property company an "
                              "account (it answers what is handed to it)")
class BuildingHeadLinkPropertyAccountInput:
    property_company_id: strawberry.ID
    account_id: strawberry.ID


@strawberry.type
class BuildingHeadLinkPropertyAccountPayload:
    property_company: BuildingHeadPropertyCompany


BuildingHeadLinkPropertyAccountResult = Annotated[
    BuildingHeadLinkPropertyAccountPayload | UserError,
    strawberry.union("BuildingHeadLinkPropertyAccountResult")]


@strawberry.mutation(description="开通物业账号 / link an account to a property company")
async def building_head_link_property_account(
        info: Info, input: BuildingHeadLinkPropertyAccountInput
) -> BuildingHeadLinkPropertyAccountResult:
    async def work(access: Access) -> Any:
        company = pk(input.property_company_id, "BuildingHeadPropertyCompany",
                     "propertyCompanyId")
        account = pk(input.account_id, "Account", "accountId")
        assert company is not None and account is not None
        return await companies.link_company_account(access, company, account)

    result: BuildingHeadLinkPropertyAccountResult = await run_mutation(
        info, work, lambda row: BuildingHeadLinkPropertyAccountPayload(
            property_company=BuildingHeadPropertyCompany.from_row(row)))
    return result


MUTATIONS: list[Any] = [
    building_head_nominate, building_head_check_eligibility,
    building_head_override_eligibility, building_head_start_notice, building_head_approve,
    building_head_handover, building_head_end_term, building_head_link_account,
    building_head_log_visit, building_head_record_duty, building_head_close_duty,
    building_head_raise_matter, building_head_advance_matter, building_head_resolve_matter,
    building_head_escalate_matter, building_head_hand_off_matter,
    building_head_follow_up_matter, building_head_record_meeting,
    building_head_create_station, building_head_record_leave, building_head_generate_rota,
    building_head_swap_shifts, building_head_rate_head, building_head_evaluate,
    building_head_plan_improvement, building_head_assign_duty, building_head_hand_off,
    building_head_request_duty, building_head_answer_handoff,
    building_head_register_property_company, building_head_link_property_account,
]
"""Mutation fields in schema order (``linli_mutation_fields``)."""
