"""Export and erasure of one person's building-head data (``linli_personal_data``).

What the plugin holds about a resident: the visits to their household (household-level
records: date, way, notes), the visit tasks about them, and their candidacies and terms as a
building head. Erasure blanks the notes of those visits (the fact and date of a visit stay, for
coverage), deletes their tasks and clears their health note; candidacies and terms stay, since
appointments are public record (公示). Runs inside a
scope for the resident's tenant (a write scope for ``erase``).
"""

from __future__ import annotations

from typing import Any

from core.plugin import get_resident
from plugins.building_heads.tables import Appointment, Candidate, Visit, VisitTask

__all__ = ["personal_data"]


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def personal_data(resident_id: int, action: str) -> dict[str, Any] | None:
    """``export``: the visits to the resident's household and the tasks about them;
    ``erase``: anonymise those visits' notes and delete the tasks. ``None`` when nothing is
    held."""
    if action not in ("export", "erase"):
        raise ValueError(f"unknown personal-data action {action!r}")
    resident = await get_resident(resident_id)
    household_id = resident.household_id if resident else None
    visits = [] if household_id is None else await Visit.select(
        Visit.id, Visit.visited_on, Visit.way, Visit.notes, Visit.building_id,
        Visit.household_id).where(Visit.household_id == household_id).order_by(Visit.id)
    tasks = await VisitTask.select(
        VisitTask.id, VisitTask.reason_code, VisitTask.source_module, VisitTask.noticed_since,
        VisitTask.due_on, VisitTask.status, VisitTask.visit_id).where(
        VisitTask.resident_id == resident_id).order_by(VisitTask.id)
    candidacies = await Candidate.select(
        Candidate.id, Candidate.building_id, Candidate.method, Candidate.status,
        Candidate.health_declared, Candidate.health_note, Candidate.created_at).where(
        Candidate.resident_id == resident_id).order_by(Candidate.id)
    terms = await Appointment.select(
        Appointment.id, Appointment.building_id, Appointment.role, Appointment.term_start,
        Appointment.term_end, Appointment.ended_on, Appointment.party_group_lead).where(
        Appointment.resident_id == resident_id).order_by(Appointment.id)
    if not (visits or tasks or candidacies or terms):
        return None
    if action == "export":
        return {"visits": [{k: _iso(v) for k, v in r.items()} for r in visits],
                "visit_tasks": [{k: _iso(v) for k, v in r.items()} for r in tasks],
                "candidacies": [{k: _iso(v) for k, v in r.items()} for r in candidacies],
                "terms": [{k: _iso(v) for k, v in r.items()} for r in terms]}
    noted_health = [int(r["id"]) for r in candidacies if r["health_note"]]
    if noted_health:
        await Candidate.update({Candidate.health_note: ""}).where(Candidate.id.is_in(noted_health))
    noted = [int(r["id"]) for r in visits if r["notes"]]
    if noted:
        await Visit.update({Visit.notes: ""}).where(Visit.id.is_in(noted))
    task_ids = [int(r["id"]) for r in tasks]
    if task_ids:
        await Visit.update({Visit.task_id: None}).where(Visit.task_id.is_in(task_ids))
        await VisitTask.delete().where(VisitTask.id.is_in(task_ids))
    return {"visits_anonymised": len(noted), "visit_tasks_deleted": len(task_ids),
            "health_notes_cleared": len(noted_health)}
