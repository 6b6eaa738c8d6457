"""How ``node(id:)`` loads the plugin's objects (``linli_node_types``): each loader answers None
(``NOT_FOUND``) for an object the caller may not read. Core answers ``PLUGIN_DISABLED`` before
any loader runs where the plugin is off, so no loader checks enablement."""

from __future__ import annotations

from typing import Any

from core.plugin import Access, ApiError, Info, NodeType
from plugins.building_heads.schema.common import read
from plugins.building_heads.schema.types import (
    MATTER,
    BuildingHeadAppointment,
    BuildingHeadCandidate,
    BuildingHeadEvaluation,
    BuildingHeadHandoff,
    BuildingHeadMatter,
    BuildingHeadPropertyCompany,
    BuildingHeadRotaShift,
    BuildingHeadStation,
    BuildingHeadVisit,
    BuildingHeadVisitTask,
)
from plugins.building_heads.services import (
    appointments,
    companies,
    handoffs,
    matters,
    rota,
    visits,
)

__all__ = ["NODE_TYPES"]

async def _candidate(info: Info, ident: int) -> BuildingHeadCandidate | None:
    async def work(access: Access) -> dict[str, Any]:
        return await appointments.authorized_candidate(access, "building_heads.read", ident)

    try:
        return BuildingHeadCandidate.from_row(await read(info, work))
    except ApiError:
        return None


async def _appointment(info: Info, ident: int) -> BuildingHeadAppointment | None:
    async def work(access: Access) -> dict[str, Any]:
        return await appointments.authorized_appointment(access, "building_heads.read", ident)

    try:
        return BuildingHeadAppointment.from_row(await read(info, work))
    except ApiError:
        return None


async def _station(info: Info, ident: int) -> BuildingHeadStation | None:
    async def work(access: Access) -> dict[str, Any]:
        return await rota.station_for(access, "building_heads.read", ident)

    try:
        return BuildingHeadStation.from_row(await read(info, work))
    except ApiError:
        return None


async def _evaluation(info: Info, ident: int) -> BuildingHeadEvaluation | None:
    async def work(access: Access) -> dict[str, Any] | None:
        return await rota.evaluation_for(access, ident)

    row = await read(info, work)
    return BuildingHeadEvaluation.from_row(row) if row else None


async def _shift(info: Info, ident: int) -> BuildingHeadRotaShift | None:
    async def work(access: Access) -> dict[str, Any] | None:
        return await rota.shift_for(access, ident)

    try:
        row = await read(info, work)
    except ApiError:
        return None
    return BuildingHeadRotaShift.from_row(row) if row else None


async def _matter(info: Info, ident: int) -> BuildingHeadMatter | None:
    async with info.context.read():
        row = await matters.get_matter(ident)
    return BuildingHeadMatter.from_row(row) if row else None


async def _visit(info: Info, ident: int) -> BuildingHeadVisit | None:
    async with info.context.read() as access:
        row = await visits.visit_for(access, ident)
    return BuildingHeadVisit.of(row) if row else None


async def _visit_task(info: Info, ident: int) -> BuildingHeadVisitTask | None:
    async with info.context.read() as access:
        row = await visits.visit_task_for(access, ident)
    return BuildingHeadVisitTask.of(row) if row else None


async def _handoff(info: Info, ident: int) -> BuildingHeadHandoff | None:
    async with info.context.read() as access:
        row = await handoffs.handoff_for(access, ident)
    return BuildingHeadHandoff.from_row(row) if row else None


async def _company(info: Info, ident: int) -> BuildingHeadPropertyCompany | None:
    async with info.context.read() as access:
        row = await companies.company_for(access, ident)
    return BuildingHeadPropertyCompany.from_row(row) if row else None


NODE_TYPES: list[NodeType] = [
    NodeType("BuildingHeadCandidate", _candidate),
    NodeType("BuildingHeadAppointment", _appointment),
    NodeType("BuildingHeadStation", _station),
    NodeType("BuildingHeadEvaluation", _evaluation),
    NodeType("BuildingHeadRotaShift", _shift),
    NodeType(MATTER, _matter),
    NodeType("BuildingHeadVisit", _visit),
    NodeType("BuildingHeadVisitTask", _visit_task),
    NodeType("BuildingHeadHandoff", _handoff),
    NodeType("BuildingHeadPropertyCompany", _company),
]
"""Every Relay node type the plugin owns, with its loader."""
