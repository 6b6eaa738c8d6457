"""pytest plugin (entry point ``pytest11``): fixtures for core's tests and plugin authors.

The engine is chosen per test process by ``LINLI_TEST_ENGINE`` (``sqlite``, the default, or
``postgres``); piccolo caches each table's engine, so the suite runs once per engine. On
PostgreSQL every run creates its own database and roles (see ``core.testing.pg``) and drops them.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click.testing
import httpx
import pytest
from click.testing import CliRunner

import core.db as db_module
import core.jobs.service as jobs_service
import core.notify.service as notify_service
from core.app import AppState, build_state, create_app, start_state, stop_state
from core.cli import _Main
from core.db import Database, bind_tables, set_db
from core.dbsetup import create_tables_directly
from core.identity.passwords import hash_password
from core.identity.roles import RoleBook
from core.identity.tables import Account, Membership
from core.identity.tokens import issue_access_token
from core.migrate import pending_changes
from core.notify.service import Notification
from core.registry import Registry, get_registry, set_registry
from core.schema.compose import build_schema
from core.settings import Settings, reset_settings
from core.testing.isolation import probe_isolation
from core.testing.pg import PostgresTestDatabase
from core.testing.places import PlacesFactory, id_number
from tenants.plugins import change_plugin, fire_tenant_enabled
from tenants.service import create_node, scope_for

__all__ = ["PYTEST_SETTINGS", "Factory", "GraphQLClient", "TestAccount", "TestEnv", "count_statements", "id_number",
           "missing_settings", "pending_migrations", "probe_isolation"]

PYTEST_SETTINGS: dict[str, str] = {
    "asyncio_mode": "auto",
    "asyncio_default_fixture_loop_scope": "session",
    "asyncio_default_test_loop_scope": "session",
}
"""The pytest-asyncio settings a plugin's ``[tool.pytest.ini_options]`` needs: the session
fixtures (app, database pools) live on one event loop, so every test must run on it too."""


async def pending_migrations(app_name: str) -> list[str]:
    """The statements a new migration of piccolo app ``app_name`` (a plugin's ``APP_CONFIG``)
    would hold: empty while the committed migrations match the table classes. A plugin's tests
    assert it is empty (with ``linli_env`` requested, so the registry is loaded); when not, run
    ``linli make-migration APP`` and commit the file."""

    return await pending_changes(app_name, get_registry())


def engine_name() -> str:
    return os.environ.get("LINLI_TEST_ENGINE", "sqlite")


def pytest_report_header(config: Any) -> list[str]:
    return [f"linli test engine: {engine_name()}"]


def pytest_configure(config: Any) -> None:
    # every shaped select is built again and compared with its kept SQL (core.db.fetch_shaped)
    db_module.CHECK_SHAPES = True
    config.addinivalue_line("markers", "postgres_only: runs only on the PostgreSQL engine")
    config.addinivalue_line("markers", "sqlite_only: runs only on the SQLite engine")
    config.addinivalue_line("markers", "browser: a page in headless Chromium; runs on one "
                                       "engine (browser_engine picks it)")


def missing_settings(config: Any) -> list[str]:
    """The ``PYTEST_SETTINGS`` lines this run lacks (``--asyncio-mode`` counts as set)."""
    missing = []
    for key, value in PYTEST_SETTINGS.items():
        got = config.getoption(key, None) if key == "asyncio_mode" else None
        if str(got or config.getini(key)) != value:
            missing.append(f'{key} = "{value}"')
    return missing


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if any("linli_env" in getattr(item, "fixturenames", ()) for item in items) and \
            (missing := missing_settings(config)):
        # pytest's ini values cannot be set from a plugin through its public API, so the kit
        # names what to add instead of letting the tests fail on a foreign event loop
        raise pytest.UsageError(
            "Linli 的测试夹具需要以下 pytest 设置 / Linli's test fixtures need these pytest "
            "settings (pyproject.toml [tool.pytest.ini_options]; core.testing.PYTEST_SETTINGS): "
            + "; ".join(missing))
    engine = engine_name()
    for item in items:
        if engine != "postgres" and item.get_closest_marker("postgres_only"):
            item.add_marker(pytest.mark.skip(reason="PostgreSQL-only test (engine is sqlite)"))
        if engine != "sqlite" and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="SQLite-only test (engine is postgres)"))
        if item.get_closest_marker("browser") and browser_engine(item.nodeid) != engine:
            item.add_marker(pytest.mark.skip(
                reason=f"browser test: runs on the {browser_engine(item.nodeid)} engine"))


def browser_engine(nodeid: str) -> str:
    """The one engine a browser test runs on. A page reads the same API on either engine,
    which every API test covers on both; so each browser test (the slowest tests, tens of
    seconds each) runs once, half of them on each engine by a stable hash of its id, and
    ``make test``, which runs the two engines side by side, still runs every one. The salt is
    the one that, with the browser tests' durations measured on 2026-11-28, leaves the two
    runs about even (PostgreSQL's also holds the plugins' fast-path proofs)."""
    return ("sqlite", "postgres")[zlib.crc32(f"{BROWSER_SALT}{nodeid}".encode()) % 2]


BROWSER_SALT = 133


def _test_settings(database_url: str, tmp: Path, **over: Any) -> Settings:
    base = Settings(
        env="test", database_url=database_url, secret_key=secrets.token_urlsafe(32),
        pii_key=secrets.token_urlsafe(32), password_memory_kib=64, password_time_cost=1,
        var_dir=str(tmp), redis_url=os.environ.get("LINLI_TEST_REDIS_URL", ""),
        job_queue=f"linli-test:{secrets.token_hex(6)}", jobs_in_process=False,
    )
    return replace(base, **over)


@dataclass
class TestEnv:
    """What the session fixture set up: settings, app state, and (PostgreSQL) the owner URL."""

    settings: Settings
    state: AppState
    engine: str
    owner_url: str | None = None
    pg: Any = None

    async def create_tables(self, tables: list[Any]) -> None:
        """Create tables of a throwaway plugin (and, on PostgreSQL, their RLS and grants)."""
        self.state.db.add_tables(tables)
        if self.pg is not None:
            await self.pg.create_extra_tables(tables)
        else:

            await create_tables_directly(self.state.db, tables)


@pytest.fixture(scope="session")
async def linli_env() -> AsyncIterator[TestEnv]:
    engine = engine_name()
    tmp = Path(tempfile.mkdtemp(prefix="linli-test-"))
    registry = Registry()
    registry.load_entrypoints()
    set_registry(registry)
    pg = None
    if engine == "postgres":

        pg = await PostgresTestDatabase.create(registry)
        settings = _test_settings(pg.app_url, tmp, migrate_database_url=pg.owner_url)
    else:
        settings = _test_settings(f"sqlite:///{tmp}/test.sqlite3", tmp)
    state = None
    try:  # whatever fails below, this run's PostgreSQL database and roles are dropped
        state = build_state(settings, registry, Database(settings.database_url))
        await start_state(state)
        yield TestEnv(settings=settings, state=state, engine=engine,
                      owner_url=pg.owner_url if pg else None, pg=pg)
    finally:
        if state is not None:
            await stop_state(state)
        if pg is not None:
            await pg.drop()


@pytest.fixture(scope="session")
async def linli_app(linli_env: TestEnv) -> AsyncIterator[Any]:
    app = create_app(state=linli_env.state, manage_db=False)
    yield app


class GraphQLClient:
    """Posts GraphQL to the app in-process (httpx ASGITransport)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(self, query: str, variables: dict[str, Any] | None = None, *,
                       token: str | None = None, node: str | None = None,
                       headers: dict[str, str] | None = None) -> dict[str, Any]:
        h = dict(headers or {})
        if token:
            h["Authorization"] = f"Bearer {token}"
        if node:
            h["X-Linli-Node"] = node
        resp = await self.http.post("/graphql", json={"query": query, "variables": variables or {}},
                                    headers=h)
        assert resp.status_code == 200, resp.text
        return resp.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
async def http(linli_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=linli_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture(scope="session")
async def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture(scope="session")
def event_loop_policy() -> Iterator[asyncio.AbstractEventLoopPolicy]:
    yield asyncio.DefaultEventLoopPolicy()


_used_codes: set[str] = set()


def _unique_digits(n: int) -> str:
    """``n`` digits 1–9 never handed out before (tests build their own codes with these); the
    factory's codes always contain a 0 in the same place, so the two never collide."""
    for _ in range(10 * 9**n):
        value = "".join(secrets.choice("123456789") for _ in range(n))
        if value not in _used_codes:
            _used_codes.add(value)
            return value
    raise RuntimeError(f"test digits of length {n} used up")


def _unique_code(prefix: str, n: int, suffix: str) -> str:
    """``prefix`` + ``n`` digits containing a 0 (but not all zeros) + ``suffix``, never handed
    out twice in this process; raises instead of looping forever when the space is used up."""
    for _ in range(10 * 10**n):
        digits = "".join(secrets.choice("0123456789") for _ in range(n))
        code = prefix + digits + suffix
        if "0" in digits and digits.strip("0") and code not in _used_codes:
            _used_codes.add(code)
            return code
    raise RuntimeError(f"test codes under {prefix!r} used up")


class Factory(PlacesFactory):
    """Builds tenants, accounts, tokens, places and residents for tests; every call makes
    fresh, unique rows."""

    def __init__(self, env: TestEnv) -> None:
        self.env = env

    async def region(self, kind: str = "district", parent: Any = None, name: str = "测试区") -> Any:

        async with self.env.state.db.transaction():
            if parent is None and kind != "city":
                parent = await self.region("city", name="测试市")
            if kind == "city":
                code = _unique_code("8", 5, "000000")  # ~41,000 test cities per run
            else:
                code = _unique_code(parent.code[:4], 2, "000000")
            return await create_node(kind, code, name, parent)

    async def tenant(self, region: Any = None, kind: str = "street", name: str = "测试街道") -> Any:

        region = region or await self.region()
        async with self.env.state.db.transaction():
            return await create_node(kind, _unique_code(region.code[:6], 3, "000"), name,
                                     region)

    async def account(self, node: Any = None, role: str | None = "tenant_admin", *,
                      place_kind: str | None = None, place_id: int | None = None,
                      operator: bool = False, username: str | None = None,
                      password: str | None = None, name: str = "测试用户") -> TestAccount:
        """An account with a membership (``role`` at ``node``) and a 15-minute token;
        ``password`` lets it sign in through ``login`` (a browser test's console sign-in)."""
        from datetime import UTC, datetime

        async with self.env.state.db.transaction():
            account = Account(username=username or f"u{secrets.token_hex(6)}",
                              display_name=name, is_operator=operator,
                              password_hash=hash_password(password, self.env.settings)
                              if password else "", created_at=datetime.now(UTC))
            await account.save()
            if node is not None and role is not None:
                await Membership.insert(Membership(account_id=account.id, node_id=node.id,
                                                   role=role, place_kind=place_kind,
                                                   place_id=place_id))
        token, _, _ = issue_access_token(account.id, self.env.settings.secret_key, 900)
        return TestAccount(id=account.id, token=token, node_code=node.code if node else None,
                           username=str(account.username))

    async def grant(self, account: TestAccount, node: Any, role: str, *,
                    place_kind: str | None = None, place_id: int | None = None) -> None:
        async with self.env.state.db.transaction():
            await Membership.insert(Membership(account_id=account.id, node_id=node.id, role=role,
                                               place_kind=place_kind, place_id=place_id))

    def scope(self, node: Any) -> Any:

        return scope_for(node)


@dataclass
class TestAccount:
    id: int
    token: str
    node_code: str | None
    username: str = ""


@pytest.fixture
def factory(linli_env: TestEnv) -> Factory:
    return Factory(linli_env)


@pytest.fixture
async def plugin_gql(linli_env: TestEnv) -> AsyncIterator[Callable[..., GraphQLClient]]:
    """``plugin_gql(*plugins, settings=None)`` → a GraphQL client on a fresh app whose registry
    has the installed plugins plus ``plugins`` (throwaway plugin objects); the client's
    ``.registry`` is that registry. The session app is left alone."""
    clients: list[httpx.AsyncClient] = []

    def make(*plugins: object, settings: Any = None) -> GraphQLClient:
        registry = Registry()
        registry.load_entrypoints()
        for plugin in plugins:
            registry.register(plugin)
        registry.check()
        settings = settings or linli_env.settings
        state = AppState(settings=settings, db=linli_env.state.db, registry=registry,
                         rolebook=RoleBook.from_registry(registry),
                         schema=build_schema(registry, production=settings.is_production))
        client = httpx.AsyncClient(transport=httpx.ASGITransport(
            app=create_app(state=state, manage_db=False)), base_url="http://test")
        clients.append(client)
        gql = GraphQLClient(client)
        gql.registry = registry  # type: ignore[attr-defined]
        return gql

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def enable_plugin(linli_env: TestEnv) -> Callable[..., Any]:
    """``await enable_plugin(node, "canteen", enabled=True)``: switch a plugin at ``node`` (a
    region switches every tenant below) and, as in production, run ``linli_tenant_enabled``
    for each tenant newly switched on."""

    async def enable(node: Any, plugin: str, enabled: bool = True) -> None:
        async with linli_env.state.db.transaction():
            newly = await change_plugin(node, plugin, enabled)
        await fire_tenant_enabled(linli_env.state.db, linli_env.state.registry, plugin, newly)

    return enable


@pytest.fixture
def run_linli(linli_env: TestEnv, monkeypatch: pytest.MonkeyPatch,
              tmp_path: Path) -> Callable[..., Any]:
    """``await run_linli("canteen", "import-meals", path, "--node", code)`` → click's ``Result``
    of the ``linli`` command line run on a thread against the test database, as its own process
    would run it: a fresh root group (plugins mounted on first use), the settings from the
    environment, no job or notification service of the test's loop (all put back after)."""
    held = [(jobs_service, "_running"), (notify_service, "_service")]
    db = linli_env.state.db
    monkeypatch.setenv("LINLI_DATABASE_URL", linli_env.settings.database_url)
    monkeypatch.setenv("LINLI_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LINLI_SECRET_KEY", linli_env.settings.secret_key)
    monkeypatch.setenv("LINLI_PII_KEY", linli_env.settings.pii_key)

    async def run(*args: str) -> click.testing.Result:
        reset_settings()
        saved = [getattr(module, attr) for module, attr in held]
        for module, attr in held:
            setattr(module, attr, None)
        try:
            return await asyncio.to_thread(CliRunner().invoke,
                                           _Main(name="linli"), list(args))
        finally:
            bind_tables(db.tables, db.engine)
            set_db(db)
            for (module, attr), value in zip(held, saved, strict=True):
                setattr(module, attr, value)
            reset_settings()

    return run


@pytest.fixture
def run_cron(linli_env: TestEnv) -> Callable[..., Any]:
    """``await run_cron("canteen.settle", tenant, period=None, **kwargs)`` → a
    ``core.jobs.service.RunOutcome``: the job or cron entry run now for one tenant by the real
    runner (own write scope; ``refused`` where the plugin is off; ``skipped`` when its
    ``once_per`` key for the period is held)."""

    async def run(name: str, node: Any, *, period: str | None = None, **kwargs: Any) -> Any:
        jobs = linli_env.state.services.jobs
        assert jobs is not None, "the test app installs the job service"
        return await jobs.run_now(name, node.id if node is not None else None, period=period,
                                  **kwargs)

    return run


@pytest.fixture
def drain(linli_env: TestEnv) -> Callable[..., Any]:
    """``await drain()`` → how many jobs and event batches ran: runs every queued job and
    delivers every pending event, repeating until both are quiet (a job may emit, a handler
    may queue). Tests build their own tenants, so draining everything is draining theirs."""

    async def run(rounds: int = 10) -> int:
        jobs = linli_env.state.services.jobs
        events = linli_env.state.services.events
        assert jobs is not None and events is not None, "the test app installs both"
        total = 0
        for _ in range(rounds):
            ran = await jobs.drain() + await events.dispatch_pending()
            total += ran
            if not ran:
                break
        return total

    return run


@pytest.fixture
def emitted_events(linli_env: TestEnv) -> Callable[..., Any]:
    """``await emitted_events(tenant, "canteen.meal_served")`` → the tenant's events (newest
    first) as ``core.events.dispatch.EventInfo`` (``.payload`` JSON text, ``.data`` parsed is
    ``json.loads(e.payload)``, ``.state`` pending/delivered/parked)."""

    async def events(node: Any, event_type: str | None = None, limit: int = 100) -> list[Any]:
        service = linli_env.state.services.events
        assert service is not None, "the test app installs the event service"
        return list(await service.events(event_type=event_type, tenant_ids=[node.id],
                                         limit=limit))

    return events


@pytest.fixture
def notifications(linli_env: TestEnv) -> Callable[..., Any]:
    """``await notifications(tenant, account, kind=None)`` → the in-app notifications
    ``account`` (a ``TestAccount`` or an id) received from ``tenant``, oldest first, as rows."""

    async def rows(node: Any, account: Any, kind: str | None = None) -> list[dict[str, Any]]:
        account_id = getattr(account, "id", account)
        async with linli_env.state.db.scoped(scope_for(node)):
            query = Notification.select().where(Notification.account_id == account_id)
            if kind is not None:
                query = query.where(Notification.kind == kind)
            return list(await query.order_by(Notification.id))

    return rows


@pytest.fixture
def isolation_probe(linli_env: TestEnv, factory: Factory) -> Callable[..., Any]:
    """``await isolation_probe([MyTable, …])`` → probes run: another tenant can neither read,
    count, update, delete nor forge the rows of each table (``core.testing.isolation``)."""

    async def probe(tables: list[Any]) -> int:
        return await probe_isolation(linli_env, factory, tables)

    return probe



@contextmanager
def count_statements(engine: Any) -> Iterator[list[str]]:
    """``with count_statements(linli_env.state.db.engine) as calls:`` — the SQL statements the
    engine ran inside (first 80 characters each), for statement-count tests (a list query's count
    is the same for ``first: 10`` and ``first: 100``). Patched on the class: the engine's
    attributes are slots."""
    calls: list[str] = []
    cls = type(engine)
    original = cls.run_querystring

    async def counted(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        if self is engine:
            calls.append(str(querystring)[:80])
        return await original(self, querystring, *args, **kwargs)

    cls.run_querystring = counted
    try:
        yield calls
    finally:
        cls.run_querystring = original
