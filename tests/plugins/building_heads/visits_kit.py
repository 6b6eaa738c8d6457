"""Helpers for the visits tests: appointing a head directly (until the appointments area
lands, a serving head is an Appointment row plus the ``building_heads.head`` membership), and
writing visits with chosen dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.identity.service import grant_membership
from core.notify.service import Notification
from core.people.tables import Resident
from core.plugin import today_shanghai
from core.schema.relay import encode_global_id
from plugins.building_heads.tables import Appointment, Visit, VisitTask
from tenants.plugins import change_plugin, fire_tenant_enabled


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


LOG = """mutation($input: BuildingHeadLogVisitInput!) {
  buildingHeadLogVisit(input: $input) {
    __typename
    ... on BuildingHeadLogVisitPayload { visit { id visitedOn way notes room buildingName }
                                         closedTaskIds matterId }
    ... on UserError { code field messageZh messageEn }
  }
}"""


async def appoint(world: Any, factory: Any, building: Any, *, serving: bool = True,
                  membership: bool = True) -> Any:
    """A head account for ``building``: the role at the building and (``serving``) an open
    appointment linking the account to it."""
    env = world.env
    account = await factory.account(world.node, None)
    if membership:
        async with env.state.db.transaction():
            await grant_membership(account.id, world.node.id, "building_heads.head",
                                   "building", building.id, rolebook=env.state.rolebook,
                                   by_workflow=True)
    if serving:
        resident = world.residents[world.households[building.id][1].id][0]
        today = today_shanghai()
        async with world.write():
            await Appointment.insert(Appointment(
                tenant_id=world.node.id, building_id=building.id, resident_id=resident.id,
                account_id=account.id, role="head", serving_head=building.id,
                term_start=today - timedelta(days=365), term_end=today + timedelta(days=700),
                created_at=datetime.now(UTC)))
    return account


async def enable_plugin(env: Any, node: Any, enabled: bool = True) -> None:
    """Switch the plugin at ``node`` (as the conftest does; conftest is not importable here)."""
    async with env.state.db.transaction():
        newly = await change_plugin(node, "building_heads", enabled)
    await fire_tenant_enabled(env.state.db, env.state.registry, "building_heads", newly)


async def add_visits(world: Any, visits: list[tuple[Any, date]]) -> None:
    """Write visits ``(household, day)`` directly (any day, for hand-computed figures)."""
    async with world.write():
        await Visit.insert(*(Visit(tenant_id=world.node.id, building_id=h.building_id,
                                   household_id=h.id, visited_on=day, way="in_person",
                                   notes="", created_at=datetime.now(UTC))
                             for h, day in visits))


async def notifications(world: Any, account_id: int, kind: str) -> list[dict[str, Any]]:
    async with world.read():
        return list(await Notification.select().where(
            (Notification.account_id == account_id) & (Notification.kind == kind)))


async def tasks_of(world: Any, resident_id: int) -> list[dict[str, Any]]:
    async with world.read():
        return list(await VisitTask.select().where(VisitTask.resident_id == resident_id))


async def tag(world: Any, household: Any, name: str, tags: list[str]) -> Any:
    """A further resident of ``household`` holding ``tags``."""
    return await world.resident(household, name=name, birth=date(1950, 1, 2), tags=tags)


async def resident_row(world: Any, resident_id: int) -> dict[str, Any]:
    async with world.read():
        row = await Resident.select().where(Resident.id == resident_id).first()
    assert row is not None
    return row
