"""Who may act on a building: core's permission check combined with the plugin's own link.

A ``building_heads.head`` membership is held at one building; the plugin additionally requires
a serving appointment linking the account to that building, so a head whose term ended (or who
was only granted the role) cannot act. Other grants (coordinator, tenant admin, community staff
with the permission) are judged by core alone.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.plugin import Access, BuildingRec, Decision, PlaceRef
from plugins.building_heads.tables import Appointment

__all__ = ["HEAD_ROLE", "building_place", "check_building", "serving_buildings"]

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


async def serving_buildings(account_id: int | None) -> set[int]:
    """Buildings where ``account_id`` is a serving head or deputy (inside a scope)."""
    if account_id is None:
        return set()
    rows = await Appointment.select(Appointment.building_id).where(
        (Appointment.account_id == account_id) & Appointment.ended_on.is_null())
    return {int(r["building_id"]) for r in rows}


async def check_building(access: Access, permission: str, place: PlaceRef) -> Decision:
    """May the caller do ``permission`` at this building? (inside a scope)"""
    others = replace(access, grants=tuple(g for g in access.grants if g.role != HEAD_ROLE))
    decision = others.check(permission, place)
    if decision:
        return decision
    via_head = access.check(permission, place)
    if not via_head:
        return via_head
    if place.building_id in await serving_buildings(access.principal.account_id):
        return Decision(True)
    return Decision(False, "您不是该楼栋的在任楼长", "you are not a serving head of this building")
