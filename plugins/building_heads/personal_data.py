"""Export and erasure of one person's building-head data (``linli_personal_data``).

What the plugin holds about a resident: the visits to their household (household-level
records: date, way, notes) and the visit tasks about them. Erasure blanks the notes of those
visits (the fact and date of a visit stay, for coverage) and deletes their tasks. Runs inside a
scope for the resident's tenant (a write scope for ``erase``).
"""

from __future__ import annotations

from typing import Any

from core.people.tables import Resident
from plugins.building_heads.tables import Visit, VisitTask

__all__ = ["personal_data"]


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def personal_data(resident_id: int, action: str) -> dict[str, Any] | None:
    """``export``: the visits to the resident's household and the tasks about them;
    ``erase``: anonymise those visits' notes and delete the tasks. ``None`` when nothing is
    held."""
    if action not in ("export", "erase"):
        raise ValueError(f"unknown personal-data action {action!r}")
    resident = await Resident.select(Resident.household_id).where(
        Resident.id == resident_id).first()
    household_id = resident["household_id"] if resident else None
    visits = [] if household_id is None else await Visit.select(
        Visit.id, Visit.visited_on, Visit.way, Visit.notes, Visit.building_id,
        Visit.household_id).where(Visit.household_id == household_id).order_by(Visit.id)
    tasks = await VisitTask.select(
        VisitTask.id, VisitTask.reason_code, VisitTask.source_module, VisitTask.noticed_since,
        VisitTask.due_on, VisitTask.status, VisitTask.visit_id).where(
        VisitTask.resident_id == resident_id).order_by(VisitTask.id)
    if not visits and not tasks:
        return None
    if action == "export":
        return {"visits": [{k: _iso(v) for k, v in r.items()} for r in visits],
                "visit_tasks": [{k: _iso(v) for k, v in r.items()} for r in tasks]}
    noted = [int(r["id"]) for r in visits if r["notes"]]
    if noted:
        await Visit.update({Visit.notes: ""}).where(Visit.id.is_in(noted))
    task_ids = [int(r["id"]) for r in tasks]
    if task_ids:
        await Visit.update({Visit.task_id: None}).where(Visit.task_id.is_in(task_ids))
        await VisitTask.delete().where(VisitTask.id.is_in(task_ids))
    return {"visits_anonymised": len(noted), "visit_tasks_deleted": len(task_ids)}
