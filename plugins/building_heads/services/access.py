"""Who may act on a building: core's permission check, and nothing else.

A ``building_heads.head`` membership is held at one building. Approving an appointment grants
it (linked to the head's account), ending the term revokes it, and staff may also grant it
directly (``linli account create --role building_heads.head --place-kind building --place-id …``
or ``grantMembership``). Whatever granted it, the membership is what counts: the answer of
``checkPermission`` and what the plugin's actions allow are the same check, so a head never
learns "allowed" and then "household not found".
"""

from __future__ import annotations

from typing import Any

from core.plugin import Access, BuildingRec, Decision, PlaceRef
from plugins.building_heads.tables import Appointment

__all__ = ["HEAD_ROLE", "building_place", "check_building", "head_buildings",
           "serving_buildings"]

HEAD_ROLE = "building_heads.head"


def building_place(access: Access, building: BuildingRec | dict[str, Any], tenant_path: str = ""
                   ) -> PlaceRef:
    """Where a building sits, for core's permission check (a record or a row dict)."""
    if isinstance(building, BuildingRec):
        return PlaceRef(node_id=building.tenant_id, node_path=tenant_path or access.node_path,
                        community_id=building.community_id, grid_id=building.grid_id,
                        building_id=building.id)
    return PlaceRef(node_id=int(building["tenant_id"]), node_path=tenant_path or access.node_path,
                    community_id=building.get("community_id"), grid_id=building.get("grid_id"),
                    building_id=int(building["id"]))


def head_buildings(access: Access, permission: str | None = None) -> set[int]:
    """Buildings where the caller holds ``building_heads.head`` (carrying ``permission``)."""
    return {int(g.place_id) for g in access.grants
            if g.role == HEAD_ROLE and g.place_kind == "building" and g.place_id is not None
            and (permission is None or permission in g.permissions)}


async def serving_buildings(account_id: int | None) -> set[int]:
    """Buildings where ``account_id`` is linked to a serving term as head or deputy (inside a
    scope) — the appointment record, not the permission."""
    if account_id is None:
        return set()
    rows = await Appointment.select(Appointment.building_id).where(
        (Appointment.account_id == account_id) & Appointment.ended_on.is_null())
    return {int(r["building_id"]) for r in rows}


async def check_building(access: Access, permission: str, place: PlaceRef) -> Decision:
    """May the caller do ``permission`` at this building? Exactly core's answer (the one
    ``checkPermission`` gives)."""
    return access.check(permission, place)
