"""Export and erasure of one person's building-head data (``linli_personal_data``).

Runs inside a scope for the resident's tenant (a write scope for ``erase``), before core erases
its own part, so the resident row (and name) can still be read. What the plugin holds about a
resident, and what ``erase`` does with it (kept: part of a record the office must keep):

- visits to their household: kept (coverage figures), notes blanked;
- visit tasks about them: deleted;
- candidacies never publicly noticed: deleted; noticed ones (公示) are part of the public
  appointment record: kept, health note and override reason cleared;
- terms as head or deputy (任期, public record; evaluations and the rota refer to them): kept, a
  term still open ends today (which also revokes the building's head role) and the link to the
  head's account is cleared;
- visits they made as head, evaluations of their terms, nominations they made (ids only):
  kept as they are (coverage and evaluation ledgers, the candidates' nomination records);
- leave and rota swaps: kept (the rota's history), their free-text reasons cleared;
- stations they head: unlinked;
- matters they raised (the public deliberation record): kept, the raiser cleared;
- their signatures on matter steps (the public timeline lists names): the name replaced by
  ``已删除居民``. A namesake on the same step is replaced too: names are all the step stores.

Kept rows still carry the resident's id, which after core's erasure points at a tombstone with
no name, ID number or phone: they are pseudonymised. Running ``erase`` again changes nothing
and returns zero counts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from core.plugin import get_resident, today_shanghai
from plugins.building_heads.services.appointments import end_term
from plugins.building_heads.tables import (
    Appointment,
    Candidate,
    Evaluation,
    Leave,
    Matter,
    MatterStep,
    RotaShift,
    Station,
    Visit,
    VisitTask,
)

__all__ = ["PSEUDONYM", "personal_data"]

PSEUDONYM = "已删除居民"
"""What replaces an erased person's name in a signature list (core's tombstone name)."""
ERASED_REASON = "个人信息已删除 / personal data erased"


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _plain(rows: Sequence[dict[str, Any]], drop: Sequence[str] = ()) -> list[dict[str, Any]]:
    return [{k: _iso(v) for k, v in r.items() if k not in drop} for r in rows]


def _ids(rows: Sequence[dict[str, Any]]) -> list[int]:
    return [int(r["id"]) for r in rows]


async def _held(resident_id: int) -> dict[str, Any]:
    """Every row the plugin holds about the resident, by kind."""
    resident = await get_resident(resident_id)
    household_id = resident.household_id if resident else None
    name = resident.name if resident else ""
    if name == PSEUDONYM:  # already erased: every signature left reads 已删除居民
        name = ""
    held: dict[str, Any] = {"name": name}
    held["visits"] = [] if household_id is None else await Visit.select(
        Visit.id, Visit.visited_on, Visit.way, Visit.notes, Visit.building_id,
        Visit.household_id).where(Visit.household_id == household_id).order_by(Visit.id)
    held["visit_tasks"] = await VisitTask.select(
        VisitTask.id, VisitTask.reason_code, VisitTask.source_module, VisitTask.noticed_since,
        VisitTask.due_on, VisitTask.status, VisitTask.visit_id).where(
        VisitTask.resident_id == resident_id).order_by(VisitTask.id)
    held["candidacies"] = await Candidate.select(
        Candidate.id, Candidate.building_id, Candidate.method, Candidate.status,
        Candidate.health_declared, Candidate.health_note, Candidate.override_reason,
        Candidate.notice_from, Candidate.notice_until, Candidate.created_at).where(
        Candidate.resident_id == resident_id).order_by(Candidate.id)
    terms = await Appointment.select(
        Appointment.id, Appointment.building_id, Appointment.role, Appointment.term_start,
        Appointment.term_end, Appointment.ended_on, Appointment.party_group_lead,
        Appointment.account_id).where(Appointment.resident_id == resident_id).order_by(
        Appointment.id)
    held["terms"] = terms
    term_ids = _ids(terms) or [-1]
    held["visits_made"] = await Visit.select(
        Visit.id, Visit.building_id, Visit.household_id, Visit.visited_on, Visit.way).where(
        Visit.appointment_id.is_in(term_ids)).order_by(Visit.id)
    held["leaves"] = await Leave.select(
        Leave.id, Leave.appointment_id, Leave.starts_on, Leave.ends_on, Leave.reason).where(
        Leave.appointment_id.is_in(term_ids)).order_by(Leave.id)
    held["rota_shifts"] = await RotaShift.select(
        RotaShift.id, RotaShift.station_id, RotaShift.appointment_id, RotaShift.starts_on,
        RotaShift.ends_on, RotaShift.swapped_from_appointment_id, RotaShift.swap_reason).where(
        RotaShift.appointment_id.is_in(term_ids)
        | RotaShift.swapped_from_appointment_id.is_in(term_ids)).order_by(RotaShift.id)
    held["evaluations"] = await Evaluation.select(
        Evaluation.id, Evaluation.appointment_id, Evaluation.year, Evaluation.coverage_pct,
        Evaluation.matters_closed, Evaluation.score, Evaluation.grade).where(
        Evaluation.appointment_id.is_in(term_ids)).order_by(Evaluation.id)
    held["stations"] = await Station.select(Station.id, Station.name, Station.compound_id).where(
        Station.fixed_head_resident_id == resident_id).order_by(Station.id)
    held["matters_raised"] = await Matter.select(
        Matter.id, Matter.title, Matter.level, Matter.step, Matter.status,
        Matter.created_at).where(Matter.raised_by_resident_id == resident_id).order_by(Matter.id)
    held["matter_signatures"] = [] if not name else [
        s for s in await MatterStep.select(
            MatterStep.id, MatterStep.matter_id, MatterStep.kind, MatterStep.step,
            MatterStep.decided_on, MatterStep.participants).where(
            MatterStep.participants.like(f"%{name}%")).order_by(MatterStep.id)
        if name in json.loads(s["participants"] or "[]")]
    nominated = await Candidate.select(Candidate.id, Candidate.building_id,
                                       Candidate.resident_id, Candidate.method,
                                       Candidate.nominators).where(Candidate.nominators != "[]")
    held["nominations_made"] = [
        {k: v for k, v in r.items() if k != "nominators"} for r in nominated
        if resident_id in json.loads(r["nominators"] or "[]")]
    return held


def _export(held: dict[str, Any]) -> dict[str, Any]:
    return {
        "visits": _plain(held["visits"]),
        "visit_tasks": _plain(held["visit_tasks"]),
        "candidacies": _plain(held["candidacies"]),
        "terms": _plain(held["terms"], drop=("account_id",)),
        "visits_made": _plain(held["visits_made"]),
        "leaves": _plain(held["leaves"]),
        "rota_shifts": _plain(held["rota_shifts"]),
        "evaluations": _plain(held["evaluations"]),
        "stations": _plain(held["stations"]),
        "matters_raised": _plain(held["matters_raised"]),
        "matter_signatures": [{**_plain([s], drop=("participants",))[0]}
                              for s in held["matter_signatures"]],
        "nominations_made": _plain(held["nominations_made"]),
    }


async def _erase(held: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    noted = [int(r["id"]) for r in held["visits"] if r["notes"]]
    if noted:
        await Visit.update({Visit.notes: ""}).where(Visit.id.is_in(noted))
    counts["visits_anonymised"] = len(noted)

    task_ids = _ids(held["visit_tasks"])
    if task_ids:
        await Visit.update({Visit.task_id: None}).where(Visit.task_id.is_in(task_ids))
        await VisitTask.delete().where(VisitTask.id.is_in(task_ids))
    counts["visit_tasks_deleted"] = len(task_ids)

    in_terms = {r["candidate_id"] for r in await Appointment.select(Appointment.candidate_id).where(
        Appointment.candidate_id.is_in(_ids(held["candidacies"]) or [-1]))}
    unpublished = [int(r["id"]) for r in held["candidacies"]
                   if r["notice_from"] is None and r["id"] not in in_terms]
    if unpublished:
        await Candidate.delete().where(Candidate.id.is_in(unpublished))
    counts["candidacies_deleted"] = len(unpublished)
    kept = [r for r in held["candidacies"] if int(r["id"]) not in unpublished]
    health = [int(r["id"]) for r in kept if r["health_note"]]
    if health:
        await Candidate.update({Candidate.health_note: ""}).where(Candidate.id.is_in(health))
    counts["health_notes_cleared"] = len(health)
    overridden = [int(r["id"]) for r in kept if r["override_reason"]]
    if overridden:
        await Candidate.update({Candidate.override_reason: ""}).where(
            Candidate.id.is_in(overridden))
    counts["override_reasons_cleared"] = len(overridden)

    today = today_shanghai()
    open_terms = [r for r in held["terms"] if r["ended_on"] is None]
    for term in open_terms:  # an erased person cannot go on serving; the head role goes too
        await end_term(int(term["id"]), on=max(today, term["term_start"]), reason=ERASED_REASON,
                       account_id=None)
    counts["terms_ended"] = len(open_terms)
    linked = [int(r["id"]) for r in held["terms"] if r["account_id"] is not None]
    if linked:
        await Appointment.update({Appointment.account_id: None}).where(
            Appointment.id.is_in(linked))
    counts["terms_unlinked"] = len(linked)

    leaves = [int(r["id"]) for r in held["leaves"] if r["reason"]]
    if leaves:
        await Leave.update({Leave.reason: ""}).where(Leave.id.is_in(leaves))
    counts["leave_reasons_cleared"] = len(leaves)
    swaps = [int(r["id"]) for r in held["rota_shifts"] if r["swap_reason"]]
    if swaps:
        await RotaShift.update({RotaShift.swap_reason: ""}).where(RotaShift.id.is_in(swaps))
    counts["swap_reasons_cleared"] = len(swaps)

    stations = _ids(held["stations"])
    if stations:
        await Station.update({Station.fixed_head_resident_id: None}).where(
            Station.id.is_in(stations))
    counts["stations_unlinked"] = len(stations)
    matters = _ids(held["matters_raised"])
    if matters:
        await Matter.update({Matter.raised_by_resident_id: None}).where(
            Matter.id.is_in(matters))
    counts["matters_pseudonymised"] = len(matters)
    for step in held["matter_signatures"]:
        names = [PSEUDONYM if n == held["name"] else n
                 for n in json.loads(step["participants"] or "[]")]
        await MatterStep.update({MatterStep.participants: json.dumps(names, ensure_ascii=False)}
                                ).where(MatterStep.id == step["id"])
    counts["signatures_pseudonymised"] = len(held["matter_signatures"])
    return counts


async def personal_data(resident_id: int, action: str) -> dict[str, Any] | None:
    """``export``: every section above as JSON-able dicts; ``erase``: counts by kind of what
    was deleted or pseudonymised (see the module docstring). ``None`` when nothing is held."""
    if action not in ("export", "erase"):
        raise ValueError(f"unknown personal-data action {action!r}")
    held = await _held(resident_id)
    if not any(rows for key, rows in held.items() if key != "name"):
        return None
    return _export(held) if action == "export" else await _erase(held)
