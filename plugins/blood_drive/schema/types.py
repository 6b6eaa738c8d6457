"""Every strawberry type of the plugin (names prefixed ``BloodDrive``). Relations resolve
through per-request DataLoaders, so statement counts do not grow with page size. Health answers
appear only on a pre-check's ``answers``, filled in for the donor's own submission and for an
audited reveal by site or station staff — nowhere else."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry

from core.plugin import (
    LIST_BOUND,
    Info,
    Node,
    encode_global_id,
    mask_text,
    now_utc,
    open_personal,
    residents_by_ids,
)
from plugins.blood_drive.services import campaigns, public
from plugins.blood_drive.services.honours import Benefits, Honours, UnitAward
from plugins.blood_drive.services.precheck import REASONS
from plugins.blood_drive.services.stats import Line

__all__ = [
    "TYPES",
    "BloodDriveBenefits",
    "BloodDriveBooking",
    "BloodDriveBookingStatus",
    "BloodDriveCampaign",
    "BloodDriveDonation",
    "BloodDriveDonor",
    "BloodDriveHonours",
    "BloodDriveImportReport",
    "BloodDriveKind",
    "BloodDrivePrecheck",
    "BloodDrivePrecheckAnswers",
    "BloodDrivePublicCall",
    "BloodDrivePublicSession",
    "BloodDrivePublicSlot",
    "BloodDriveSession",
    "BloodDriveSlot",
    "BloodDriveSlotUpdate",
    "BloodDriveStatLine",
    "BloodDriveTarget",
    "BloodDriveUnit",
    "BloodDriveUnitAward",
    "BloodDriveVisit",
    "BloodDriveVisitStatus",
]


@strawberry.enum(description="动员对象 / target group")
class BloodDriveGroup(Enum):
    CADRES = "cadres"
    PARTY_MEMBERS = "party_members"
    LEAGUE_MEMBERS = "league_members"
    PUBLIC = "public"


@strawberry.enum(description="献血类型 / donation kind")
class BloodDriveKind(Enum):
    WHOLE_BLOOD = "whole_blood"
    PLATELETS = "platelets"


@strawberry.enum(description="预约状态 / booking status")
class BloodDriveBookingStatus(Enum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    DONATED = "donated"
    DEFERRED = "deferred"
    NO_SHOW = "no_show"
    ATTENDED = "attended"
    """到场（有结果）: what a caller without ``blood_drive.health`` sees for DONATED and
    DEFERRED — a deferral is health data, and showing DONATED alone would give it away."""


@strawberry.enum(description="征询结论 / pre-check outcome")
class BloodDrivePrecheckOutcome(Enum):
    ELIGIBLE = "eligible"
    ELIGIBLE_FROM = "eligible_from"
    NOT_ELIGIBLE = "not_eligible"


@strawberry.enum(description="献血结果 / result")
class BloodDriveOutcome(Enum):
    DONATED = "donated"
    DEFERRED = "deferred"


@strawberry.enum(description="奉献奖 / award tier")
class BloodDriveTier(Enum):
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"


@strawberry.type(description="某街镇或单位的目标 / a target of a street office or work unit")
class BloodDriveTarget:
    target_tenant_id: strawberry.ID
    work_unit: str
    donors: int
    units: int


@strawberry.type(description="献血活动 / a blood-donation campaign")
class BloodDriveCampaign(Node):
    title: str
    call_text: str = strawberry.field(description="倡议书 / the call")
    organisers: list[str] = strawberry.field(metadata={LIST_BOUND: 20})
    contact_name: str
    contact_phones: list[str] = strawberry.field(metadata={LIST_BOUND: 5})
    starts_on: date
    ends_on: date
    anchor_on: date | None = strawberry.field(description="纪念日 / commemorative day")
    anchor_name: str
    target_groups: list[BloodDriveGroup] = strawberry.field(metadata={LIST_BOUND: 4})
    target_donors: int
    target_units: int = strawberry.field(description="目标献血次数（200mL 全血计1）/ target in "
                                                     "donation counts")
    owner_id: strawberry.ID = strawberry.field(description="所属单位 / the owning node")
    pk: strawberry.Private[int]

    @strawberry.field(description="各街镇、单位目标 / targets per street office and work unit",
                      metadata={LIST_BOUND: 200})
    async def targets(self, info: Info) -> list[BloodDriveTarget]:
        ctx = info.context

        async def load(keys: list[int]) -> list[list[dict[str, Any]]]:
            async with ctx.read():
                found = await campaigns.targets_of(keys)
            return [found.get(k, []) for k in keys]

        rows = await ctx.loader("blood_drive.targets", load).load(self.pk)
        return [BloodDriveTarget(target_tenant_id=encode_global_id(
            "Tenant", int(r["target_tenant_id"])), work_unit=str(r["work_unit"]),
            donors=int(r["donors"]), units=int(r["units"])) for r in rows]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BloodDriveCampaign:
        return cls(
            id=encode_global_id("BloodDriveCampaign", int(row["id"])), pk=int(row["id"]),
            title=str(row["title"]), call_text=str(row["call_text"]),
            organisers=list(json.loads(row["organisers"])), contact_name=str(row["contact_name"]),
            contact_phones=list(json.loads(row["contact_phones"])), starts_on=row["starts_on"],
            ends_on=row["ends_on"], anchor_on=row["anchor_on"],
            anchor_name=str(row["anchor_name"]),
            target_groups=[BloodDriveGroup(g) for g in str(row["target_groups"]).split(",") if g],
            target_donors=int(row["target_donors"]), target_units=int(row["target_units"]),
            owner_id=encode_global_id("Tenant", int(row["tenant_id"])))


async def _campaign(info: Info, ident: int) -> BloodDriveCampaign | None:
    ctx = info.context

    async def load(keys: list[int]) -> list[dict[str, Any] | None]:
        async with ctx.read():
            found = await campaigns.campaigns_by_ids(keys)
        return [found.get(k) for k in keys]

    row = await ctx.loader("blood_drive.campaign", load).load(ident)
    return BloodDriveCampaign.from_row(row) if row else None


@strawberry.type(description="时段 / a time slot of a session")
class BloodDriveSlot(Node):
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int

    @strawberry.field(description="剩余名额 / seats left")
    def available(self) -> int:
        return max(self.capacity - self.booked, 0)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BloodDriveSlot:
        return cls(id=encode_global_id("BloodDriveSlot", int(row["id"])),
                   starts_at=row["starts_at"], ends_at=row["ends_at"],
                   capacity=int(row["capacity"]), booked=int(row["booked"]))


@strawberry.type(description="采血场次（献血车停靠点）/ a collection session")
class BloodDriveSession(Node):
    site_name: str
    address: str
    held_on: date
    pk: strawberry.Private[int]
    campaign_pk: strawberry.Private[int]

    @strawberry.field(description="所属活动 / the campaign")
    async def campaign(self, info: Info) -> BloodDriveCampaign | None:
        return await _campaign(info, self.campaign_pk)

    @strawberry.field(description="时段 / slots, earliest first", metadata={LIST_BOUND: 24})
    async def slots(self, info: Info) -> list[BloodDriveSlot]:
        ctx = info.context

        async def load(keys: list[int]) -> list[list[dict[str, Any]]]:
            async with ctx.read():
                found = await campaigns.slots_of_sessions(keys)
            return [found.get(k, []) for k in keys]

        rows = await ctx.loader("blood_drive.slots", load).load(self.pk)
        return [BloodDriveSlot.from_row(r) for r in rows]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BloodDriveSession:
        return cls(id=encode_global_id("BloodDriveSession", int(row["id"])), pk=int(row["id"]),
                   campaign_pk=int(row["campaign_id"]), site_name=str(row["site_name"]),
                   address=str(row["address"]), held_on=row["held_on"])


@strawberry.type(description="献血者（姓名已遮蔽）/ a donor (name masked)")
class BloodDriveDonor(Node):
    work_unit: str
    remind_opt_in: bool
    leaderboard_opt_in: bool
    resident_id: strawberry.ID
    resident_pk: strawberry.Private[int]
    visiting: bool = strawberry.field(
        description="来自其他街镇（在本街镇预约了市级活动的场次）/ a donor of another street office "
                    "who booked a session here")
    visitor_name: strawberry.Private[str] = ""

    @strawberry.field(description="姓名（遮蔽）/ masked name")
    async def name_masked(self, info: Info) -> str:
        if self.visiting:
            return mask_text(self.visitor_name)
        ctx = info.context

        async def load(keys: list[int]) -> list[str]:
            async with ctx.read():
                found = await residents_by_ids(keys)
            return [mask_text(found[k].name) if k in found else "" for k in keys]

        return str(await ctx.loader("blood_drive.resident_names", load).load(self.resident_pk))

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BloodDriveDonor:
        return cls(id=encode_global_id("BloodDriveDonor", int(row["id"])),
                   work_unit=str(row["work_unit"]), remind_opt_in=bool(row["remind_opt_in"]),
                   leaderboard_opt_in=bool(row["leaderboard_opt_in"]),
                   resident_id=encode_global_id("Resident", int(row["resident_id"])),
                   resident_pk=int(row["resident_id"]),
                   visiting=row.get("home_tenant_id") is not None,
                   visitor_name=open_personal(str(row["name_cipher"]))
                   if row.get("home_tenant_id") is not None and row.get("name_cipher") else "")


def _loader_one(info: Info, key: str, fetch: Any, build: Any) -> Any:
    ctx = info.context

    async def load(keys: list[int]) -> list[Any]:
        async with ctx.read():
            found = await fetch(keys)
        return [found.get(k) for k in keys]

    async def one(ident: int) -> Any:
        row = await ctx.loader(key, load).load(ident)
        return build(row) if row else None

    return one


@strawberry.type(description="预约 / a booking (no health data)")
class BloodDriveBooking(Node):
    status_raw: strawberry.Private[str]
    booked_at: datetime
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    campaign_id: strawberry.ID
    donor_pk: strawberry.Private[int]
    slot_pk: strawberry.Private[int]
    session_pk: strawberry.Private[int]
    visit_row: strawberry.Private[dict[str, Any] | None] = None

    @strawberry.field(description="在其他街镇预约时（bloodDriveBook 带 streetOfficeCode）：街镇、"
                                  "地点和时间；此时 slot、session 属于对方街镇，在本街镇读为 null"
                                  "，donor 为本街镇的献血者 / for a booking made at another street "
                                  "office (bloodDriveBook with streetOfficeCode): its street "
                                  "office, place and time — slot and session are that office's "
                                  "and read null here, donor is the donor of this street office")
    def visit(self) -> BloodDriveVisit | None:
        return BloodDriveVisit.from_row(self.visit_row) if self.visit_row else None

    @strawberry.field(description="预约状态；献血或暂缓的结果只有采血点和血站人员可见，其他人看到"
                                  "“到场”/ the status; DONATED or DEFERRED only for site and "
                                  "station staff, ATTENDED for everyone else")
    async def status(self, info: Info) -> BloodDriveBookingStatus:
        if self.status_raw in ("donated", "deferred") and not (
                await info.context.access()).has("blood_drive.health"):
            return BloodDriveBookingStatus.ATTENDED
        return BloodDriveBookingStatus(self.status_raw)

    @strawberry.field(description="献血者 / the donor")
    async def donor(self, info: Info) -> BloodDriveDonor | None:
        one = _loader_one(info, "blood_drive.donor", campaigns.donors_by_ids,
                          BloodDriveDonor.from_row)
        result: BloodDriveDonor | None = await one(self.donor_pk)
        return result

    @strawberry.field(description="时段 / the slot")
    async def slot(self, info: Info) -> BloodDriveSlot | None:
        one = _loader_one(info, "blood_drive.slot", campaigns.slots_by_ids, BloodDriveSlot.from_row)
        result: BloodDriveSlot | None = await one(self.slot_pk)
        return result

    @strawberry.field(description="场次 / the session")
    async def session(self, info: Info) -> BloodDriveSession | None:
        one = _loader_one(info, "blood_drive.session", campaigns.sessions_by_ids,
                          BloodDriveSession.from_row)
        result: BloodDriveSession | None = await one(self.session_pk)
        return result

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BloodDriveBooking:
        return cls(id=encode_global_id("BloodDriveBooking", int(row["id"])),
                   status_raw=str(row["status"]), booked_at=row["booked_at"],
                   cancelled_at=row["cancelled_at"], checked_in_at=row["checked_in_at"],
                   campaign_id=encode_global_id("BloodDriveCampaign", int(row["campaign_id"])),
                   donor_pk=int((row.get("visit") or row)["donor_id"]),
                   slot_pk=int(row["slot_id"]), session_pk=int(row["session_id"]),
                   visit_row=row.get("visit"))


@strawberry.enum(description="在其他街镇的预约状态 / a booking at another street office, as the "
                             "donor's own street office knows it")
class BloodDriveVisitStatus(Enum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    PASSED = "passed"
    """时段已过而未到场 / the slot ended without the donor attending."""


@strawberry.type(description="在其他街镇的预约：去献血所需的信息（街镇、地点、时间），由本街镇在预约"
                             "时记下，不读对方的其他数据 / a booking at another street office of "
                             "the campaign: what the donor needs to go there, recorded by their "
                             "own street office when booking")
class BloodDriveVisit:
    booking_id: strawberry.ID = strawberry.field(
        description="对方街镇的预约 ID（取消时与 streetOfficeCode 一起给出）/ the booking's id "
                    "there (cancel it with streetOfficeCode)")
    campaign_id: strawberry.ID
    street_office_name: str
    street_office_code: str
    site_name: str
    address: str
    held_on: date
    starts_at: datetime
    ends_at: datetime
    status: BloodDriveVisitStatus

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BloodDriveVisit:
        status = str(row["status"])
        if status == "booked" and row["ends_at"] <= now_utc():
            status = "passed"
        return cls(booking_id=encode_global_id("BloodDriveBooking", int(row["booking_id"])),
                   campaign_id=encode_global_id("BloodDriveCampaign", int(row["campaign_id"])),
                   street_office_name=str(row["street_name"]),
                   street_office_code=str(row["street_code"]), site_name=str(row["site_name"]),
                   address=str(row["address"]), held_on=row["held_on"],
                   starts_at=row["starts_at"], ends_at=row["ends_at"],
                   status=BloodDriveVisitStatus(status))


@strawberry.type(description="原因 / a reason")
class BloodDriveReason:
    code: str
    message: str


@strawberry.type(description="健康征询回答（个人健康信息）/ the health answers (personal data)")
class BloodDrivePrecheckAnswers:
    weight_kg: int
    planned_kind: BloodDriveKind
    adverse_reaction_before: bool
    feeling_well: bool
    last_donation_on: date | None
    last_donation_kind: BloodDriveKind | None


@strawberry.type(description="献血前健康征询（仅本人及采血点、血站人员可见）/ a pre-check "
                             "(the donor and site or station staff only)")
class BloodDrivePrecheck(Node):
    checked_on: date
    outcome: BloodDrivePrecheckOutcome
    eligible_on: date | None = strawberry.field(description="可献血日期 / eligible from")
    reasons: list[BloodDriveReason] = strawberry.field(metadata={LIST_BOUND: 10})
    answers: BloodDrivePrecheckAnswers | None = strawberry.field(
        description="回答：仅在本人提交或经审计查看时返回 / answers: only on the donor's own "
                    "submission or an audited reveal")
    rule_versions: str = strawberry.field(description="所用规则版本（JSON）/ rule versions used")

    @classmethod
    def build(cls, row: dict[str, Any], reasons: list[str],
              answers: dict[str, Any] | None = None) -> BloodDrivePrecheck:
        shown = None
        if answers is not None:
            last = answers.get("last_donation_on")
            kind = answers.get("last_donation_kind")
            shown = BloodDrivePrecheckAnswers(
                weight_kg=int(answers["weight_kg"]),
                planned_kind=BloodDriveKind(answers["planned_kind"]),
                adverse_reaction_before=bool(answers["adverse_reaction_before"]),
                feeling_well=bool(answers["feeling_well"]),
                last_donation_on=date.fromisoformat(last) if last else None,
                last_donation_kind=BloodDriveKind(kind) if kind else None)
        return cls(id=encode_global_id("BloodDrivePrecheck", int(row["id"])),
                   checked_on=row["checked_on"],
                   outcome=BloodDrivePrecheckOutcome(row["outcome"]),
                   eligible_on=row["eligible_on"],
                   reasons=[BloodDriveReason(code=r, message=REASONS.get(r, (r, r))[0])
                            for r in reasons],
                   answers=shown, rule_versions=str(row["rule_versions"]))


@strawberry.type(description="献血结果 / a result")
class BloodDriveDonation(Node):
    donated_on: date
    outcome: BloodDriveOutcome
    kind: BloodDriveKind
    volume_ml: int
    units: int
    count: float = strawberry.field(description="表彰计数 / honours count")
    source: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> BloodDriveDonation:
        return cls(id=encode_global_id("BloodDriveDonation", int(row["id"])),
                   donated_on=row["donated_on"], outcome=BloodDriveOutcome(row["outcome"]),
                   kind=BloodDriveKind(row["kind"]), volume_ml=int(row["volume_ml"]),
                   units=int(row["units"]), count=int(row["count_x100"]) / 100,
                   source=str(row["source"]))


@strawberry.type(description="表彰进度 / award progress")
class BloodDriveHonours:
    count: float
    tier: BloodDriveTier | None
    next_tier: BloodDriveTier | None
    next_at: int | None
    remaining: float
    lifetime_award: bool
    rule_version: int

    @classmethod
    def of(cls, h: Honours) -> BloodDriveHonours:
        return cls(count=h.count_x100 / 100, tier=BloodDriveTier(h.tier) if h.tier else None,
                   next_tier=BloodDriveTier(h.next_tier) if h.next_tier else None,
                   next_at=h.next_at, remaining=h.remaining_x100 / 100, lifetime_award=h.lifetime,
                   rule_version=h.rule_version)


@strawberry.type(description="用血优惠 / free clinical blood entitlement")
class BloodDriveBenefits:
    total_ml: int
    unlimited: bool
    donor_limit_ml: int | None
    family_limit_ml: int
    five_fold_ends_on: date | None
    rule_version: int

    @classmethod
    def of(cls, b: Benefits) -> BloodDriveBenefits:
        return cls(total_ml=b.total_ml, unlimited=b.unlimited, donor_limit_ml=b.donor_limit_ml,
                   family_limit_ml=b.family_limit_ml, five_fold_ends_on=b.five_fold_until,
                   rule_version=b.rule_version)


@strawberry.type(description="单位 / a work unit")
class BloodDriveUnit:
    name: str
    staff_count: int


@strawberry.type(description="单位促进奖核查 / unit promotion award check")
class BloodDriveUnitAward:
    unit: str
    visits: int
    staff_count: int
    window_starts_on: date
    qualifies: bool
    rule_version: int

    @classmethod
    def of(cls, a: UnitAward) -> BloodDriveUnitAward:
        return cls(unit=a.unit, visits=a.visits, staff_count=a.staff_count,
                   window_starts_on=a.since, qualifies=a.qualifies, rule_version=a.rule_version)


@strawberry.type(description="统计行（总计、街镇或单位）/ a statistics line")
class BloodDriveStatLine:
    tenant_id: strawberry.ID | None
    tenant_name: str
    work_unit: str
    signups: int
    bookings: int
    check_ins: int
    donations: int
    volume_ml: int
    count: float
    target_donors: int
    target_units: int

    @classmethod
    def of(cls, line: Line, names: dict[int, str]) -> BloodDriveStatLine:
        return cls(tenant_id=encode_global_id("Tenant", line.tenant_id) if line.tenant_id
                   else None, tenant_name=names.get(line.tenant_id, ""),
                   work_unit=line.work_unit, signups=line.signups, bookings=line.bookings,
                   check_ins=line.check_ins, donations=line.donations, volume_ml=line.volume_ml,
                   count=line.count_x100 / 100, target_donors=line.target_donors,
                   target_units=line.target_units)


@strawberry.type(description="活动统计 / campaign statistics")
class BloodDriveCampaignStats:
    campaign: BloodDriveCampaign
    lines: list[BloodDriveStatLine] = strawberry.field(
        description="首行为总计，其后各街镇及单位 / the total first, then each street office "
                    "and work unit", metadata={LIST_BOUND: 500})


@strawberry.type(description="导入被拒的行 / a rejected import row")
class BloodDriveRejectedRow:
    row: int
    code: str
    message: str
    field: str | None


@strawberry.type(description="导入报告 / import report")
class BloodDriveImportReport:
    imported: int
    duplicates: int
    rejected: list[BloodDriveRejectedRow] = strawberry.field(metadata={LIST_BOUND: 2000})


@strawberry.type(description="时段余量变化（实时）/ a slot's availability changed (live)")
class BloodDriveSlotUpdate:
    session: BloodDriveSession
    slot: BloodDriveSlot


TYPES: list[type] = [BloodDriveCampaign, BloodDriveSession, BloodDriveSlot, BloodDriveDonor,
                     BloodDriveBooking, BloodDrivePrecheck, BloodDriveDonation]


@strawberry.type(description="公开的时段余量（无个人信息）/ a slot's free seats, for the public")
class BloodDrivePublicSlot:
    slot_id: strawberry.ID = strawberry.field(
        description="时段 ID（登录后用 bloodDriveBook 预约；其他街镇的居民另给 streetOfficeCode）/ "
                    "the slot's id, to book with bloodDriveBook (a donor of another street "
                    "office adds streetOfficeCode)")
    starts_at: datetime
    ends_at: datetime
    seats_left: int = strawberry.field(description="剩余名额 / seats left")


@strawberry.type(description="尚有名额的采血场次（公开）/ a session ahead with seats left")
class BloodDrivePublicSession:
    session_id: strawberry.ID = strawberry.field(
        description="场次 ID（登录后可订阅 bloodDriveSlotUpdates）/ the session's id")
    site_name: str
    address: str
    held_on: date
    seats_left: int = strawberry.field(description="全场剩余名额 / seats left in the session")
    slots: list[BloodDrivePublicSlot] = strawberry.field(metadata={LIST_BOUND: 24})


@strawberry.type(description="公开倡议：活动的倡议书、发起单位、时间、联系方式与可预约场次（无需登录）"
                             "/ a campaign's public call with its open sessions (no login)")
class BloodDrivePublicCall:
    campaign_id: strawberry.ID
    title: str
    call_text: str = strawberry.field(description="倡议书 / the call")
    organisers: list[str] = strawberry.field(metadata={LIST_BOUND: 20})
    contact_name: str = strawberry.field(description="联系人（单位的）/ the campaign's contact")
    contact_phones: list[str] = strawberry.field(
        description="单位联系电话 / the office's public phones", metadata={LIST_BOUND: 5})
    starts_on: date
    ends_on: date
    anchor_name: str = strawberry.field(description="纪念日名称 / the commemorative day")
    sessions: list[BloodDrivePublicSession] = strawberry.field(metadata={LIST_BOUND: 20})

    @classmethod
    def from_call(cls, call: public.PublicCall) -> BloodDrivePublicCall:
        c = call.campaign
        return cls(
            campaign_id=encode_global_id("BloodDriveCampaign", int(c["id"])),
            title=str(c["title"]), call_text=str(c["call_text"]),
            organisers=list(json.loads(c["organisers"])), contact_name=str(c["contact_name"]),
            contact_phones=list(json.loads(c["contact_phones"])), starts_on=c["starts_on"],
            ends_on=c["ends_on"], anchor_name=str(c["anchor_name"]),
            sessions=[BloodDrivePublicSession(
                session_id=encode_global_id("BloodDriveSession", int(s.row["id"])),
                site_name=str(s.row["site_name"]), address=str(s.row["address"]),
                held_on=s.row["held_on"], seats_left=s.seats_left,
                slots=[BloodDrivePublicSlot(
                    slot_id=encode_global_id("BloodDriveSlot", int(x["id"])),
                    starts_at=x["starts_at"], ends_at=x["ends_at"],
                    seats_left=max(int(x["capacity"]) - int(x["booked"]), 0)) for x in s.slots])
                for s in call.sessions])
