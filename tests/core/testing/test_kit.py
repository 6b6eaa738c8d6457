"""The test kit plugin authors get (``core.testing``): place and resident factories with valid
ID numbers, enable_plugin, run_cron, drain, emitted_events, notifications and the reusable
isolation probe — exercised here on a throwaway plugin."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

import pytest
from piccolo.columns import Varchar

from core.db import ScopedTable
from core.events.service import emit
from core.events.types import EventType
from core.jobs.service import CronSpec
from core.notify.service import notify
from core.people.validation import validate_id_number
from core.plugin import PluginMeta, hookimpl
from core.testing import PYTEST_SETTINGS, id_number, missing_settings


class KitNote(ScopedTable, tablename="kit_probe_note"):
    """A throwaway plugin's scoped table."""

    text = Varchar(length=40, null=False)


@dataclass(frozen=True)
class Noted:
    note: str


class KitPlugin:
    def __init__(self) -> None:
        self.name = f"kit_{secrets.token_hex(3)}"
        self.seeded: list[int] = []

    async def nightly(self, ctx: dict[str, Any], tenant_id: int) -> int:
        await KitNote.insert(KitNote(tenant_id=tenant_id, text="nightly"))
        await emit(f"{self.name}.noted", Noted("nightly"))
        return tenant_id

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name=self.name, title_zh="测试", title_en="Kit", version="0.1",
                          emits=(f"{self.name}.noted",))

    @hookimpl
    def linli_event_types(self) -> list[Any]:
        return [EventType(f"{self.name}.noted", 1, Noted, "记录", "noted")]

    @hookimpl
    def linli_cron_jobs(self) -> list[Any]:
        return [CronSpec("nightly", self.nightly, hour=2, minute=0, once_per="day")]

    @hookimpl
    async def linli_tenant_enabled(self, tenant_id: int) -> None:
        self.seeded.append(tenant_id)


@pytest.fixture
async def kit_plugin(linli_env: Any) -> Any:
    await linli_env.create_tables([KitNote])
    plugin = KitPlugin()
    linli_env.state.registry.register(plugin)
    yield plugin
    linli_env.state.registry.unregister(plugin.name)


def test_id_numbers_are_valid_and_fresh():
    first, second = id_number(), id_number()
    assert first != second
    assert validate_id_number(first).gender == "male"
    assert validate_id_number(id_number(male=False)).gender == "female"


def test_the_loop_settings_match_linli_s_own():
    import tomllib
    from pathlib import Path

    own = tomllib.loads((Path(__file__).resolve().parents[3] / "pyproject.toml").read_text())
    ini = own["tool"]["pytest"]["ini_options"]
    assert {k: ini[k] for k in PYTEST_SETTINGS} == PYTEST_SETTINGS


async def test_place_factories_build_a_tenant_s_places_and_people(factory, linli_env):
    tenant = await factory.tenant()
    world = await factory.place(tenant)
    assert world.community.tenant_id == tenant.id == world.resident.tenant_id
    assert world.building.grid_id == world.grid.id
    assert world.household.building_id == world.building.id
    elder = await factory.resident(world.household, "李四", tags=["独居"])
    assert elder.household_id == world.household.id and elder.id != world.resident.id


async def test_enable_run_cron_drain_and_emitted_events(factory, kit_plugin, enable_plugin,
                                                        run_cron, drain, emitted_events):
    region = await factory.region()
    tenant, off = await factory.tenant(region), await factory.tenant()
    await enable_plugin(region, kit_plugin.name)
    assert kit_plugin.seeded == [tenant.id]
    name = f"{kit_plugin.name}.nightly"
    done = await run_cron(name, tenant)
    assert (done.outcome, done.result) == ("succeeded", tenant.id)
    assert (await run_cron(name, tenant)).outcome == "skipped"
    assert (await run_cron(name, off)).outcome == "refused"
    [event] = await emitted_events(tenant, f"{kit_plugin.name}.noted")
    assert json.loads(event.payload) == {"note": "nightly"} and event.tenant_id == tenant.id
    await drain()
    assert (await emitted_events(tenant))[0].state in ("delivered", "no handlers")
    assert await emitted_events(off) == []


async def test_notifications_lists_what_an_account_received(factory, linli_env, notifications):
    tenant = await factory.tenant()
    staff = await factory.account(tenant)
    async with linli_env.state.db.scoped(factory.scope(tenant), write=True):
        await notify(staff.id, "kit.hello", "你好", "正文")
    [row] = await notifications(tenant, staff, "kit.hello")
    assert row["title"] == "你好"
    assert await notifications(tenant, staff, "kit.other") == []


async def test_the_isolation_probe_walls_a_plugin_s_table(kit_plugin, isolation_probe):
    assert await isolation_probe([KitNote]) == 9


class _Config:
    """Just enough of pytest's config for ``missing_settings``."""

    def __init__(self, ini: dict[str, str], mode: str | None = None) -> None:
        self.ini, self.mode = ini, mode

    def getini(self, key: str) -> str:
        return self.ini.get(key, "")

    def getoption(self, key: str, default: Any = None) -> Any:
        return self.mode


def test_the_kit_names_the_pytest_settings_a_run_lacks(pytestconfig: Any) -> None:
    assert missing_settings(pytestconfig) == []
    assert missing_settings(_Config(dict(PYTEST_SETTINGS))) == []
    lacking = missing_settings(_Config({"asyncio_mode": "auto"}))
    assert lacking == ['asyncio_default_fixture_loop_scope = "session"',
                       'asyncio_default_test_loop_scope = "session"']
    assert missing_settings(_Config({k: v for k, v in PYTEST_SETTINGS.items()
                                     if k != "asyncio_mode"}, mode="auto")) == []


async def test_core_apps_have_no_pending_migrations(linli_env: Any) -> None:
    from core.testing import pending_migrations

    assert await pending_migrations("people") == []
