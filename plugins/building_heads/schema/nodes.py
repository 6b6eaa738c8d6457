"""How ``node(id:)`` loads the plugin's objects: each loader answers None (``NOT_FOUND``) for
an object the caller may not read, and while the plugin is off for the caller's tenant."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.types import Info

from core.plugin import Access, ApiError, register_node
from plugins.building_heads.schema.common import enabled, read
from plugins.building_heads.schema.types import (
    MATTER,
    BuildingHeadAppointment,
    BuildingHeadCandidate,
    BuildingHeadEvaluation,
    BuildingHeadMatter,
    BuildingHeadRotaShift,
    BuildingHeadStation,
    BuildingHeadVisit,
    BuildingHeadVisitTask,
)
from plugins.building_heads.services import appointments, matters, rota, visits

__all__ = ["NODE_LOADERS", "register"]

NodeLoader = Callable[[Info, int], Awaitable[Any]]


async def _candidate(info: Info, ident: int) -> BuildingHeadCandidate | None:
    if not await enabled(info):
        return None

    async def work(access: Access) -> dict[str, Any]:
        return await appointments.authorized_candidate(access, "building_heads.read", ident)

    try:
        return BuildingHeadCandidate.from_row(await read(info, work))
    except ApiError:
        return None


async def _appointment(info: Info, ident: int) -> BuildingHeadAppointment | None:
    if not await enabled(info):
        return None

    async def work(access: Access) -> dict[str, Any]:
        return await appointments.authorized_appointment(access, "building_heads.read", ident)

    try:
        return BuildingHeadAppointment.from_row(await read(info, work))
    except ApiError:
        return None


async def _station(info: Info, ident: int) -> BuildingHeadStation | None:
    if not await enabled(info):
        return None

    async def work(access: Access) -> dict[str, Any]:
        return await rota.station_for(access, "building_heads.read", ident)

    try:
        return BuildingHeadStation.from_row(await read(info, work))
    except ApiError:
        return None


async def _evaluation(info: Info, ident: int) -> BuildingHeadEvaluation | None:
    if not await enabled(info):
        return None

    async def work(access: Access) -> dict[str, Any] | None:
        return await rota.evaluation_for(access, ident)

    row = await read(info, work)
    return BuildingHeadEvaluation.from_row(row) if row else None


async def _shift(info: Info, ident: int) -> BuildingHeadRotaShift | None:
    if not await enabled(info):
        return None

    async def work(access: Access) -> dict[str, Any] | None:
        return await rota.shift_for(access, ident)

    try:
        row = await read(info, work)
    except ApiError:
        return None
    return BuildingHeadRotaShift.from_row(row) if row else None


async def _matter(info: Info, ident: int) -> BuildingHeadMatter | None:
    if not await enabled(info):
        return None
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


NODE_LOADERS: dict[str, NodeLoader] = {
    "BuildingHeadCandidate": _candidate,
    "BuildingHeadAppointment": _appointment,
    "BuildingHeadStation": _station,
    "BuildingHeadEvaluation": _evaluation,
    "BuildingHeadRotaShift": _shift,
    MATTER: _matter,
    "BuildingHeadVisit": _visit,
    "BuildingHeadVisitTask": _visit_task,
}
"""Type name → loader, for every Relay node type the plugin owns."""


def register() -> None:
    """Let ``node(id:)`` load the plugin's types (idempotent)."""
    for type_name, loader in NODE_LOADERS.items():
        register_node(type_name, loader)
