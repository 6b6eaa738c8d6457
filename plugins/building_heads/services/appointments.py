"""楼长任命 Appointments: nominate candidates, check eligibility (with an audited override), rank
them by the priority tags, notice them publicly, approve, hand over and end terms.

Every function runs inside the caller's scoped transaction (a write scope for changes) and
raises :class:`ApiError` for bad input; the GraphQL layer turns it into a typed error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    BuildingRec,
    ErrorCode,
    ResidentInfo,
    Resolved,
    RuleReader,
    account_of_resident,
    buildings_in,
    current_scope,
    get_building,
    get_node,
    get_resident,
    grant_place_role,
    record,
    resident_tags,
    revoke_place_role,
    rule_value,
)
from plugins.building_heads.services.access import (
    HEAD_ROLE,
    building_place,
    check_building,
)
from plugins.building_heads.tables import Appointment, Candidate

__all__ = [
    "METHODS",
    "OPEN_STATUSES",
    "PRIORITY_WEIGHTS",
    "Eligibility",
    "Reason",
    "add_years",
    "age_on",
    "appointment_page",
    "appointments_by_ids",
    "approve",
    "authorize_building",
    "authorized_appointment",
    "authorized_candidate",
    "candidate_ranking",
    "check_eligibility",
    "end_term",
    "get_appointment",
    "get_candidate",
    "handover",
    "link_account",
    "list_appointments",
    "nominate",
    "override_eligibility",
    "ranked_candidates",
    "resolve_rule",
    "start_notice",
    "visible_buildings",
]

METHODS: dict[str, tuple[str, str]] = {
    "self": ("自荐", "self-nomination"),
    "party_mutual": ("党员互荐", "party-member mutual nomination"),
    "residents": ("群众举荐", "nomination by residents"),
    "organisation": ("组织推荐", "organisation recommendation"),
    "party_claim": ("党员认领", "party-member claim"),
}
PRIORITY_WEIGHTS: dict[str, int] = {"retired_cadre": 4, "party_member": 2, "permanent": 1}
"""Ranking: retired cadre before party member before permanent resident of *that* building
(weights are powers of two, so one higher tag outranks every combination of lower ones)."""
OPEN_STATUSES = ("nominated", "noticed")
ROLES = ("head", "deputy")


def _not_found(what_zh: str, what_en: str, field: str) -> ApiError:
    return ApiError("NOT_FOUND", f"未找到{what_zh}", f"{what_en} not found", field)


@dataclass(frozen=True)
class Reason:
    """Why a candidate is not eligible."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Eligibility:
    """The answer of the eligibility rules on one date."""

    eligible: bool
    reasons: tuple[Reason, ...]
    age: int
    max_age: int
    rule_version: int


def age_on(birth: date, on: date) -> int:
    """Whole years of age on ``on``."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def add_years(day: date, years: int) -> date:
    """``day`` plus ``years`` (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _now() -> datetime:
    return datetime.now(UTC)


def _write_node() -> int:
    node = current_scope().write_node
    if node is None:
        raise ApiError("FORBIDDEN", "此范围只读", "this scope is read-only")
    return node


async def resolve_rule(rules: RuleReader, key: str, tenant_id: int, on: date) -> Resolved:
    """The rule ``key`` in force for the tenant on ``on`` (``Resolved``: value and version)."""
    return await rule_value(key, tenant_id, on, rules=rules)


async def _building(building_id: int) -> BuildingRec:
    building = await get_building(building_id)
    if building is None:
        raise _not_found("楼栋", "building", "buildingId")
    return building


async def _resident(resident_id: int, field: str = "residentId") -> ResidentInfo:
    resident = await get_resident(resident_id)
    if resident is None:
        raise _not_found("居民", "resident", field)
    return resident


async def _priority(resident: ResidentInfo, building_id: int) -> int:
    """Priority counts only for people living in that building (本楼宇): a retired cadre or
    party member of another building ranks like anyone else."""
    if resident.building_id != building_id:
        return 0
    tags = set((await resident_tags([resident.id])).get(resident.id, []))
    return sum(w for tag, w in PRIORITY_WEIGHTS.items() if tag in tags)


PARTY_MEMBER = "party_member"


async def _party_members(resident_ids: list[int]) -> set[int]:
    tags = await resident_tags(resident_ids)
    return {r for r in resident_ids if PARTY_MEMBER in tags.get(r, [])}


async def _assess(rules: RuleReader, tenant_id: int, resident: ResidentInfo,
                  health_declared: bool, on: date) -> Eligibility:
    rule = await resolve_rule(rules, "building_heads.max_age", tenant_id, on)
    max_age = int(rule.value)
    age = age_on(resident.birth_date, on)
    reasons: list[Reason] = []
    if age > max_age:
        reasons.append(Reason("AGE_OVER_LIMIT", f"任职时 {age} 岁，超过 {max_age} 岁上限",
                              f"aged {age} on appointment, over the limit of {max_age}"))
    if not health_declared:
        reasons.append(Reason("HEALTH_NOT_DECLARED", "未声明身体健康、有时间履职",
                              "no declaration of good health and time to serve"))
    return Eligibility(not reasons, tuple(reasons), age, max_age, int(rule.version))


def _reasons_json(e: Eligibility) -> str:
    return json.dumps([{"code": r.code, "zh": r.zh, "en": r.en} for r in e.reasons],
                      ensure_ascii=False)


def _eligible_or_overridden(candidate: dict[str, Any]) -> bool:
    return bool(candidate["eligible"]) or bool(candidate["override_reason"])


async def authorize_building(access: Access, permission: str, building_id: int
                             ) -> BuildingRec:
    """The building, if the caller may do ``permission`` there (core's check plus the serving
    link for heads). Outside what the caller may read it is NOT_FOUND, else FORBIDDEN."""
    building = await _building(building_id)
    node = await get_node(building.tenant_id)
    place = building_place(access, building, node.path if node else "")
    if not await check_building(access, "building_heads.read", place):
        raise _not_found("楼栋", "building", "buildingId")
    decision = await check_building(access, permission, place)
    if not decision:
        raise ApiError(ErrorCode.FORBIDDEN, decision.reason_zh, decision.reason_en)
    return building


async def get_candidate(candidate_id: int) -> dict[str, Any]:
    row = await Candidate.select().where(Candidate.id == candidate_id).first()
    if row is None:
        raise _not_found("候选人", "candidate", "candidateId")
    return dict(row)


async def get_appointment(appointment_id: int) -> dict[str, Any]:
    row = await Appointment.select().where(Appointment.id == appointment_id).first()
    if row is None:
        raise _not_found("任期", "appointment", "appointmentId")
    return dict(row)


async def nominate(rules: RuleReader, *, building_id: int, resident_id: int, method: str,
                   nominators: list[int], health_declared: bool, health_note: str = "",
                   account_id: int | None, today: date) -> dict[str, Any]:
    """提名 Nominate a resident for a building; eligibility and priority are worked out now."""
    if method not in METHODS:
        labels = "、".join(m[0] for m in METHODS.values())
        raise ApiError("INVALID_ARGUMENT", f"提名方式须为 {labels}",
                        "method must be one of " + ", ".join(METHODS), "method")
    building = await _building(building_id)
    resident = await _resident(resident_id)
    for nominator in nominators:
        await _resident(nominator, "nominators")
    if method == "self" and nominators not in ([], [resident_id]):
        raise ApiError("INVALID_ARGUMENT", "自荐不需要他人提名", "self-nomination has no other "
                        "nominators", "nominators")
    if resident.community_id != building.community_id:
        raise ApiError("INVALID_ARGUMENT", "候选人须为本社区居民",
                       "a candidate must live in the building's community", "residentId")
    if method == "party_mutual":
        others = sorted(set(nominators) - {resident_id})
        if not others:
            raise ApiError("INVALID_ARGUMENT", "党员互荐须记录提名的党员",
                           "party-member mutual nomination records the nominating party "
                           "members", "nominatorIds")
        if set(others) - await _party_members(others):
            raise ApiError("INVALID_ARGUMENT", "党员互荐的提名人须为党员",
                           "in party-member mutual nomination every nominator is a party "
                           "member", "nominatorIds")
    if await Candidate.exists().where(
            (Candidate.building_id == building_id) & (Candidate.resident_id == resident_id)
            & Candidate.status.is_in(list(OPEN_STATUSES))):
        raise ApiError("CONFLICT", "该居民已是本楼栋的候选人",
                        "the resident is already a candidate for this building", "residentId")
    tenant_id = _write_node()
    verdict = await _assess(rules, tenant_id, resident, health_declared, today)
    row = Candidate(tenant_id=tenant_id, building_id=building.id, resident_id=resident_id,
                    method=method, nominators=json.dumps(sorted(set(nominators))),
                    health_declared=health_declared, health_note=health_note,
                    eligible=verdict.eligible, reasons=_reasons_json(verdict),
                    priority=await _priority(resident, building_id),
                    rule_version=verdict.rule_version, created_by=account_id,
                    created_at=_now())
    await Candidate.insert(row)
    await record("building_heads.candidate.nominate", account_id=account_id,
                 object_type="building_heads_candidate", object_id=row.id,
                 summary={"building_id": building_id, "method": method,
                          "eligible": verdict.eligible})
    return await get_candidate(int(row.id))


async def check_eligibility(rules: RuleReader, candidate_id: int, on: date) -> dict[str, Any]:
    """资格审查 Re-check a candidate against the rules in force on ``on`` (the appointment date);
    stores the answer, its reasons and the rule version."""
    candidate = await get_candidate(candidate_id)
    resident = await _resident(int(candidate["resident_id"]))
    verdict = await _assess(rules, int(candidate["tenant_id"]), resident,
                            bool(candidate["health_declared"]), on)
    await Candidate.update({Candidate.eligible: verdict.eligible,
                            Candidate.reasons: _reasons_json(verdict),
                            Candidate.rule_version: verdict.rule_version,
                            Candidate.priority: await _priority(
                                resident, int(candidate["building_id"]))}).where(
        Candidate.id == candidate_id)
    return await get_candidate(candidate_id)


async def override_eligibility(candidate_id: int, reason: str, account_id: int | None
                               ) -> dict[str, Any]:
    """适当放宽 Let an ineligible candidate go on, with a recorded reason (audited)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApiError("INVALID_ARGUMENT", "适当放宽须说明理由", "an override needs a reason",
                        "reason")
    candidate = await get_candidate(candidate_id)
    if candidate["status"] not in OPEN_STATUSES:
        raise ApiError("INVALID_ARGUMENT", "该候选人已结束选任", "the candidate's selection is "
                        "closed", "candidateId")
    await Candidate.update({Candidate.override_reason: reason,
                            Candidate.overridden_by: account_id}).where(
        Candidate.id == candidate_id)
    await record("building_heads.candidate.override", account_id=account_id,
                 object_type="building_heads_candidate", object_id=candidate_id,
                 summary={"reason": reason, "reasons": json.loads(candidate["reasons"])})
    return await get_candidate(candidate_id)


def _not_eligible(candidate: dict[str, Any]) -> ApiError:
    reasons = json.loads(candidate["reasons"])
    zh = "；".join(r["zh"] for r in reasons) or "不符合任职条件"
    en = "; ".join(r["en"] for r in reasons) or "not eligible"
    return ApiError("INVALID_ARGUMENT", f"候选人不符合条件（{zh}），须先说明理由适当放宽",
                     f"the candidate is not eligible ({en}); override with a reason first",
                     "candidateId")


async def start_notice(rules: RuleReader, candidate_id: int, account_id: int | None, today: date
                       ) -> dict[str, Any]:
    """公示 Start the public notice today; it lasts the rule ``notice_days`` days."""
    candidate = await get_candidate(candidate_id)
    if candidate["status"] != "nominated":
        raise ApiError("INVALID_ARGUMENT", "只有已提名的候选人可以公示",
                        "only a nominated candidate can be noticed", "candidateId")
    candidate = await check_eligibility(rules, candidate_id, today)
    if not _eligible_or_overridden(candidate):
        raise _not_eligible(candidate)
    rule = await resolve_rule(rules, "building_heads.notice_days", int(candidate["tenant_id"]),
                              today)
    until = today + timedelta(days=int(rule.value) - 1)
    await Candidate.update({Candidate.status: "noticed", Candidate.notice_from: today,
                            Candidate.notice_until: until,
                            Candidate.notice_rule_version: int(rule.version)}).where(
        Candidate.id == candidate_id)
    await record("building_heads.candidate.notice", account_id=account_id,
                 object_type="building_heads_candidate", object_id=candidate_id,
                 summary={"from": today.isoformat(), "until": until.isoformat()})
    return await get_candidate(candidate_id)


def _is_unique_violation(exc: BaseException) -> bool:
    name = type(exc).__name__
    return name in ("IntegrityError", "UniqueViolationError") or "unique" in str(exc).lower()


async def _serving_head(building_id: int) -> dict[str, Any] | None:
    row = await Appointment.select().where(Appointment.serving_head == building_id).first()
    return dict(row) if row else None




async def _link(account_id: int, tenant_id: int, building_id: int) -> None:
    """Grant ``building_heads.head`` at the building (kept when the account already holds it)."""
    try:
        await grant_place_role(account_id, tenant_id, HEAD_ROLE, "building", building_id)
    except ApiError as exc:
        if exc.code in ("NOT_FOUND", "INVALID_ARGUMENT"):
            raise ApiError(exc.code, exc.zh, exc.en, "accountId") from exc
        raise


async def _unlink(account_id: int | None, tenant_id: int, building_id: int) -> None:
    """Revoke the head membership unless another serving term still links the account here."""
    if account_id is None:
        return
    if await Appointment.exists().where(
            (Appointment.account_id == account_id) & (Appointment.building_id == building_id)
            & Appointment.ended_on.is_null()):
        return
    await revoke_place_role(account_id, tenant_id, HEAD_ROLE, "building", building_id)


async def _close(appointment: dict[str, Any], on: date) -> None:
    """End a term on ``on`` (not before it began) and revoke its account's link."""
    if on < appointment["term_start"]:
        raise ApiError("INVALID_ARGUMENT", "离任日期不能早于任期开始",
                        "a term cannot end before it began", "endedOn")
    await Appointment.update({Appointment.ended_on: on, Appointment.serving_head: None}).where(
        Appointment.id == appointment["id"])
    await _unlink(appointment["account_id"], int(appointment["tenant_id"]),
                  int(appointment["building_id"]))


async def approve(rules: RuleReader, candidate_id: int, *, account_id: int | None, today: date,
                  term_start: date | None = None, term_end: date | None = None,
                  role: str = "head", party_group_lead: bool = False,
                  link_account_id: int | None = None, handover: bool = False
                  ) -> dict[str, Any]:
    """审批 The community party committee approves a noticed candidate: a term begins.

    Refused before the notice ends, for an ineligible candidate without override, and — for a
    head — when the building already has a serving head (CONFLICT; the unique index on
    ``serving_head`` decides between concurrent approvals). With ``handover`` the serving head's
    term ends on the day this one begins, in the same transaction."""
    if role not in ROLES:
        raise ApiError("INVALID_ARGUMENT", "角色须为 head 或 deputy", "role must be head or "
                        "deputy", "role")
    candidate = await get_candidate(candidate_id)
    if candidate["status"] != "noticed" or candidate["notice_until"] is None:
        raise ApiError("INVALID_ARGUMENT", "候选人须先经公示", "the candidate must be publicly "
                        "noticed first", "candidateId")
    if today <= candidate["notice_until"]:
        raise ApiError("INVALID_ARGUMENT",
                        f"公示期至 {candidate['notice_until']:%Y-%m-%d} 结束，之后方可审批",
                        f"the notice runs until {candidate['notice_until']:%Y-%m-%d}; approve "
                        "after it ends", "candidateId")
    if party_group_lead and not await _party_members([int(candidate["resident_id"])]):
        raise ApiError("INVALID_ARGUMENT", "一肩挑（兼任楼院党小组长）须为党员",
                       "a head who also leads the building's party group must be a party "
                       "member", "partyGroupLead")
    start = term_start or today
    candidate = await check_eligibility(rules, candidate_id, start)
    if not _eligible_or_overridden(candidate):
        raise _not_eligible(candidate)
    tenant_id = int(candidate["tenant_id"])
    building_id = int(candidate["building_id"])
    term = await resolve_rule(rules, "building_heads.term_years", tenant_id, start)
    end = term_end or add_years(start, int(term.value)) - timedelta(days=1)
    if end < start:
        raise ApiError("INVALID_ARGUMENT", "任期结束不能早于开始", "the term cannot end before "
                        "it starts", "termEndsOn")
    previous = await _serving_head(building_id) if role == "head" else None
    if previous is not None:
        if not handover:
            raise ApiError("CONFLICT", "该楼栋已有在任楼长，请办理交接",
                            "the building already has a serving head; hand over instead",
                            "candidateId")
        await _close(previous, start)
    elif handover:
        raise ApiError("INVALID_ARGUMENT", "该楼栋没有在任楼长可交接",
                        "the building has no serving head to hand over from", "candidateId")
    linked = link_account_id or await account_of_resident(int(candidate["resident_id"]), tenant_id)
    row = Appointment(tenant_id=tenant_id, building_id=building_id,
                      resident_id=candidate["resident_id"], account_id=linked,
                      candidate_id=candidate_id, role=role,
                      serving_head=building_id if role == "head" else None,
                      term_start=start, term_end=end, party_group_lead=party_group_lead,
                      term_rule_version=int(term.version), created_by=account_id,
                      created_at=_now())
    try:
        await Appointment.insert(row)
    except Exception as exc:
        if _is_unique_violation(exc):
            raise ApiError("CONFLICT", "该楼栋已有在任楼长", "the building already has a serving "
                            "head", "candidateId") from exc
        raise
    await Candidate.update({Candidate.status: "approved"}).where(Candidate.id == candidate_id)
    if linked is not None:
        await _link(linked, tenant_id, building_id)
    await record("building_heads.handover" if previous else "building_heads.appoint",
                 account_id=account_id, object_type="building_heads_appointment",
                 object_id=row.id,
                 summary={"building_id": building_id, "role": role,
                          "term_start": start.isoformat(), "term_end": end.isoformat(),
                          "previous": previous["id"] if previous else None,
                          "override": candidate["override_reason"] or None})
    return await get_appointment(int(row.id))


async def handover(rules: RuleReader, candidate_id: int, **kw: Any) -> dict[str, Any]:
    """交接 The serving head's term ends the day the approved candidate's term begins."""
    return await approve(rules, candidate_id, role="head", handover=True, **kw)


async def end_term(appointment_id: int, *, on: date, reason: str, account_id: int | None
                   ) -> dict[str, Any]:
    """离任 End a term on ``on``; the head's account loses its link to the building."""
    appointment = await get_appointment(appointment_id)
    if appointment["ended_on"] is not None:
        raise ApiError("INVALID_ARGUMENT", "该任期已结束", "the term has already ended",
                        "appointmentId")
    await _close(appointment, on)
    await record("building_heads.term.end", account_id=account_id,
                 object_type="building_heads_appointment", object_id=appointment_id,
                 summary={"on": on.isoformat(), "reason": reason})
    return await get_appointment(appointment_id)


async def link_account(appointment_id: int, link_account_id: int, *, account_id: int | None
                       ) -> dict[str, Any]:
    """关联账号 Link a serving term to an account (after approval): the account gets
    ``building_heads.head`` at the building, the term's previous account (if another) loses
    it unless another serving term keeps it. Audited."""
    appointment = await get_appointment(appointment_id)
    if appointment["ended_on"] is not None:
        raise ApiError("INVALID_ARGUMENT", "该任期已结束", "the term has already ended",
                       "appointmentId")
    tenant_id = int(appointment["tenant_id"])
    building_id = int(appointment["building_id"])
    previous = appointment["account_id"]
    if previous == link_account_id:
        return appointment
    await _link(link_account_id, tenant_id, building_id)
    await Appointment.update({Appointment.account_id: link_account_id}).where(
        Appointment.id == appointment_id)
    await _unlink(previous, tenant_id, building_id)
    await record("building_heads.appointment.link", account_id=account_id,
                 object_type="building_heads_appointment", object_id=appointment_id,
                 summary={"account_id": link_account_id, "previous_account_id": previous})
    return await get_appointment(appointment_id)


async def ranked_candidates(building_id: int, include_closed: bool = False
                            ) -> list[dict[str, Any]]:
    """Candidates of a building, best first: priority, then eligibility, then nomination order."""
    await _building(building_id)
    query = Candidate.select().where(Candidate.building_id == building_id)
    if not include_closed:
        query = query.where(Candidate.status.is_in(list(OPEN_STATUSES)))
    rows = [dict(r) for r in await query]
    rows.sort(key=lambda r: (-int(r["priority"]), not _eligible_or_overridden(r), int(r["id"])))
    return rows


async def list_appointments(first: int, after: int, *, building_id: int | None,
                            include_ended: bool, buildings: set[int] | None
                            ) -> list[dict[str, Any]]:
    """Up to ``first + 1`` terms ordered by id, limited to ``buildings`` unless None."""
    query = Appointment.select().where(Appointment.id > after)
    if building_id is not None:
        query = query.where(Appointment.building_id == building_id)
    if buildings is not None:
        query = query.where(Appointment.building_id.is_in(sorted(buildings) or [-1]))
    if not include_ended:
        query = query.where(Appointment.ended_on.is_null())
    return [dict(r) for r in await query.order_by(Appointment.id).limit(first + 1)]


async def visible_buildings(access: Access, permission: str) -> set[int] | None:
    """Buildings where the caller holds ``permission`` (None: the whole scope), a head's
    building grant included."""
    limit = access.limit(permission)
    if limit is None:
        return None
    out: set[int] = set()
    heads = {g.place_id for g in access.grants
             if g.role == HEAD_ROLE and permission in g.permissions and g.place_id is not None}
    others = {g.place_id for g in access.grants if g.role != HEAD_ROLE
              and permission in g.permissions and g.place_kind == "building"
              and g.place_id is not None}
    out |= others
    out |= heads
    if limit.community_ids or limit.grid_ids:
        inside = await buildings_in(community_ids=limit.community_ids, grid_ids=limit.grid_ids)
        out |= {b.id for b in inside}
    return out


# -- what resolvers ask for (each one checks the caller) --------------------------------------
async def authorized_candidate(access: Access, permission: str, candidate_id: int
                               ) -> dict[str, Any]:
    """The candidate, if the caller may do ``permission`` at its building."""
    row = await get_candidate(candidate_id)
    await authorize_building(access, permission, int(row["building_id"]))
    return row


async def authorized_appointment(access: Access, permission: str, appointment_id: int
                                 ) -> dict[str, Any]:
    """The term, if the caller may do ``permission`` at its building."""
    row = await get_appointment(appointment_id)
    await authorize_building(access, permission, int(row["building_id"]))
    return row


async def appointments_by_ids(ids: list[int]) -> dict[int, dict[str, Any]]:
    """Terms by id in one statement (for a DataLoader); those out of scope are absent."""
    rows = await Appointment.select().where(Appointment.id.is_in(sorted(set(ids)) or [-1]))
    return {int(r["id"]): dict(r) for r in rows}


async def appointment_page(access: Access, first: int, after: int, *, building_id: int | None,
                           include_ended: bool) -> list[dict[str, Any]]:
    """Terms the caller may read (``building_heads.read``), ``first + 1`` by id."""
    if building_id is not None:
        await authorize_building(access, "building_heads.read", building_id)
    allowed = await visible_buildings(access, "building_heads.read")
    if allowed is None and not access.has("building_heads.read"):
        allowed = set()
    return await list_appointments(first, after, building_id=building_id,
                                   include_ended=include_ended, buildings=allowed)


async def candidate_ranking(access: Access, building_id: int, include_closed: bool
                            ) -> list[dict[str, Any]]:
    """A building's candidates, best first, if the caller may read there."""
    await authorize_building(access, "building_heads.read", building_id)
    return await ranked_candidates(building_id, include_closed)
