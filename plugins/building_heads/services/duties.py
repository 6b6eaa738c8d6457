"""履职 The standard's service content (服务内容, G/DEZZ001-2020) recorded as duties: each with its
building, date, who, what, outcome and the real time spent; a mediation with its parties and
follow-up, an opinion reported upward with its answer, a safety hazard assigned and closed.

A duty done by a serving head emits ``volunteer.service_recorded`` with the minutes recorded
(nothing invented), in the same transaction, for whichever module awards points."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    ServiceRecorded,
    collect_resident_info,
    emit,
    get_building,
    get_household,
    get_resident,
    record,
    today_shanghai,
)
from plugins.building_heads.services.access import building_place, check_building
from plugins.building_heads.services.common import reach, task_building_condition
from plugins.building_heads.tables import Appointment, Duty

__all__ = ["DUTY_KINDS", "assign_duty", "close_duty", "duties_page", "duty_counts", "record_duty"]


@dataclass(frozen=True)
class DutyKind:
    code: str
    zh: str
    en: str
    opens: bool
    """Recorded open, closed later (an opinion awaiting its answer, a hazard to close)."""


DUTY_KINDS: dict[str, DutyKind] = {k.code: k for k in (
    DutyKind("policy_relay", "传达党的方针政策", "policy relay", False),
    DutyKind("building_affairs", "协助处理楼宇事务", "help with building affairs", False),
    DutyKind("mediation", "调解矛盾纠纷", "mediation", False),
    DutyKind("opinion", "反映社情民意", "residents' opinions reported upward", True),
    DutyKind("safety", "维护平安稳定", "safety hazard", True),
    DutyKind("info_collection", "信息采集", "household information collected", False),
    DutyKind("campaign", "社区交办任务", "a campaign task set by the community", False),
)}
TEXT_MAX = 2000
MINUTES_MAX = 24 * 60
PERMISSION = "building_heads.visit"
"""Recording a duty needs what logging a visit needs (a head at their building, or staff)."""


def _now() -> datetime:
    return datetime.now(UTC)


def _text(value: str, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApiError("INVALID_ARGUMENT", "此项必填", "this field is required", field)
    if len(value) > TEXT_MAX:
        raise ApiError("INVALID_ARGUMENT", f"不超过{TEXT_MAX}字",
                       f"at most {TEXT_MAX} characters", field)
    return value


async def _building_in_reach(access: Access, building_id: int) -> Any:
    building = await get_building(building_id)
    if building is None or building.tenant_id != access.node_id or not await check_building(
            access, PERMISSION, building_place(access, building)):
        raise ApiError("NOT_FOUND", "未找到该楼栋", "building not found", "buildingId")
    return building


async def _serving_term(access: Access, building_id: int) -> dict[str, Any] | None:
    if access.principal.account_id is None:
        return None
    row = await Appointment.select().where(
        (Appointment.building_id == building_id)
        & (Appointment.account_id == access.principal.account_id)
        & Appointment.ended_on.is_null()).first()
    return dict(row) if row else None


async def record_duty(access: Access, *, building_id: int, kind: str, summary: str,
                      outcome: str = "", minutes: int = 0, done_on: date | None = None,
                      parties: Sequence[str] = (), follow_up: str = "",
                      household_id: int | None = None,
                      collected: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """记录履职 Record a duty at a building (inside the mutation's write scope). A mediation
    needs its parties, the issue (``summary``) and outcome; an opinion or a safety hazard
    starts open. An information collection with ``collected`` (``resident_id`` of the
    household and any of ``phone``, ``relation``, ``tags_added``, ``tags_removed``) writes the
    update back to core's resident record (audited there, naming this plugin). Audited; a
    serving head's minutes are emitted as volunteer time."""
    if kind not in DUTY_KINDS:
        raise ApiError("INVALID_ARGUMENT", "履职类型无效", "unknown duty kind", "kind")
    building = await _building_in_reach(access, building_id)
    today = today_shanghai()
    done_on = done_on or today
    if done_on > today or done_on.year < 2000:
        raise ApiError("INVALID_ARGUMENT", "日期不能晚于今天", "the date cannot be in the future",
                       "doneOn")
    if not 0 <= minutes <= MINUTES_MAX:
        raise ApiError("INVALID_ARGUMENT", "用时须在0到1440分钟之间",
                       "minutes must be 0–1440", "minutes")
    names = [p.strip() for p in parties if p and p.strip()]
    if kind == "mediation" and (len(names) < 2 or not (outcome or "").strip()):
        raise ApiError("INVALID_ARGUMENT", "调解须记录双方当事人和调解结果",
                       "a mediation records both parties and its outcome", "parties")
    if len(names) > 20 or any(len(n) > 50 for n in names):
        raise ApiError("INVALID_ARGUMENT", "当事人最多20人，每人不超过50字",
                       "at most 20 parties of at most 50 characters", "parties")
    if household_id is not None:
        household = await get_household(household_id)
        if household is None or household.building_id != building.id:
            raise ApiError("NOT_FOUND", "未找到该住户", "household not found", "householdId")
    written: dict[str, Any] = {}
    if collected:
        if kind != "info_collection":
            raise ApiError("INVALID_ARGUMENT", "只有信息采集可以更新住户信息",
                           "only an information collection updates household records",
                           "collected")
        written = await _collect(access, household_id, collected)
    term = await _serving_term(access, building.id)
    opens = DUTY_KINDS[kind].opens
    row = Duty(tenant_id=access.node_id, building_id=building.id, kind=kind, done_on=done_on,
               appointment_id=term["id"] if term else None,
               resident_id=term["resident_id"] if term else None,
               recorded_by=access.principal.account_id, household_id=household_id,
               summary=_text(summary, "summary", required=True),
               outcome=_text(outcome, "outcome"), minutes=minutes,
               parties=json.dumps(names, ensure_ascii=False),
               follow_up=_text(follow_up, "followUp"),
               status="open" if opens else "closed",
               collected=json.dumps(written, ensure_ascii=False),
               closed_on=None if opens else done_on, created_at=_now())
    await Duty.insert(row)
    if term is not None and minutes > 0:
        await emit("volunteer.service_recorded", ServiceRecorded(
            resident_id=int(term["resident_id"]), minutes=minutes, kind="building_head_duty",
            source_module="building_heads"))
    await record("building_heads.duty.record", account_id=access.principal.account_id,
                 object_type="building_heads_duty", object_id=row.id,
                 summary={"building_id": building.id, "kind": kind, "minutes": minutes,
                          "done_on": done_on.isoformat()})
    found = await Duty.select().where(Duty.id == row.id).first()
    return dict(found or {})


async def _collect(access: Access, household_id: int | None,
                   collected: Mapping[str, Any]) -> dict[str, Any]:
    """信息采集 Write the collected update back to core's resident record; returns what is
    kept on the duty (the resident and the changed field names, never the values)."""
    if household_id is None:
        raise ApiError("INVALID_ARGUMENT", "信息采集须指明住户", "name the household",
                       "householdId")
    changes = {k: v for k, v in collected.items() if k != "resident_id" and v is not None}
    if "phone" in collected and collected["phone"] == "":
        changes["phone"] = None
    resident_id = collected.get("resident_id")
    resident = await get_resident(int(resident_id)) if resident_id else None
    if resident is None or resident.household_id != household_id:
        raise ApiError("NOT_FOUND", "该住户中没有这位居民", "no such resident in the household",
                       "collected.residentId")
    if not changes:
        raise ApiError("INVALID_ARGUMENT", "没有要更新的信息", "nothing to update", "collected")
    _, fields = await collect_resident_info(
        resident.id, changes, account_id=access.principal.account_id, source="building_heads")
    await record("building_heads.duty.collect", account_id=access.principal.account_id,
                 object_type="resident", object_id=resident.id,
                 summary={"household_id": household_id, "fields": fields})
    return {"resident_id": resident.id, "fields": fields}


async def assign_duty(access: Access, duty_id: int, *, assigned_to: str,
                      assigned_on: date | None = None) -> dict[str, Any]:
    """交办 A reported safety hazard assigned to whoever will remove it (reported → assigned →
    closed); handing it to a grid worker or the property company assigns it too. Audited."""
    row = await Duty.select().where(Duty.id == duty_id).first()
    if row is None:
        raise ApiError("NOT_FOUND", "未找到该履职记录", "duty not found", "dutyId")
    await _building_in_reach(access, int(row["building_id"]))
    if row["kind"] != "safety":
        raise ApiError("INVALID_ARGUMENT", "只有安全隐患需要交办", "only a safety hazard is "
                       "assigned", "dutyId")
    if row["status"] != "open":
        raise ApiError("CONFLICT", "该记录已办结", "already closed", "dutyId")
    if row["assigned_to"]:
        raise ApiError("CONFLICT", f"已交由{row['assigned_to']}处理",
                       "already assigned", "dutyId")
    on = assigned_on or today_shanghai()
    if on < row["done_on"] or on > today_shanghai():
        raise ApiError("INVALID_ARGUMENT", "交办日期无效", "invalid date", "assignedOn")
    await Duty.update({Duty.assigned_to: _text(assigned_to, "assignedTo", required=True),
                       Duty.assigned_on: on}).where(
        (Duty.id == duty_id) & (Duty.status == "open"))
    await record("building_heads.duty.assign", account_id=access.principal.account_id,
                 object_type="building_heads_duty", object_id=duty_id,
                 summary={"assigned_on": on.isoformat()})
    found = await Duty.select().where(Duty.id == duty_id).first()
    return dict(found or {})


async def close_duty(access: Access, duty_id: int, *, answer: str = "", assigned_to: str = "",
                     closed_on: date | None = None, outcome: str | None = None,
                     minutes: int | None = None, handed_to_me: bool = False
                     ) -> dict[str, Any]:
    """An opinion answered (with the answer), a safety hazard closed (assigned first, or with
    whom it was assigned to now), or a task handed over closed with its outcome and real
    minutes (``handed_to_me``: the caller was handed the duty). A task a grid worker handed the
    head is credited to the head who closes it (their term, their volunteer minutes). Audited."""
    row = await Duty.select().where(Duty.id == duty_id).first()
    if row is None:
        raise ApiError("NOT_FOUND", "未找到该履职记录", "duty not found", "dutyId")
    if not handed_to_me:
        await _building_in_reach(access, int(row["building_id"]))
    if row["status"] != "open":
        raise ApiError("CONFLICT", "该记录已办结", "already closed", "dutyId")
    closed_on = closed_on or today_shanghai()
    if closed_on < row["done_on"] or closed_on > today_shanghai():
        raise ApiError("INVALID_ARGUMENT", "办结日期无效", "invalid closing date", "closedOn")
    if row["kind"] == "opinion" and not (answer or "").strip():
        raise ApiError("INVALID_ARGUMENT", "须记录答复", "record the answer", "answer")
    if row["kind"] == "safety" and not (assigned_to or "").strip() and not row["assigned_to"]:
        raise ApiError("INVALID_ARGUMENT", "须记录交由谁处理", "record who it was assigned to",
                       "assignedTo")
    if minutes is not None and not 0 <= minutes <= MINUTES_MAX:
        raise ApiError("INVALID_ARGUMENT", "用时须在0到1440分钟之间",
                       "minutes must be 0–1440", "minutes")
    values: dict[Any, Any] = {Duty.status: "closed", Duty.closed_on: closed_on,
                              Duty.answer: _text(answer, "answer")}
    if not row["assigned_to"] and (assigned_to or "").strip():
        values[Duty.assigned_to] = _text(assigned_to, "assignedTo")
        values[Duty.assigned_on] = closed_on
    if outcome is not None:
        values[Duty.outcome] = _text(outcome, "outcome")
    if minutes is not None:
        values[Duty.minutes] = minutes
    term = None
    if row["appointment_id"] is None and handed_to_me:
        term = await _serving_term(access, int(row["building_id"]))
        if term is not None:
            values[Duty.appointment_id] = term["id"]
            values[Duty.resident_id] = term["resident_id"]
            values[Duty.done_on] = closed_on
    await Duty.update(values).where((Duty.id == duty_id) & (Duty.status == "open"))
    if term is not None and minutes:
        await emit("volunteer.service_recorded", ServiceRecorded(
            resident_id=int(term["resident_id"]), minutes=minutes, kind="building_head_duty",
            source_module="building_heads"))
    await record("building_heads.duty.close", account_id=access.principal.account_id,
                 object_type="building_heads_duty", object_id=duty_id,
                 summary={"kind": row["kind"], "closed_on": closed_on.isoformat()})
    found = await Duty.select().where(Duty.id == duty_id).first()
    return dict(found or {})


async def duties_page(access: Access, first: int, after: int, *, building_id: int | None,
                      kind: str | None) -> list[dict[str, Any]]:
    """Duties the caller may read (``building_heads.read``), newest id first after ``after``
    (0: from the newest), ``first + 1`` rows."""
    limit = await reach(access, "building_heads.read")
    query = Duty.select()
    condition = task_building_condition(Duty.building_id, limit)
    if condition is not None:
        query = query.where(condition)
    if building_id is not None:
        query = query.where(Duty.building_id == building_id)
    if kind is not None:
        query = query.where(Duty.kind == kind)
    if after:
        query = query.where(Duty.id < after)
    return [dict(r) for r in await query.order_by(Duty.id, ascending=False).limit(first + 1)]


async def duty_counts(appointment_id: int, first: date, last: date) -> int:
    """Duties a term recorded between two days (inclusive), for the yearly evaluation."""
    return int(await Duty.count().where(
        (Duty.appointment_id == appointment_id) & (Duty.done_on >= first)
        & (Duty.done_on <= last)))
