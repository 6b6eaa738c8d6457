"""Fixtures for the blood-drive tests: a city (the campaign's owner) with two street offices in
a district, the plugin on at the city, a household in each street, accounts for the city's
organiser, each street's administrator and a collection-site staff member, and helpers to run
the services in a scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from core.plugin import SHANGHAI, system_access
from tenants.service import scope_for


@dataclass
class Street:
    node: Any
    household: Any
    admin: Any
    site: Any


@dataclass
class World:
    env: Any
    factory: Any
    city: Any
    organiser: Any
    a: Street
    b: Street

    def write(self, node: Any) -> Any:
        return self.env.state.db.scoped(scope_for(node), write=True)

    def read(self, node: Any) -> Any:
        return self.env.state.db.scoped(scope_for(node))

    @staticmethod
    def system(node: Any) -> Any:
        return system_access(node)

    async def do(self, node: Any, work: Any) -> Any:
        """``work(access)`` as the system at ``node`` in one write transaction."""
        async with self.write(node):
            return await work(system_access(node))

    async def campaign(self, **over: Any) -> dict[str, Any]:
        from plugins.blood_drive.services import campaigns

        today = date.today()
        data: dict[str, Any] = {
            "title": over.pop("title", f"献血活动{id(over)}"),
            "starts_on": today - timedelta(days=1), "ends_on": today + timedelta(days=30),
            "organisers": ("市委市直机关工委", "市红十字会")}
        data.update(over)
        async with self.write(self.city):
            return await campaigns.create_campaign(self.system(self.city),
                                                   campaigns.CampaignInput(**data))

    async def session(self, street: Street, campaign: dict[str, Any], capacity: int = 3,
                      slots: int = 1, days: int = 2) -> dict[str, Any]:
        from plugins.blood_drive.services import campaigns

        day = date.today() + timedelta(days=days)
        start = datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)
        async with self.write(street.node):
            return await campaigns.create_session(
                self.system(street.node), int(campaign["id"]), f"献血车{id(campaign)}{days}",
                "广场", day, [campaigns.SlotInput(start + timedelta(hours=i),
                                                start + timedelta(hours=i + 1), capacity)
                            for i in range(slots)])

    async def slots(self, street: Street, session: dict[str, Any]) -> list[dict[str, Any]]:
        from plugins.blood_drive.services import campaigns

        async with self.read(street.node):
            return (await campaigns.slots_of_sessions([int(session["id"])]))[int(session["id"])]

    async def donor(self, street: Street, name: str = "献血者", birth: date = date(1990, 5, 1),
                    male: bool = True, work_unit: str = "", remind: bool = False
                    ) -> dict[str, Any]:
        from plugins.blood_drive.services import campaigns

        resident = await self.factory.resident(street.household, name, birth=birth, male=male)
        async with self.write(street.node):
            return await campaigns.register_donor(self.system(street.node), resident.id,
                                                  work_unit, remind_opt_in=remind)


async def make_world(env: Any, factory: Any, enable_plugin: Any) -> World:
    city = await factory.region("city", name="聊城市")
    district = await factory.region("district", parent=city, name="东昌府区")
    streets = []
    for n in range(2):
        node = await factory.tenant(district, name=f"街道{n}")
        community = await factory.community(node)
        building = await factory.building(community)
        household = await factory.household(building)
        admin = await factory.account(node)
        site = await factory.account(node, "blood_drive.site_staff")
        streets.append(Street(node, household, admin, site))
    await enable_plugin(city, "blood_drive")
    organiser = await factory.account(city)
    return World(env, factory, city, organiser, streets[0], streets[1])


@pytest.fixture
async def world(linli_env: Any, factory: Any, enable_plugin: Any) -> World:
    return await make_world(linli_env, factory, enable_plugin)
