"""GraphQL of the appointments area: candidates (ranked), terms, and the selection mutations
(nominate, eligibility and its override, notice, approve, hand over, end a term)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date
from enum import Enum
from typing import Annotated, Any

import strawberry
from core.schema.context import Info

from core.people.tables import Building, Resident
from core.plugin import NodeType
from core.rules.service import today_shanghai
from core.schema.connection import Connection, check_first, decode_cursor, make_connection
from core.schema.errors import ApiError, UserError, user_error
from core.schema.relay import Node, encode_global_id
from core.schema.relay import pk_of as pk
from plugins.building_heads import appointments as svc
from plugins.building_heads.appointments import HeadError
from plugins.building_heads.tables import Appointment

__all__ = ["MUTATIONS", "QUERIES", "SUBSCRIPTIONS", "TYPES", "BuildingHeadAppointment",
           "api_error", "appointment_of", "pk", "rules_of", "run"]


# -- helpers shared with the rota area -------------------------------------------------
def api_error(err: HeadError) -> ApiError:
    return ApiError(err.code, err.zh, err.en, err.field)


def rules_of(info: Info) -> Any:
    return info.context.state.services.rules


async def run(info: Info, work: Callable[[Any], Awaitable[Any]], wrap: Callable[[Any], Any]
              ) -> Any:
    """Run ``work(access)`` in the mutation's one write transaction; a refusal rolls it back
    and becomes a typed :class:`UserError`."""
    try:
        async with info.context.write() as access:
            result = await work(access)
    except HeadError as exc:
        return user_error(api_error(exc))
    except ApiError as exc:
        return user_error(exc)
    return wrap(result)


async def read(info: Info, work: Callable[[Any], Awaitable[Any]]) -> Any:
    """Run ``work(access)`` in a short read transaction; refusals become query errors."""
    try:
        async with info.context.read() as access:
            return await work(access)
    except HeadError as exc:
        raise api_error(exc) from None


async def _names(info: Info, table: Any, key: str, ident: int) -> str:
    async def load(ids: list[int]) -> list[str]:
        async with info.context.read():
            rows = await table.select(table.id, table.name).where(table.id.is_in(ids))
        found = {int(r["id"]): r["name"] for r in rows}
        return [found.get(i, "") for i in ids]

    return await info.context.loader(key, load).load(ident)  # type: ignore[no-any-return]


# -- types -------------------------------------------------------------------------------
@strawberry.enum(name="BuildingHeadNominationMethod",
                 description="提名方式 / how a candidate was nominated")
class NominationMethod(Enum):
    SELF = "self"
    PARTY_MUTUAL = "party_mutual"
    RESIDENTS = "residents"
    ORGANISATION = "organisation"
    PARTY_CLAIM = "party_claim"


@strawberry.enum(name="BuildingHeadRole", description="楼长或副楼长 / head or deputy")
class HeadRole(Enum):
    HEAD = "head"
    DEPUTY = "deputy"


@strawberry.type(description="不符合条件的原因 / why a candidate is not eligible")
class BuildingHeadEligibilityReason:
    code: str
    message: str
    message_zh: str
    message_en: str


@strawberry.type(description="楼长候选人 / a candidate for building head")
class BuildingHeadCandidate(Node):
    building_id: strawberry.ID
    resident_id: strawberry.ID
    method: NominationMethod
    method_label: str = strawberry.field(description="提名方式（中文）/ the method in Chinese")
    nominator_ids: list[strawberry.ID]
    health_declared: bool
    eligible: bool = strawberry.field(description="按规则是否符合条件 / eligible under the rules")
    reasons: list[BuildingHeadEligibilityReason]
    overridden: bool
    override_reason: str
    priority: int = strawberry.field(description="优先级分（离退休干部4、党员2、本楼常住1）/ "
                                                 "priority score (retired cadre 4, party member "
                                                 "2, permanent resident of the building 1)")
    status: str = strawberry.field(description="nominated | noticed | approved | rejected | "
                                               "withdrawn")
    notice_from: date | None
    notice_until: date | None = strawberry.field(description="公示最后一天 / last day of notice")
    rule_version: int
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="可否任职（符合条件或已破格）/ may be appointed")
    def may_be_appointed(self) -> bool:
        return self.eligible or self.overridden

    @strawberry.field(description="候选人姓名 / the candidate's name")
    async def resident_name(self, info: Info) -> str:
        return await _names(info, Resident, "bh:resident-name", int(self.row["resident_id"]))

    @strawberry.field(description="楼栋名称 / the building's name")
    async def building_name(self, info: Info) -> str:
        return await _names(info, Building, "bh:building-name", int(self.row["building_id"]))

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadCandidate:
        reasons = json.loads(row["reasons"] or "[]")
        return cls(
            id=encode_global_id("BuildingHeadCandidate", int(row["id"])),
            building_id=encode_global_id("Building", int(row["building_id"])),
            resident_id=encode_global_id("Resident", int(row["resident_id"])),
            method=NominationMethod(row["method"]),
            method_label=svc.METHODS[row["method"]][0],
            nominator_ids=[encode_global_id("Resident", int(n))
                           for n in json.loads(row["nominators"] or "[]")],
            health_declared=bool(row["health_declared"]), eligible=bool(row["eligible"]),
            reasons=[BuildingHeadEligibilityReason(code=r["code"], message=f"{r['zh']} / {r['en']}",
                                                   message_zh=r["zh"], message_en=r["en"])
                     for r in reasons],
            overridden=bool(row["override_reason"]), override_reason=row["override_reason"],
            priority=int(row["priority"]), status=row["status"], notice_from=row["notice_from"],
            notice_until=row["notice_until"], rule_version=int(row["rule_version"]), row=row)


@strawberry.type(description="楼长任期 / a term as building head or deputy")
class BuildingHeadAppointment(Node):
    building_id: strawberry.ID
    resident_id: strawberry.ID
    account_id: strawberry.ID | None
    role: HeadRole
    term_start: date
    term_end: date
    ended_on: date | None
    serving: bool
    party_group_lead: bool = strawberry.field(description="一肩挑（兼任楼栋党小组长）/ also "
                                                          "leads the building's party group")
    term_rule_version: int
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="楼长姓名 / the head's name")
    async def resident_name(self, info: Info) -> str:
        return await _names(info, Resident, "bh:resident-name", int(self.row["resident_id"]))

    @strawberry.field(description="楼栋名称 / the building's name")
    async def building_name(self, info: Info) -> str:
        return await _names(info, Building, "bh:building-name", int(self.row["building_id"]))

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadAppointment:
        account = row["account_id"]
        return cls(
            id=encode_global_id("BuildingHeadAppointment", int(row["id"])),
            building_id=encode_global_id("Building", int(row["building_id"])),
            resident_id=encode_global_id("Resident", int(row["resident_id"])),
            account_id=encode_global_id("Account", int(account)) if account else None,
            role=HeadRole(row["role"]), term_start=row["term_start"], term_end=row["term_end"],
            ended_on=row["ended_on"], serving=row["ended_on"] is None,
            party_group_lead=bool(row["party_group_lead"]),
            term_rule_version=int(row["term_rule_version"]), row=row)


async def appointment_of(info: Info, appointment_id: int) -> BuildingHeadAppointment | None:
    """A term by id through the request's loader (None when not in scope)."""
    async def load(ids: list[int]) -> list[Any]:
        async with info.context.read():
            rows = await Appointment.select().where(Appointment.id.is_in(ids))
        found = {int(r["id"]): dict(r) for r in rows}
        return [found.get(i) for i in ids]

    row = await info.context.loader("bh:appointment", load).load(appointment_id)
    return BuildingHeadAppointment.from_row(row) if row else None


# -- nodes -------------------------------------------------------------------------------
async def _candidate_node(info: Info, ident: int) -> BuildingHeadCandidate | None:
    async def work(access: Any) -> Any:
        row = await svc.get_candidate(ident)
        await svc.authorize_building(access, "building_heads.read", int(row["building_id"]))
        return row

    try:
        row = await read(info, work)
    except ApiError:
        return None
    return BuildingHeadCandidate.from_row(row)


async def _appointment_node(info: Info, ident: int) -> BuildingHeadAppointment | None:
    async def work(access: Any) -> Any:
        row = await svc.get_appointment(ident)
        await svc.authorize_building(access, "building_heads.read", int(row["building_id"]))
        return row

    try:
        row = await read(info, work)
    except ApiError:
        return None
    return BuildingHeadAppointment.from_row(row)


# -- queries -----------------------------------------------------------------------------
@strawberry.field(description="楼栋的楼长候选人（按优先级排序）/ a building's candidates, ranked")
async def building_head_candidates(info: Info, building_id: strawberry.ID, first: int,
                                   after: str | None = None, include_closed: bool = False
                                   ) -> Connection[BuildingHeadCandidate]:
    check_first(first)
    start = decode_cursor(after)
    building = pk(building_id, "Building", "buildingId")
    assert building is not None

    async def work(access: Any) -> Any:
        await svc.authorize_building(access, "building_heads.read", building)
        return await svc.ranked_candidates(building, include_closed)

    rows = await read(info, work)
    ranked = [(position, row) for position, row in enumerate(rows, 1)][start:start + first + 1]
    return make_connection(ranked, first, lambda pr: BuildingHeadCandidate.from_row(pr[1]),
                           pk=lambda pr: int(pr[0]))


@strawberry.field(description="楼长任期（默认只列在任）/ terms of building heads (serving only "
                              "unless includeEnded)")
async def building_heads(info: Info, first: int, after: str | None = None,
                         building_id: strawberry.ID | None = None, include_ended: bool = False
                         ) -> Connection[BuildingHeadAppointment]:
    check_first(first)
    start = decode_cursor(after)
    building = pk(building_id, "Building", "buildingId")

    async def work(access: Any) -> Any:
        if building is not None:
            await svc.authorize_building(access, "building_heads.read", building)
        allowed = await svc.visible_buildings(access, "building_heads.read")
        if allowed is None and not access.has("building_heads.read"):
            allowed = set()
        return await svc.list_appointments(first, start, building_id=building,
                                           include_ended=include_ended, buildings=allowed)

    rows = await read(info, work)
    return make_connection(rows, first, BuildingHeadAppointment.from_row)


# -- mutations ---------------------------------------------------------------------------
@strawberry.type
class BuildingHeadCandidatePayload:
    candidate: BuildingHeadCandidate


BuildingHeadCandidateResult = Annotated[BuildingHeadCandidatePayload | UserError,
                                        strawberry.union("BuildingHeadCandidateResult")]


@strawberry.type
class BuildingHeadAppointmentPayload:
    appointment: BuildingHeadAppointment


BuildingHeadAppointmentResult = Annotated[BuildingHeadAppointmentPayload | UserError,
                                          strawberry.union("BuildingHeadAppointmentResult")]


def _candidate_payload(row: dict[str, Any]) -> BuildingHeadCandidatePayload:
    return BuildingHeadCandidatePayload(candidate=BuildingHeadCandidate.from_row(row))


def _appointment_payload(row: dict[str, Any]) -> BuildingHeadAppointmentPayload:
    return BuildingHeadAppointmentPayload(appointment=BuildingHeadAppointment.from_row(row))


async def _manage_candidate(access: Any, candidate_gid: strawberry.ID) -> int:
    ident = pk(candidate_gid, "BuildingHeadCandidate", "candidateId")
    assert ident is not None
    row = await svc.get_candidate(ident)
    await svc.authorize_building(access, "building_heads.manage", int(row["building_id"]))
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
                                 ) -> BuildingHeadCandidateResult:
    async def work(access: Any) -> Any:
        building = pk(input.building_id, "Building", "buildingId")
        resident = pk(input.resident_id, "Resident", "residentId")
        assert building is not None and resident is not None
        nominators = [pk(n, "Resident", "nominatorIds") for n in input.nominator_ids]
        await svc.authorize_building(access, "building_heads.manage", building)
        return await svc.nominate(
            rules_of(info), building_id=building, resident_id=resident,
            method=input.method.value, nominators=[int(n) for n in nominators if n],
            health_declared=input.health_declared, health_note=input.health_note,
            account_id=access.principal.account_id, today=today_shanghai())

    return await run(info, work, _candidate_payload)


@strawberry.input(description="资格审查 / check a candidate's eligibility")
class BuildingHeadCheckEligibilityInput:
    candidate_id: strawberry.ID
    on: date | None = strawberry.field(default=None, description="任职日期，默认今天 / the "
                                                                 "appointment date (today)")


@strawberry.mutation(description="按规则审查候选人资格 / check a candidate against the rules")
async def building_head_check_eligibility(info: Info, input: BuildingHeadCheckEligibilityInput
                                          ) -> BuildingHeadCandidateResult:
    async def work(access: Any) -> Any:
        ident = await _manage_candidate(access, input.candidate_id)
        return await svc.check_eligibility(rules_of(info), ident, input.on or today_shanghai())

    return await run(info, work, _candidate_payload)


@strawberry.input(description="破格（须说明理由）/ override eligibility with a reason")
class BuildingHeadOverrideEligibilityInput:
    candidate_id: strawberry.ID
    reason: str


@strawberry.mutation(description="破格任用（须说明理由，记入审计）/ override eligibility "
                                 "(reason required, audited)")
async def building_head_override_eligibility(
        info: Info, input: BuildingHeadOverrideEligibilityInput) -> BuildingHeadCandidateResult:
    async def work(access: Any) -> Any:
        ident = await _manage_candidate(access, input.candidate_id)
        return await svc.override_eligibility(ident, input.reason, access.principal.account_id)

    return await run(info, work, _candidate_payload)


@strawberry.input(description="开始公示 / start the public notice")
class BuildingHeadStartNoticeInput:
    candidate_id: strawberry.ID


@strawberry.mutation(description="开始公示（公示天数按规则）/ start the public notice (days "
                                 "from the rule notice_days)")
async def building_head_start_notice(info: Info, input: BuildingHeadStartNoticeInput
                                     ) -> BuildingHeadCandidateResult:
    async def work(access: Any) -> Any:
        ident = await _manage_candidate(access, input.candidate_id)
        return await svc.start_notice(rules_of(info), ident, access.principal.account_id,
                                      today_shanghai())

    return await run(info, work, _candidate_payload)


@strawberry.input(description="社区党委审批任命 / approve an appointment")
class BuildingHeadApproveInput:
    candidate_id: strawberry.ID
    role: HeadRole = HeadRole.HEAD
    term_start: date | None = strawberry.field(default=None, description="默认今天 / today")
    term_end: date | None = strawberry.field(default=None, description="默认按任期规则 / from "
                                                                       "the rule term_years")
    party_group_lead: bool = strawberry.field(default=False, description="一肩挑 / also leads "
                                                                         "the party group")
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="关联账号，默认居民本人的账号 / the account to link (default: "
                                  "the resident's own)")


async def _approve(info: Info, input: Any, handover: bool) -> Any:
    async def work(access: Any) -> Any:
        ident = await _manage_candidate(access, input.candidate_id)
        account = pk(input.account_id, "Account", "accountId")
        return await svc.approve(
            rules_of(info), ident, account_id=access.principal.account_id,
            today=today_shanghai(), term_start=input.term_start, term_end=input.term_end,
            role=input.role.value, party_group_lead=input.party_group_lead,
            link_account_id=account, handover=handover)

    return await run(info, work, _appointment_payload)


@strawberry.mutation(description="审批任命（公示期满后）/ approve after the notice ends")
async def building_head_approve(info: Info, input: BuildingHeadApproveInput
                                ) -> BuildingHeadAppointmentResult:
    return await _approve(info, input, handover=False)  # type: ignore[no-any-return]


@strawberry.input(description="楼长交接 / hand over to an approved candidate")
class BuildingHeadHandoverInput:
    candidate_id: strawberry.ID
    on: date | None = strawberry.field(default=None, description="交接日，默认今天 / the day "
                                                                 "(today)")
    term_end: date | None = None
    party_group_lead: bool = False
    account_id: strawberry.ID | None = None


@strawberry.mutation(description="交接：原楼长任期在新任期开始当天结束 / hand over: the "
                                 "previous term ends the day the next begins")
async def building_head_handover(info: Info, input: BuildingHeadHandoverInput
                                 ) -> BuildingHeadAppointmentResult:
    approve_input = BuildingHeadApproveInput(
        candidate_id=input.candidate_id, role=HeadRole.HEAD, term_start=input.on,
        term_end=input.term_end, party_group_lead=input.party_group_lead,
        account_id=input.account_id)
    return await _approve(info, approve_input, handover=True)  # type: ignore[no-any-return]


@strawberry.input(description="结束任期 / end a term")
class BuildingHeadEndTermInput:
    appointment_id: strawberry.ID
    reason: str = ""
    on: date | None = strawberry.field(default=None, description="默认今天 / today")


@strawberry.mutation(description="结束任期并收回楼长权限 / end a term (the account loses the "
                                 "building)")
async def building_head_end_term(info: Info, input: BuildingHeadEndTermInput
                                 ) -> BuildingHeadAppointmentResult:
    async def work(access: Any) -> Any:
        ident = pk(input.appointment_id, "BuildingHeadAppointment", "appointmentId")
        assert ident is not None
        row = await svc.get_appointment(ident)
        await svc.authorize_building(access, "building_heads.manage", int(row["building_id"]))
        return await svc.end_term(ident, on=input.on or today_shanghai(), reason=input.reason,
                                  account_id=access.principal.account_id)

    return await run(info, work, _appointment_payload)


TYPES: list[type] = [BuildingHeadCandidate, BuildingHeadAppointment,
                     BuildingHeadEligibilityReason]
QUERIES: list[object] = [building_head_candidates, building_heads]
MUTATIONS: list[object] = [building_head_nominate, building_head_check_eligibility,
                           building_head_override_eligibility, building_head_start_notice,
                           building_head_approve, building_head_handover,
                           building_head_end_term]
SUBSCRIPTIONS: list[object] = []
NODE_TYPES: list[NodeType] = [NodeType("BuildingHeadCandidate", _candidate_node),
                              NodeType("BuildingHeadAppointment", _appointment_node)]
