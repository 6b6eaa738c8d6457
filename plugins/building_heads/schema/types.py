"""Every strawberry type of the plugin (names prefixed ``BuildingHead``): appointments,
stations and rota, evaluations, matters and their timeline, visits, visit tasks, coverage.
Relations resolve through per-request DataLoaders, so statement counts do not grow with page
size."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry

from core.plugin import LIST_BOUND, Info, Node, choose, encode_global_id
from plugins.building_heads.schema.common import gid, place_name, public_read
from plugins.building_heads.services import appointments, duties, handoffs, matters, meetings
from plugins.building_heads.services.coverage import CoverageRow, OverdueHousehold

__all__ = [
    "MATTER",
    "TYPES",
    "BuildingHeadAppointment",
    "BuildingHeadCandidate",
    "BuildingHeadCoverage",
    "BuildingHeadCoverageLevel",
    "BuildingHeadDuty",
    "BuildingHeadDutyKind",
    "BuildingHeadEligibilityReason",
    "BuildingHeadEvaluation",
    "BuildingHeadHandoff",
    "BuildingHeadHandoffDirection",
    "BuildingHeadHandoffParty",
    "BuildingHeadLeave",
    "BuildingHeadMatter",
    "BuildingHeadMatterChange",
    "BuildingHeadMatterEntry",
    "BuildingHeadMatterEntryKind",
    "BuildingHeadMatterLevel",
    "BuildingHeadMatterStep",
    "BuildingHeadMatterUpdate",
    "BuildingHeadMeeting",
    "BuildingHeadMeetingKind",
    "BuildingHeadMeetingParty",
    "BuildingHeadOverdueHousehold",
    "BuildingHeadPropertyCompany",
    "BuildingHeadReminderLine",
    "BuildingHeadRotaShift",
    "BuildingHeadStation",
    "BuildingHeadSurvey",
    "BuildingHeadVisit",
    "BuildingHeadVisitTask",
    "BuildingHeadVisitTaskStatus",
    "BuildingHeadVisitWay",
    "HeadRole",
    "NominationMethod",
    "appointment_of",
]


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


@strawberry.type(description="考评类别得分 / one category's score in an evaluation")
class BuildingHeadEvaluationPart:
    category: str = strawberry.field(description="coverage | duties | matters | residents")
    score: int
    weight: int


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
    notice_starts_on: date | None = strawberry.field(description="公示首日 / first day of notice")
    notice_ends_on: date | None = strawberry.field(description="公示最后一天 / last day of notice")
    rule_version: int
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="可否任职（符合条件或已适当放宽）/ may be appointed")
    def may_be_appointed(self) -> bool:
        return self.eligible or self.overridden

    @strawberry.field(description="候选人姓名 / the candidate's name")
    async def resident_name(self, info: Info) -> str:
        return await place_name(info, "resident", int(self.row["resident_id"])) or ""

    @strawberry.field(description="楼栋名称 / the building's name")
    async def building_name(self, info: Info) -> str:
        return await place_name(info, "building", int(self.row["building_id"])) or ""

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadCandidate:
        reasons = json.loads(row["reasons"] or "[]")
        return cls(
            id=encode_global_id("BuildingHeadCandidate", int(row["id"])),
            building_id=encode_global_id("Building", int(row["building_id"])),
            resident_id=encode_global_id("Resident", int(row["resident_id"])),
            method=NominationMethod(row["method"]),
            method_label=appointments.METHODS[row["method"]][0],
            nominator_ids=[encode_global_id("Resident", int(n))
                           for n in json.loads(row["nominators"] or "[]")],
            health_declared=bool(row["health_declared"]), eligible=bool(row["eligible"]),
            reasons=[BuildingHeadEligibilityReason(code=r["code"], message=choose(r["zh"], r["en"]),
                                                   message_zh=r["zh"], message_en=r["en"])
                     for r in reasons],
            overridden=bool(row["override_reason"]), override_reason=row["override_reason"],
            priority=int(row["priority"]), status=row["status"], notice_starts_on=row["notice_from"],
            notice_ends_on=row["notice_until"], rule_version=int(row["rule_version"]), row=row)


@strawberry.type(description="楼长任期 / a term as building head or deputy")
class BuildingHeadAppointment(Node):
    building_id: strawberry.ID
    resident_id: strawberry.ID
    account_id: strawberry.ID | None
    role: HeadRole
    term_starts_on: date
    term_ends_on: date
    ended_on: date | None
    serving: bool
    party_group_lead: bool = strawberry.field(description="一肩挑（兼任楼院党小组长）/ also "
                                                          "leads the building's party group")
    term_rule_version: int
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="楼长姓名 / the head's name")
    async def resident_name(self, info: Info) -> str:
        return await place_name(info, "resident", int(self.row["resident_id"])) or ""

    @strawberry.field(description="楼栋名称 / the building's name")
    async def building_name(self, info: Info) -> str:
        return await place_name(info, "building", int(self.row["building_id"])) or ""

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadAppointment:
        account = row["account_id"]
        return cls(
            id=encode_global_id("BuildingHeadAppointment", int(row["id"])),
            building_id=encode_global_id("Building", int(row["building_id"])),
            resident_id=encode_global_id("Resident", int(row["resident_id"])),
            account_id=encode_global_id("Account", int(account)) if account else None,
            role=HeadRole(row["role"]), term_starts_on=row["term_start"], term_ends_on=row["term_end"],
            ended_on=row["ended_on"], serving=row["ended_on"] is None,
            party_group_lead=bool(row["party_group_lead"]),
            term_rule_version=int(row["term_rule_version"]), row=row)


async def appointment_of(info: Info, appointment_id: int) -> BuildingHeadAppointment | None:
    """A term by id through the request's loader (None when not in scope)."""
    async def load(ids: list[int]) -> list[dict[str, Any] | None]:
        async with info.context.read():
            found = await appointments.appointments_by_ids(ids)
        return [found.get(i) for i in ids]

    row = await info.context.loader("bh:appointment", load).load(appointment_id)
    return BuildingHeadAppointment.from_row(row) if row else None



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
                   compound_id=gid("Compound", row["compound_id"]),
                   fixed_head_resident_id=gid("Resident", row["fixed_head_resident_id"]))


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
    special_months_pct: int = strawberry.field(description="特殊家庭按月走访率 / special "
                                                           "households' monthly coverage %")
    matters_closed: int
    rating_avg: float | None = strawberry.field(description="居民平均评分 / residents' average "
                                                            "rating")
    households: int
    visited_households: int
    visits_logged: int
    duties_recorded: int = strawberry.field(description="当年记录的履职次数 / duties recorded")
    score: int = strawberry.field(description="计入类别的加权得分（0–100）/ weighted score of the "
                                              "categories that counted")
    grade: str = strawberry.field(description="等级名称（规则 evaluation_grades，默认 优秀/良好/合格/"
                                              "待改进）/ the grade's name (a rule value)")
    parts: list[BuildingHeadEvaluationPart] = strawberry.field(
        description="计入的类别及得分（无事可做的类别不计）/ the categories that counted",
        metadata={LIST_BOUND: 4})  # four categories at most
    improvement_open: bool = strawberry.field(
        description="已启动改进（最低等级）/ an improvement step was opened (lowest grade)")
    improvement_plan: str
    improvement_review_on: date | None
    rule_version: int
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="被考评的任期 / the term evaluated")
    async def appointment(self, info: Info) -> BuildingHeadAppointment | None:
        return await appointment_of(info, int(self.row["appointment_id"]))

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadEvaluation:
        rating = int(row["rating_avg_x100"])
        stored = json.loads(row.get("parts") or "{}")
        weights = stored.get("weights", {})
        parts = [BuildingHeadEvaluationPart(category=c, score=int(v),
                                            weight=int(weights.get(c, 0)))
                 for c, v in stored.get("scores", {}).items()]
        return cls(id=encode_global_id("BuildingHeadEvaluation", int(row["id"])),
                   year=int(row["year"]), coverage_pct=int(row["coverage_pct"]),
                   special_months_pct=int(row["special_months_pct"]),
                   matters_closed=int(row["matters_closed"]),
                   rating_avg=rating / 100 if rating else None,
                   households=int(row["households"]),
                   visited_households=int(row["visited_households"]),
                   visits_logged=int(row["visits_logged"]),
                   duties_recorded=int(row.get("duties_recorded") or 0), score=int(row["score"]),
                   grade=row["grade"], parts=parts,
                   improvement_open=bool(row.get("improvement_open")),
                   improvement_plan=row.get("improvement_plan") or "",
                   improvement_review_on=row.get("improvement_review_on"),
                   rule_version=int(row["rule_version"]), row=row)



MATTER = "BuildingHeadMatter"
ENTRY_KIND_ZH = {"step": "议事", "resolve": "办结", "escalate": "上移", "handoff": "转交",
                 "followup": "跟进"}
ENTRY_KIND_EN = {"step": "deliberation", "resolve": "resolved", "escalate": "escalated",
                 "handoff": "handed over", "followup": "follow-up"}


@strawberry.enum(description="议事步骤（四步议事法）/ a step of the four-step method")
class BuildingHeadMatterStep(Enum):
    RAISED = "raised"
    COMMITTEES = "committees"
    JOINT = "joint"
    RESIDENTS = "residents"
    IMPLEMENTING = "implementing"
    EVALUATED = "evaluated"


@strawberry.enum(description="议事层级 / where a matter is handled")
class BuildingHeadMatterLevel(Enum):
    BUILDING = "building"
    COMPOUND = "compound"
    COMMUNITY = "community"


@strawberry.enum(description="时间线条目类型 / kind of timeline entry")
class BuildingHeadMatterEntryKind(Enum):
    STEP = "step"
    RESOLVE = "resolve"
    ESCALATE = "escalate"
    HANDOFF = "handoff"
    FOLLOWUP = "followup"


@strawberry.type(description="议事时间线条目 / one entry on a matter's public timeline")
class BuildingHeadMatterEntry:
    id: strawberry.ID
    kind: BuildingHeadMatterEntryKind
    step: BuildingHeadMatterStep
    participants: list[str] = strawberry.field(description="参与人签名 / participants' signatures")
    decision: str
    decided_on: date

    @strawberry.field(description="步骤名称，如“两委议事”（按 Accept-Language）/ the step's name "
                                  "in the request's language")
    def step_name(self) -> str:
        return choose(matters.STEP_ZH[self.step.value], matters.STEP_EN[self.step.value])

    @strawberry.field(description="条目说明，如“上移”（按 Accept-Language）/ what the entry is, in "
                                  "the request's language")
    def kind_name(self) -> str:
        return choose(ENTRY_KIND_ZH[self.kind.value], ENTRY_KIND_EN[self.kind.value])

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadMatterEntry:
        return cls(id=encode_global_id("BuildingHeadMatterEntry", int(row["id"])),
                   kind=BuildingHeadMatterEntryKind(row["kind"]),
                   step=BuildingHeadMatterStep(row["step"]), participants=list(row["participants"]),
                   decision=row["decision"], decided_on=row["decided_on"])



@strawberry.type(description="议事事项（公开字段）/ a matter (public fields only)")
class BuildingHeadMatter(Node):
    title: str
    description: str
    level: BuildingHeadMatterLevel
    step: BuildingHeadMatterStep
    resolved: bool = strawberry.field(description="已办结 / closed with a resolution")
    resolution: str
    raised_by: str = strawberry.field(description="提出人类型 resident|head|staff（不公开姓名）"
                                                  " / who raised it (kind only, never a name)")
    rating: int | None = strawberry.field(description="居民评分1–5 / residents' rating")
    handed_to_grid_worker: bool
    building_id: strawberry.ID | None
    compound_id: strawberry.ID | None
    community_id: strawberry.ID
    station_id: strawberry.ID | None = strawberry.field(
        description="在哪个红旗驿站议事（其公开栏）/ the station where it is deliberated")
    created_at: datetime
    updated_at: datetime
    pk: strawberry.Private[int]

    @strawberry.field(description="当前步骤名称（提事、两委议事、多方主体共同议事、居民议事、办理、评价）"
                                  "（按 Accept-Language）/ the current step's name in the "
                                  "request's language")
    def step_name(self) -> str:
        return choose(matters.STEP_ZH[self.step.value], matters.STEP_EN[self.step.value])

    @strawberry.field(description="当前步骤名称（英文）/ the current step's name in English")
    def step_name_en(self) -> str:
        return matters.STEP_EN[self.step.value]

    @strawberry.field(description="议事层级名称（楼栋、小区、社区；按 Accept-Language）/ the "
                                  "level's name in the request's language")
    def level_name(self) -> str:
        return choose(matters.LEVEL_ZH[self.level.value], matters.LEVEL_EN[self.level.value])

    @strawberry.field(description="时间线（最早的在前）/ the timeline, oldest first")
    async def timeline(self, info: Info) -> list[BuildingHeadMatterEntry]:
        ctx = info.context

        async def load(ids: list[int]) -> list[list[dict[str, Any]]]:
            async with public_read(ctx):
                found = await matters.entries_of(ids)
            return [found.get(i, []) for i in ids]

        rows = await ctx.loader("building_heads.matter_entries", load).load(self.pk)
        return [BuildingHeadMatterEntry.from_row(r) for r in rows]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadMatter:
        return cls(id=encode_global_id(MATTER, int(row["id"])), pk=int(row["id"]),
                   title=row["title"], description=row["description"],
                   level=BuildingHeadMatterLevel(row["level"]),
                   step=BuildingHeadMatterStep(row["step"]), resolved=row["status"] != "open",
                   resolution=row["resolution"], raised_by=row["raised_by_kind"],
                   rating=row["rating"], handed_to_grid_worker=row["grid_account_id"] is not None,
                   building_id=gid("Building", row["building_id"]),
                   compound_id=gid("Compound", row["compound_id"]),
                   community_id=encode_global_id("Community", int(row["community_id"])),
                   station_id=gid("BuildingHeadStation", row.get("station_id")),
                   created_at=row["created_at"], updated_at=row["updated_at"])


@strawberry.type(description="议事事项的一次变化 / a change to a matter on a live board")
class BuildingHeadMatterUpdate:
    kind: BuildingHeadMatterEntryKind
    matter: BuildingHeadMatter
    entry: BuildingHeadMatterEntry


@strawberry.interface(description="议事事项已更新 / the matter after the change")
class BuildingHeadMatterChange:
    """What every matter mutation's payload carries (``BuildingHeadRaiseMatterPayload``, …)."""

    matter: BuildingHeadMatter
    entry: BuildingHeadMatterEntry



@strawberry.enum(description="走访方式 / how the household was reached")
class BuildingHeadVisitWay(Enum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    MESSAGE = "message"


@strawberry.enum(description="覆盖率层级 / roll-up level")
class BuildingHeadCoverageLevel(Enum):
    BUILDING = "building"
    GRID = "grid"
    COMMUNITY = "community"
    TENANT = "tenant"


@strawberry.enum(description="走访任务状态 / visit task status")
class BuildingHeadVisitTaskStatus(Enum):
    OPEN = "open"
    DONE = "done"


@strawberry.type(description="走访记录 / a home visit or contact")
class BuildingHeadVisit(Node):
    household_id: strawberry.ID
    building_id: strawberry.ID
    visited_on: date
    way: BuildingHeadVisitWay
    notes: str = strawberry.field(description="走访情况 / what was found")
    matter_id: strawberry.ID | None
    created_at: datetime | None
    row: strawberry.Private[dict[str, Any]]

    @classmethod
    def of(cls, row: dict[str, Any]) -> BuildingHeadVisit:
        return cls(id=encode_global_id("BuildingHeadVisit", int(row["id"])),
                   household_id=encode_global_id("Household", int(row["household_id"])),
                   building_id=encode_global_id("Building", int(row["building_id"])),
                   visited_on=row["visited_on"], way=BuildingHeadVisitWay(row["way"]),
                   notes=row["notes"] or "", matter_id=gid("BuildingHeadMatter",
                                                            row["matter_id"]),
                   created_at=row.get("created_at"), row=row)

    @strawberry.field(description="房号 / the household's room")
    async def room(self, info: Info) -> str | None:
        return await place_name(info, "household", self.row["household_id"])

    @strawberry.field(description="楼栋名称 / the building's name")
    async def building_name(self, info: Info) -> str | None:
        return await place_name(info, "building", self.row["building_id"])


@strawberry.type(description="走访任务（关爱提醒）/ a visit owed after a welfare concern")
class BuildingHeadVisitTask(Node):
    resident_id: strawberry.ID
    household_id: strawberry.ID | None
    building_id: strawberry.ID | None
    reason_code: str
    source_module: str
    noticed_on: date | None = strawberry.field(description="发现异常之日 / the day the concern "
                                                           "was first noticed")
    due_on: date
    status: BuildingHeadVisitTaskStatus
    visit_id: strawberry.ID | None
    row: strawberry.Private[dict[str, Any]]

    @classmethod
    def of(cls, row: dict[str, Any]) -> BuildingHeadVisitTask:
        return cls(id=encode_global_id("BuildingHeadVisitTask", int(row["id"])),
                   resident_id=encode_global_id("Resident", int(row["resident_id"])),
                   household_id=gid("Household", row["household_id"]),
                   building_id=gid("Building", row["building_id"]),
                   reason_code=row["reason_code"], source_module=row["source_module"] or "",
                   noticed_on=row["noticed_since"], due_on=row["due_on"],
                   status=BuildingHeadVisitTaskStatus(row["status"]),
                   visit_id=gid("BuildingHeadVisit", row["visit_id"]), row=row)

    @strawberry.field(description="居民姓名 / the resident's name")
    async def resident_name(self, info: Info) -> str | None:
        return await place_name(info, "resident", self.row["resident_id"])

    @strawberry.field(description="房号 / the household's room")
    async def room(self, info: Info) -> str | None:
        return await place_name(info, "household", self.row["household_id"])

    @strawberry.field(description="楼栋名称 / the building's name")
    async def building_name(self, info: Info) -> str | None:
        return await place_name(info, "building", self.row["building_id"])


_PLACE_TYPES = {"building": "Building", "grid": "Grid", "community": "Community",
                "tenant": "Tenant"}


@strawberry.type(description="走访覆盖率（计算所得）/ visit coverage, computed from the visits")
class BuildingHeadCoverage:
    level: BuildingHeadCoverageLevel
    place_id: strawberry.ID
    name: str
    year: int
    month: int
    households: int = strawberry.field(description="住户数 / households")
    visited_year: int = strawberry.field(
        description="本年已入户走访户数（仅上门走访；电话、留言不计）/ households visited in person "
                    "this year (phone calls and messages do not count)")
    visited_year_by_head: int = strawberry.field(
        description="其中由在任楼长本人上门走访的户数 / of those, visited in person by the serving "
                    "head themselves")
    visited_year_by_others: int = strawberry.field(
        description="仅由工作人员或前任楼长上门走访的户数 / visited in person only by staff or a "
                    "previous head")
    yearly_coverage_bp: int | None = strawberry.field(
        description="年度覆盖率（万分比，向下取整）/ yearly coverage in basis points, rounded down")
    yearly_coverage_percent: int | None = strawberry.field(
        description="年度覆盖率（整数百分比，向下取整）/ yearly coverage in whole percent")
    overdue_yearly: int = strawberry.field(description="本年未走访户数 / not visited this year")
    special_households: int = strawberry.field(description="特殊家庭数 / special households")
    special_visited_month: int = strawberry.field(
        description="本月已走访或联系（上门、电话、留言）的特殊家庭数 / special households visited "
                    "or contacted this month (in person, phone or message)")
    special_coverage_bp: int | None
    special_coverage_percent: int | None
    overdue_monthly: int = strawberry.field(
        description="本月未走访特殊家庭数 / special households not visited this month")
    special_tags_version: int = strawberry.field(
        description="所用特殊家庭标签规则版本 / version of the special-tags rule used")

    @classmethod
    def of(cls, row: CoverageRow) -> BuildingHeadCoverage:
        return cls(level=BuildingHeadCoverageLevel(row.level),
                   place_id=encode_global_id(_PLACE_TYPES[row.level], row.place_id),
                   name=row.name, year=row.year, month=row.month, households=row.households,
                   visited_year=row.visited_year, visited_year_by_head=row.visited_year_by_head,
                   visited_year_by_others=row.visited_year_by_others,
                   yearly_coverage_bp=row.yearly_bp,
                   yearly_coverage_percent=row.yearly_percent, overdue_yearly=row.overdue_year,
                   special_households=row.special,
                   special_visited_month=row.special_visited_month,
                   special_coverage_bp=row.special_bp,
                   special_coverage_percent=row.special_percent,
                   overdue_monthly=row.overdue_month, special_tags_version=row.tags_version)


@strawberry.type(description="逾期未走访的住户 / a household overdue for a visit")
class BuildingHeadOverdueHousehold:
    household_id: strawberry.ID
    building_id: strawberry.ID
    building: str = strawberry.field(description="楼栋名称 / the building's name")
    unit: str | None = strawberry.field(description="单元（无单元时为空）/ the unit, if any")
    room: str
    address: str = strawberry.field(
        description="楼栋、单元与房号，如“3号楼1单元301” / building, unit and room together")
    special: bool = strawberry.field(description="特殊家庭 / a special household")
    overdue_yearly: bool = strawberry.field(description="本年未走访 / not visited this year")
    overdue_monthly: bool = strawberry.field(
        description="特殊家庭本月未走访 / special and not visited this month")
    last_visited_on: date | None

    @classmethod
    def of(cls, row: OverdueHousehold) -> BuildingHeadOverdueHousehold:
        return cls(household_id=encode_global_id("Household", row.household_id),
                   building_id=encode_global_id("Building", row.building_id),
                   building=row.building, unit=row.unit, room=row.room,
                   address=f"{row.building}{row.unit or ''}{row.room}",
                   special=row.special, overdue_yearly=row.overdue_year,
                   overdue_monthly=row.overdue_month, last_visited_on=row.last_visited_on)


@strawberry.enum(description="履职类型（服务内容）/ a duty of the standard's service content")
class BuildingHeadDutyKind(Enum):
    POLICY_RELAY = "policy_relay"
    BUILDING_AFFAIRS = "building_affairs"
    MEDIATION = "mediation"
    OPINION = "opinion"
    SAFETY = "safety"
    INFO_COLLECTION = "info_collection"
    CAMPAIGN = "campaign"


@strawberry.type(description="履职记录 / a duty done at a building")
class BuildingHeadDuty:
    id: strawberry.ID
    building_id: strawberry.ID
    kind: BuildingHeadDutyKind
    done_on: date
    appointment_id: strawberry.ID | None = strawberry.field(
        description="履职楼长的任期（工作人员记录时为空）/ the head's term (none for staff)")
    household_id: strawberry.ID | None
    summary: str
    outcome: str
    minutes: int = strawberry.field(description="实际用时（分钟）/ real time spent, minutes")
    parties: list[str] = strawberry.field(description="调解当事人 / mediation parties")
    follow_up: str
    open: bool = strawberry.field(description="待答复或待办结 / awaiting its answer or closing")
    assigned_to: str
    assigned_on: date | None = strawberry.field(
        description="安全隐患交办日期（上报→交办→办结）/ when a hazard was assigned")
    answer: str
    closed_on: date | None
    collected_resident_id: strawberry.ID | None = strawberry.field(
        description="信息采集：更新了哪位居民的登记信息 / information collection: whose record "
                    "was updated")
    collected_fields: list[str] = strawberry.field(
        description="信息采集：写回居民登记的字段（不含数值）/ the fields written back to the "
                    "resident record (never the values)", metadata={LIST_BOUND: 10})
    created_at: datetime

    @strawberry.field(description="履职类型名称 / the kind's name in Chinese")
    def kind_name(self) -> str:
        return duties.DUTY_KINDS[self.kind.value].zh

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadDuty:
        parties = row["parties"]
        collected = json.loads(row.get("collected") or "{}")
        return cls(id=encode_global_id("BuildingHeadDuty", int(row["id"])),
                   building_id=encode_global_id("Building", int(row["building_id"])),
                   kind=BuildingHeadDutyKind(row["kind"]), done_on=row["done_on"],
                   appointment_id=gid("BuildingHeadAppointment", row["appointment_id"]),
                   household_id=gid("Household", row["household_id"]),
                   summary=row["summary"], outcome=row["outcome"], minutes=int(row["minutes"]),
                   parties=list(json.loads(parties) if isinstance(parties, str) else parties),
                   follow_up=row["follow_up"], open=row["status"] == "open",
                   assigned_to=row["assigned_to"], assigned_on=row.get("assigned_on"),
                   answer=row["answer"], closed_on=row["closed_on"],
                   collected_resident_id=gid("Resident", collected.get("resident_id")),
                   collected_fields=list(collected.get("fields", [])),
                   created_at=row["created_at"])


@strawberry.type(description="本月待走访特殊家庭名单（可打印，供无账号楼长）/ the month's "
                             "reminder for one building, printable for heads without an account")
class BuildingHeadReminderLine:
    building_id: strawberry.ID
    building: str
    head_name: str = strawberry.field(description="在任楼长 / the serving head")
    head_has_account: bool
    rooms: list[str] = strawberry.field(description="未走访或联系的特殊家庭房号 / rooms of special "
                                                    "households not yet visited or contacted",
                                        metadata={LIST_BOUND: 200})


@strawberry.enum(description="会议类型 / kind of meeting")
class BuildingHeadMeetingKind(Enum):
    JOINT = "joint"
    OPINION = "opinion"


@strawberry.enum(description="参会方 / a party at a meeting")
class BuildingHeadMeetingParty(Enum):
    COMMUNITY = "community"
    PROPERTY = "property"
    HEADS = "heads"
    RESIDENTS = "residents"
    OTHER = "other"


@strawberry.type(description="一方参会人员 / the attendees of one party")
class BuildingHeadMeetingAttendees:
    party: BuildingHeadMeetingParty
    party_name: str = strawberry.field(description="参会方名称 / the party's name in Chinese")
    names: list[str] = strawberry.field(metadata={LIST_BOUND: 50})


@strawberry.type(description="三方联席会议或民情恳谈会 / a joint meeting or residents' opinion "
                             "meeting")
class BuildingHeadMeeting:
    id: strawberry.ID
    kind: BuildingHeadMeetingKind
    kind_name: str = strawberry.field(description="三方联席会议 | 民情恳谈会")
    station_id: strawberry.ID
    community_id: strawberry.ID
    held_on: date
    property_company: str
    property_company_id: strawberry.ID | None = strawberry.field(
        description="登记的物业公司 / the registered property company")
    attendees: list[BuildingHeadMeetingAttendees] = strawberry.field(metadata={LIST_BOUND: 5})
    topics: list[str] = strawberry.field(metadata={LIST_BOUND: 50})
    decisions: list[str] = strawberry.field(metadata={LIST_BOUND: 50})
    matter_ids: list[strawberry.ID] = strawberry.field(
        description="议定的事项 / the matters taken up", metadata={LIST_BOUND: 50})
    created_at: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadMeeting:
        people = json.loads(row["attendees"] or "{}")
        return cls(id=encode_global_id("BuildingHeadMeeting", int(row["id"])),
                   kind=BuildingHeadMeetingKind(row["kind"]),
                   kind_name=meetings.KINDS[row["kind"]][0],
                   station_id=encode_global_id("BuildingHeadStation", int(row["station_id"])),
                   community_id=encode_global_id("Community", int(row["community_id"])),
                   held_on=row["held_on"], property_company=row["property_company"],
                   property_company_id=gid("BuildingHeadPropertyCompany",
                                           row.get("property_company_id")),
                   attendees=[BuildingHeadMeetingAttendees(
                       party=BuildingHeadMeetingParty(p), party_name=meetings.PARTIES[p][0],
                       names=list(n)) for p, n in people.items()],
                   topics=list(json.loads(row["topics"] or "[]")),
                   decisions=list(json.loads(row["decisions"] or "[]")),
                   matter_ids=[encode_global_id(MATTER, int(m))
                               for m in json.loads(row["matter_ids"] or "[]")],
                   created_at=row["created_at"])


@strawberry.type(description="居民满意度测评（匿名，仅计数与平均）/ residents' anonymous survey "
                             "of their head: counts and average only")
class BuildingHeadSurvey:
    building_id: strawberry.ID
    year: int
    households: int
    responses: int = strawberry.field(description="已参与户数 / households that answered")
    average: float | None = strawberry.field(description="平均分1–5 / average 1–5")


TYPES: list[type] = [
    BuildingHeadAppointment,
    BuildingHeadCandidate,
    BuildingHeadCoverage,
    BuildingHeadEligibilityReason,
    BuildingHeadEvaluation,
    BuildingHeadLeave,
    BuildingHeadMatter,
    BuildingHeadMatterEntry,
    BuildingHeadMatterUpdate,
    BuildingHeadOverdueHousehold,
    BuildingHeadRotaShift,
    BuildingHeadStation,
    BuildingHeadVisit,
    BuildingHeadVisitTask,
]
"""Types the schema must know even where no field names them (``linli_graphql_types``)."""


@strawberry.type(description="物业公司（三方联席会议的一方，可开通账号答复转交事项）/ a property "
                             "company: a party of the joint meeting, which may answer matters "
                             "handed to it from its own account")
class BuildingHeadPropertyCompany(Node):
    community_id: strawberry.ID
    name: str
    contact: str
    has_account: bool = strawberry.field(description="已开通账号 / has an account")
    created_at: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadPropertyCompany:
        return cls(id=encode_global_id("BuildingHeadPropertyCompany", int(row["id"])),
                   community_id=encode_global_id("Community", int(row["community_id"])),
                   name=row["name"], contact=row["contact"],
                   has_account=row["account_id"] is not None, created_at=row["created_at"])


@strawberry.enum(description="转交的一方 / a party of a hand-off")
class BuildingHeadHandoffParty(Enum):
    HEAD = "head"
    GRID_WORKER = "grid_worker"
    PROPERTY = "property"
    STAFF = "staff"


@strawberry.enum(description="转给我的或我转出的 / handed to me, or by me")
class BuildingHeadHandoffDirection(Enum):
    TO_ME = "to_me"
    BY_ME = "by_me"


@strawberry.type(description="转交（双向进入）：议事事项或履职任务在楼长、网格员、物业之间转交与答复 / "
                             "a matter or duty handed between head, grid worker and property "
                             "company, and its answer")
class BuildingHeadHandoff(Node):
    matter_id: strawberry.ID | None
    duty_id: strawberry.ID | None
    building_id: strawberry.ID | None
    community_id: strawberry.ID
    from_party: BuildingHeadHandoffParty
    to_party: BuildingHeadHandoffParty
    property_company_id: strawberry.ID | None
    note: str
    handed_on: date
    answered: bool
    answer: str
    answered_on: date | None
    created_at: datetime
    key: strawberry.Private[tuple[str, int]]

    @strawberry.field(description="事项标题或履职内容 / the matter's title or the duty's summary")
    async def subject(self, info: Info) -> str:
        ctx = info.context

        async def load(keys: list[tuple[str, int]]) -> list[str]:
            async with ctx.read():
                found = await handoffs.subjects(keys)
            return [found.get(k, "") for k in keys]

        text: str = await ctx.loader("building_heads.handoff_subject", load).load(self.key)
        return text

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BuildingHeadHandoff:
        kind, ident = row["object_kind"], int(row["object_id"])
        return cls(id=encode_global_id("BuildingHeadHandoff", int(row["id"])),
                   matter_id=encode_global_id(MATTER, ident) if kind == "matter" else None,
                   duty_id=encode_global_id("BuildingHeadDuty", ident) if kind == "duty"
                   else None,
                   building_id=gid("Building", row["building_id"]),
                   community_id=encode_global_id("Community", int(row["community_id"])),
                   from_party=BuildingHeadHandoffParty(row["from_kind"]),
                   to_party=BuildingHeadHandoffParty(row["to_kind"]),
                   property_company_id=gid("BuildingHeadPropertyCompany",
                                           row["to_property_id"]),
                   note=row["note"], handed_on=row["handed_on"],
                   answered=row["status"] != "open", answer=row["answer"],
                   answered_on=row["answered_on"], created_at=row["created_at"],
                   key=(kind, ident))


TYPES += [BuildingHeadPropertyCompany, BuildingHeadHandoff]
