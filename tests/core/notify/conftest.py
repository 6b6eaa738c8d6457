"""Throwaway plugins (a flaky delivery channel, a building-heads-like plugin naming who is
responsible for a resident), an app whose registry has them, and places to put residents in."""

import itertools
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from core import logging as logging_module
from core import pubsub as pubsub_module
from core.app import create_app
from core.identity.roles import RoleBook
from core.identity.tables import Account
from core.notify import service as notify_module
from core.people.tables import Community, Grid, Resident
from core.plugin import PluginMeta, hookimpl
from core.registry import Registry
from core.rules import service as rules_module
from core.schema.compose import build_schema
from core.state import AppState
from core.testing import GraphQLClient
from tenants.service import scope_for


class FlakyChannel:
    """Fails the first ``failures`` sends, then records each notification it delivers."""

    name = "probe_sms"

    def __init__(self) -> None:
        self.failures = 0
        self.attempts: list[int] = []
        self.delivered: list[int] = []

    async def send(self, notification: notify_module.NotificationMessage) -> None:
        self.attempts.append(notification.id)
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("短信网关超时 / SMS gateway timed out")
        self.delivered.append(notification.id)


class ChannelPlugin:
    def __init__(self, channel: FlakyChannel) -> None:
        self.channel = channel

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="notify_probe", title_zh="通知探针", title_en="Notify probe",
                          version="0.1")

    @hookimpl
    def linli_notification_channels(self) -> list[Any]:
        return [self.channel]


class HeadsPlugin:
    """Answers ``linli_responsible_accounts`` from a dict (resident id → head's account)."""

    def __init__(self) -> None:
        self.heads: dict[int, int] = {}

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="heads_probe", title_zh="楼长探针", title_en="Heads probe",
                          version="0.1")

    @hookimpl
    async def linli_responsible_accounts(self, resident_id: int, tenant_id: int) -> list[int]:
        return [self.heads[resident_id]] if resident_id in self.heads else []


@dataclass
class RecordingJobs:
    """Stands in for the jobs service: records what would be enqueued."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    async def enqueue(self, name: str, *, tenant_id: int | None, job_id: str | None = None,
                      **kwargs: Any) -> None:
        self.calls.append((name, {"tenant_id": tenant_id, **kwargs}))


@dataclass
class NotifyWorld:
    state: AppState
    service: notify_module.NotifyService
    channel: FlakyChannel
    heads: HeadsPlugin
    jobs: RecordingJobs
    gql: GraphQLClient


@pytest.fixture
async def world(linli_env: Any) -> AsyncIterator[NotifyWorld]:
    channel, heads = FlakyChannel(), HeadsPlugin()
    registry = Registry()
    registry.load_entrypoints()
    registry.register(ChannelPlugin(channel))
    registry.register(heads)
    registry.check()
    state = AppState(settings=linli_env.settings, db=linli_env.state.db, registry=registry,
                     rolebook=RoleBook.from_registry(registry), schema=build_schema(registry))
    jobs = RecordingJobs()
    state.services.jobs = jobs
    previous, previous_pubsub = notify_module._service, pubsub_module.get_pubsub()
    rules_module.install(state)
    pubsub_module.install(state)  # not started: live updates stay in this process
    notify_module.install(state)
    logging_module.install(state)  # Accept-Language, request ids: as the real app has them
    service = state.services.notify
    app = create_app(state=state, manage_db=False)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://test") as client:
            yield NotifyWorld(state, service, channel, heads, jobs, GraphQLClient(client))
    finally:
        await service.stop()
        notify_module.set_service(previous)
        pubsub_module.set_pubsub(previous_pubsub)


@dataclass
class Place:
    community_id: int
    grid_id: int


_SERIALS = itertools.count(100 + secrets.randbelow(400))
"""Community serials, one per place made in this run (a random draw per call collided now and
then: two places of one tenant with the same code)."""


async def make_place(db: Any, tenant: Any) -> Place:
    serial = next(_SERIALS)
    async with db.scoped(scope_for(tenant), write=True):
        community = Community(tenant_id=tenant.id, name=f"御苑社区{serial}",
                              code=tenant.code[:9] + str(serial), kind="community",
                              created_at=datetime.now(UTC))
        await Community.insert(community)
        grid = Grid(tenant_id=tenant.id, community_id=community.id,
                    code=tenant.code[:9] + str(serial) + "001", name="一网格",
                    created_at=datetime.now(UTC))
        await Grid.insert(grid)
    return Place(community_id=community.id, grid_id=grid.id)


async def make_resident(db: Any, tenant: Any, place: Place, name: str = "张桂兰") -> int:
    now = datetime.now(UTC)
    async with db.scoped(scope_for(tenant), write=True):
        row = Resident(tenant_id=tenant.id, name=name, gender="female",
                       birth_date=date(1941, 3, 8), id_number_cipher="x",
                       id_number_index=secrets.token_hex(16), id_number_masked="3715**********123X",
                       community_id=place.community_id, grid_id=place.grid_id,
                       created_at=now, updated_at=now)
        await Resident.insert(row)
    return int(row.id)


async def link_account(db: Any, account_id: int, resident_id: int, tenant: Any) -> None:
    async with db.transaction():
        await Account.update({Account.resident_id: resident_id,
                              Account.resident_tenant_id: tenant.id}).where(
            Account.id == account_id)


@pytest.fixture
def people() -> Any:
    """The helpers above, for test modules (conftest is not importable under importlib)."""
    from types import SimpleNamespace

    return SimpleNamespace(place=make_place, resident=make_resident, link=link_account)
