"""Tables of the building-head system. Every one is tenant-owned (``ScopedTable``)."""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import BigInt, Boolean, Date, Integer, Text, Timestamptz, Varchar

from core.plugin import ScopedTable

__all__ = [
    "Appointment",
    "Candidate",
    "Duty",
    "Evaluation",
    "Handoff",
    "Leave",
    "Matter",
    "MatterStep",
    "Meeting",
    "PropertyCompany",
    "RotaShift",
    "Station",
    "SurveyResponse",
    "Visit",
    "VisitTask",
]



class Candidate(ScopedTable, tablename="building_heads_candidate"):
    """楼长候选人 A nominee for a building, with the nomination method and eligibility."""

    building_id = BigInt(null=False, default=None)
    resident_id = BigInt(null=False, default=None)
    method = Varchar(length=24, null=False)
    """self | party_mutual | residents | organisation | party_claim (自荐/党员互荐/群众举荐/组织推荐/党员认领)."""
    nominators = Text(default="[]")
    """JSON list of nominating resident ids."""
    health_declared = Boolean(default=False)
    """Healthy and has time to serve (a declaration)."""
    health_note = Text(default="")
    eligible = Boolean(default=False)
    reasons = Text(default="[]")
    """JSON list of {code, zh, en} why not eligible (empty when eligible)."""
    override_reason = Text(default="")
    overridden_by = BigInt(null=True, default=None)
    priority = Integer(default=0)
    """Ranking score from the priority tags (retired cadre, party member, permanent resident)."""
    status = Varchar(length=16, default="nominated")
    """nominated | noticed | approved | rejected | withdrawn."""
    notice_from = Date(null=True, default=None)
    notice_until = Date(null=True, default=None)
    rule_version = Integer(default=0)
    """Version of ``building_heads.max_age`` the stored eligibility used."""
    notice_rule_version = Integer(default=0)
    """Version of ``building_heads.notice_days`` the notice period used."""
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "building_id", "id")]


class Appointment(ScopedTable, tablename="building_heads_appointment"):
    """楼长任期 A term as head (or deputy) of one building.

    ``serving_head`` is the building id while this is the serving head and NULL otherwise, so the
    unique (tenant_id, serving_head) index allows one serving head per building on both engines
    (NULLs never collide), deputies unlimited."""

    building_id = BigInt(null=False, default=None)
    resident_id = BigInt(null=False, default=None)
    account_id = BigInt(null=True, default=None)
    candidate_id = BigInt(null=True, default=None)
    role = Varchar(length=8, default="head")
    """head | deputy."""
    serving_head = BigInt(null=True, default=None)
    term_start = Date(null=False, default=None)
    term_end = Date(null=False, default=None)
    ended_on = Date(null=True, default=None)
    party_group_lead = Boolean(default=False)
    """一肩挑: also leads the building's party group."""
    term_rule_version = Integer(default=0)
    """Version of ``building_heads.term_years`` the default term end used."""
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "serving_head"), ("tenant_id", "building_id", "id"),
                          ("tenant_id", "account_id", "id")]


class Visit(ScopedTable, tablename="building_heads_visit"):
    """走访记录 A home visit or contact: date, household, visitor, way, findings."""

    building_id = BigInt(null=False, default=None)
    household_id = BigInt(null=False, default=None)
    appointment_id = BigInt(null=True, default=None)
    visitor_account_id = BigInt(null=True, default=None)
    visited_on = Date(null=False, default=None)
    way = Varchar(length=16, default="in_person")
    """in_person | phone | message."""
    notes = Text(default="")
    matter_id = BigInt(null=True, default=None)
    task_id = BigInt(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "building_id", "visited_on", "id"),
                          ("tenant_id", "household_id", "visited_on", "id")]


class VisitTask(ScopedTable, tablename="building_heads_visit_task"):
    """走访任务 A visit owed to a resident after a welfare concern (e.g. a canteen regular who
    stopped coming); one per source event."""

    resident_id = BigInt(null=False, default=None)
    household_id = BigInt(null=True, default=None)
    building_id = BigInt(null=True, default=None)
    reason_code = Varchar(length=64, null=False)
    source_module = Varchar(length=64, default="")
    noticed_since = Date(null=True, default=None)
    due_on = Date(null=False, default=None)
    event_id = BigInt(null=False, default=None)
    status = Varchar(length=8, default="open")
    """open | done."""
    visit_id = BigInt(null=True, default=None)
    rule_version = Integer(default=0)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "event_id"), ("tenant_id", "building_id", "id"),
                          ("tenant_id", "resident_id", "id")]


class Matter(ScopedTable, tablename="building_heads_matter"):
    """议事事项 A matter deliberated by the four-step method (四步议事法)."""

    title = Varchar(length=200, null=False)
    description = Text(default="")
    level = Varchar(length=16, default="building")
    """building | compound | community (微事楼内解决、小事不出小区)."""
    building_id = BigInt(null=True, default=None)
    compound_id = BigInt(null=True, default=None)
    community_id = BigInt(null=False, default=None)
    step = Varchar(length=16, default="raised")
    """raised → committees → joint → residents → implementing → evaluated."""
    status = Varchar(length=16, default="open")
    """open | resolved (closed with a resolution at any step)."""
    resolution = Text(default="")
    raised_by_kind = Varchar(length=16, default="staff")
    """resident | head | staff."""
    raised_by_resident_id = BigInt(null=True, default=None)
    raised_by_account_id = BigInt(null=True, default=None)
    grid_account_id = BigInt(null=True, default=None)
    """The grid worker the matter was handed to (下单)."""
    station_id = BigInt(null=True, default=None)
    """The 红旗驿站 where the matter is deliberated (its board); NULL until a station exists."""
    rating = Integer(null=True, default=None)
    """Residents' rating 1–5 at the end."""
    created_at = Timestamptz()
    updated_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "community_id", "id"), ("tenant_id", "compound_id", "id")]


class MatterStep(ScopedTable, tablename="building_heads_matter_step"):
    """议事步骤 One entry on a matter's public timeline: a step with participants, decision and
    date, or an escalation, hand-off, follow-up or resolution (the rating is on the matter)."""

    matter_id = BigInt(null=False, default=None)
    kind = Varchar(length=16, null=False)
    """step | escalate | handoff | followup | resolve."""
    step = Varchar(length=16, default="")
    participants = Text(default="[]")
    """JSON list of names (signatures)."""
    decision = Text(default="")
    decided_on = Date(null=False, default=None)
    recorded_by = BigInt(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "matter_id", "id")]


class Station(ScopedTable, tablename="building_heads_station"):
    """红旗驿站 A compound's station with its fixed head."""

    name = Varchar(length=100, null=False)
    community_id = BigInt(null=False, default=None)
    compound_id = BigInt(null=True, default=None)
    fixed_head_resident_id = BigInt(null=True, default=None)
    created_at = Timestamptz()


class RotaShift(ScopedTable, tablename="building_heads_rota_shift"):
    """兼职站长值班 A serving head's turn as part-time station head; swaps recorded."""

    station_id = BigInt(null=False, default=None)
    appointment_id = BigInt(null=False, default=None)
    starts_on = Date(null=False, default=None)
    ends_on = Date(null=False, default=None)
    swapped_from_appointment_id = BigInt(null=True, default=None)
    swap_reason = Text(default="")
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "station_id", "starts_on")]


class Leave(ScopedTable, tablename="building_heads_leave"):
    """请假 A head on leave is skipped by the rota."""

    appointment_id = BigInt(null=False, default=None)
    starts_on = Date(null=False, default=None)
    ends_on = Date(null=False, default=None)
    reason = Text(default="")
    created_at = Timestamptz()


class Evaluation(ScopedTable, tablename="building_heads_evaluation"):
    """年度考评 A head's yearly evaluation from coverage, matters closed and ratings."""

    appointment_id = BigInt(null=False, default=None)
    year = Integer(null=False, default=None)
    coverage_pct = Integer(default=0)
    """Yearly visit coverage of the building's households, in whole percent."""
    special_months_pct = Integer(default=0)
    matters_closed = Integer(default=0)
    rating_avg_x100 = Integer(default=0)
    households = Integer(default=0)
    """Households of the building when evaluated (the coverage denominator)."""
    visited_households = Integer(default=0)
    visits_logged = Integer(default=0)
    """Visits the head logged that year (volunteer minutes are counted from these)."""
    duties_recorded = Integer(default=0)
    """Duties the head recorded that year (服务内容)."""
    parts = Text(default="{}")
    """JSON {category: score 0–100} of the categories that counted (a category with nothing to
    do is left out), with the weights used: {"scores": {...}, "weights": {...}}."""
    score = Integer(default=0)
    grade = Varchar(length=16, default="")
    """The grade's name from the rule ``evaluation_grades`` (default 优秀/良好/合格/待改进)."""
    rule_version = Integer(default=0)
    weights_version = Integer(default=0)
    """Versions of the rules ``evaluation_weights`` and ``evaluation_grades`` used."""
    grades_version = Integer(default=0)
    improvement_plan = Text(default="")
    """改进: the plan agreed with community staff (a weak result opens the step)."""
    improvement_review_on = Date(null=True, default=None)
    improvement_open = Boolean(default=False)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "appointment_id", "year")]


class Duty(ScopedTable, tablename="building_heads_duty"):
    """履职记录 One duty of the standard's service content (服务内容) done at a building: who,
    when, what, the outcome and the real time spent; for mediation the parties and follow-up,
    for an opinion reported upward its answer, for a safety hazard who it was assigned to and
    when it was closed."""

    building_id = BigInt(null=False, default=None)
    kind = Varchar(length=24, null=False)
    """policy_relay | building_affairs | mediation | opinion | safety | info_collection |
    campaign (传达政策/协助楼宇事务/调解纠纷/反映社情民意/维护平安稳定/信息采集/社区交办任务)."""
    done_on = Date(null=False, default=None)
    appointment_id = BigInt(null=True, default=None)
    """The serving term of the head who did it (NULL: staff or a grid worker)."""
    resident_id = BigInt(null=True, default=None)
    """The head as a resident (whose volunteer time it is), when a head did it."""
    recorded_by = BigInt(null=True, default=None)
    household_id = BigInt(null=True, default=None)
    summary = Text(default="")
    outcome = Text(default="")
    minutes = Integer(default=0)
    """Real time spent, as recorded (what ``volunteer.service_recorded`` carries)."""
    parties = Text(default="[]")
    """Mediation: JSON list of the parties' names."""
    follow_up = Text(default="")
    status = Varchar(length=8, default="closed")
    """open | closed (an opinion awaiting its answer, a hazard not yet closed)."""
    assigned_to = Text(default="")
    """Safety: who the hazard was assigned to."""
    assigned_on = Date(null=True, default=None)
    """Safety: when it was assigned (reported → assigned → closed)."""
    collected = Text(default="{}")
    """Information collection: JSON of what was written back to core's resident record
    ({"resident_id": …, "fields": [...]}), personal values never kept here."""
    answer = Text(default="")
    """Opinion: the answer that came back."""
    closed_on = Date(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "building_id", "done_on", "id")]


class Meeting(ScopedTable, tablename="building_heads_meeting"):
    """议事会议 A 三方联席会议 (community, property company, building heads) or a 民情恳谈会
    (residents' opinion meeting) held at a 红旗驿站: date, attendees by party, topics, decisions
    and the matters it took up."""

    kind = Varchar(length=16, null=False)
    """joint | opinion (三方联席会议 / 民情恳谈会)."""
    station_id = BigInt(null=False, default=None)
    community_id = BigInt(null=False, default=None)
    held_on = Date(null=False, default=None)
    attendees = Text(default="{}")
    """JSON {party: [names]}; parties community | property | heads | residents | other."""
    property_company = Varchar(length=100, default="")
    """The property company (物业) taking part, by name."""
    property_company_id = BigInt(null=True, default=None)
    """The registered property company (its name is copied into ``property_company``)."""
    topics = Text(default="[]")
    decisions = Text(default="[]")
    matter_ids = Text(default="[]")
    """JSON list of the matters taken up (of the station's community)."""
    recorded_by = BigInt(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "station_id", "held_on", "id")]


class SurveyResponse(ScopedTable, tablename="building_heads_survey_response"):
    """居民满意度测评 One household's anonymous rating of its building head for a year: the
    unique (tenant, building, year, household) index allows one response per household; the
    API shows only counts and averages, never who answered."""

    building_id = BigInt(null=False, default=None)
    year = Integer(null=False, default=None)
    household_id = BigInt(null=False, default=None)
    score = Integer(null=False, default=None)
    """1–5 (很不满意 … 很满意)."""
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "building_id", "year", "household_id")]


class PropertyCompany(ScopedTable, tablename="building_heads_property_company"):
    """物业公司 A property company serving a community: a named party of the 三方联席会议 that
    may be given an account (role ``building_heads.property`` at the community) to answer the
    matters handed to it."""

    community_id = BigInt(null=False, default=None)
    name = Varchar(length=100, null=False)
    contact = Varchar(length=100, default="")
    """A contact person or desk, as the company gives it (not a resident record)."""
    account_id = BigInt(null=True, default=None)
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "community_id", "name")]


class Handoff(ScopedTable, tablename="building_heads_handoff"):
    """转交 A matter or duty handed from one party to another (双向进入): a head to a grid
    worker, a grid worker to a head, anyone to the property company; the receiver answers it.
    Each side lists what it handed and what it was handed."""

    object_kind = Varchar(length=8, null=False)
    """matter | duty."""
    object_id = BigInt(null=False, default=None)
    building_id = BigInt(null=True, default=None)
    community_id = BigInt(null=False, default=None)
    from_kind = Varchar(length=12, null=False)
    """head | grid_worker | staff."""
    from_account_id = BigInt(null=True, default=None)
    to_kind = Varchar(length=12, null=False)
    """head | grid_worker | property."""
    to_account_id = BigInt(null=True, default=None)
    """The receiving account (a property company without one is answered by staff)."""
    to_property_id = BigInt(null=True, default=None)
    note = Text(default="")
    handed_on = Date(null=False, default=None)
    status = Varchar(length=8, default="open")
    """open | answered."""
    answer = Text(default="")
    answered_on = Date(null=True, default=None)
    answered_by = BigInt(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "to_account_id", "id"), ("tenant_id", "from_account_id", "id")]
