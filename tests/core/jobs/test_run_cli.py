"""``linli jobs run NAME --node CODE``: a job or cron entry fired on demand for one tenant, in
its own write scope, refused where the plugin is off, ``once_per`` keyed like a scheduled run."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from core.db import bind_tables, set_db
from core.jobs import cli as jobs_cli
from core.jobs.service import CronSpec, JobSpec
from core.plugin import PluginMeta, hookimpl
from core.settings import reset_settings
from tenants.scope import current_scope
from tenants.service import set_plugin_enabled


class OnDemand:
    """A throwaway plugin: a job taking an argument and a once-a-month cron entry, both
    recording (tenant, write node of the scope they ran in, argument)."""

    def __init__(self) -> None:
        self.name = f"ondemand_{secrets.token_hex(3)}"
        self.runs: list[tuple[str, int, int | None, Any]] = []

    async def greet(self, ctx: dict[str, Any], tenant_id: int, who: str = "?",
                    times: int = 1) -> str:
        self.runs.append(("greet", tenant_id, current_scope().write_node, (who, times)))
        return f"hello {who} x{times}"

    async def monthly(self, ctx: dict[str, Any], tenant_id: int) -> None:
        self.runs.append(("monthly", tenant_id, current_scope().write_node, ctx["period"]))

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name=self.name, title_zh="按需", title_en="On demand", version="0.1")

    @hookimpl
    def linli_jobs(self) -> list[Any]:
        return [JobSpec("greet", self.greet)]

    @hookimpl
    def linli_cron_jobs(self) -> list[Any]:
        return [CronSpec("monthly", self.monthly, day=1, hour=3, minute=0, once_per="month")]


@pytest.fixture
def on_demand(linli_env: Any) -> Any:
    plugin = OnDemand()
    linli_env.state.registry.register(plugin)
    yield plugin
    linli_env.state.registry.unregister(plugin.name)


@pytest.fixture
def linli_jobs(linli_env: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Any:
    """``await linli_jobs("run", …)`` runs the real command on the test database (in a thread:
    it runs its own event loop); table bindings are restored afterwards."""

    @click.group()
    def main() -> None:
        pass

    jobs_cli.register(main)
    db = linli_env.state.db
    monkeypatch.setenv("LINLI_DATABASE_URL", linli_env.settings.database_url)
    monkeypatch.setenv("LINLI_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LINLI_SECRET_KEY", linli_env.settings.secret_key)
    monkeypatch.setenv("LINLI_PII_KEY", linli_env.settings.pii_key)
    monkeypatch.delenv("LINLI_REDIS_URL", raising=False)

    # the command builds an app state of its own, which installs its services as the
    # process-wide ones; the session's are put back after each run
    import core.jobs.service as jobs_service
    import core.notify.service as notify_service
    import core.pubsub as pubsub

    held = [(jobs_service, "_running"), (notify_service, "_service"), (pubsub, "_pubsub")]

    async def run(*args: str) -> Result:
        reset_settings()
        saved = [getattr(module, attr) for module, attr in held]
        try:
            return await asyncio.to_thread(CliRunner().invoke, main, ["jobs", *args],
                                           catch_exceptions=False)
        finally:
            bind_tables(db.tables, db.engine)
            set_db(db)
            for (module, attr), value in zip(held, saved):
                setattr(module, attr, value)
            reset_settings()

    return run


async def _enabled(linli_env: Any, factory: Any, plugin: str) -> Any:
    tenant = await factory.tenant()
    async with linli_env.state.db.transaction():
        await set_plugin_enabled(tenant, plugin, True)
    return tenant


async def test_a_job_runs_now_in_the_tenant_s_scope_with_arguments(linli_env, factory, on_demand,
                                                                   linli_jobs):
    tenant = await _enabled(linli_env, factory, on_demand.name)
    out = await linli_jobs("run", f"{on_demand.name}.greet", "--node", tenant.code,
                           "--arg", "who=张三", "--arg", "times=2")
    assert out.exit_code == 0, out.output
    assert "hello 张三 x2" in out.output
    assert on_demand.runs == [("greet", tenant.id, tenant.id, ("张三", 2))]


async def test_a_cron_entry_runs_once_per_period(linli_env, factory, on_demand, linli_jobs):
    tenant = await _enabled(linli_env, factory, on_demand.name)
    name = f"{on_demand.name}.monthly"
    first = await linli_jobs("run", name, "--node", tenant.code)
    assert first.exit_code == 0 and "done" in first.output, first.output
    again = await linli_jobs("run", name, "--node", tenant.code)
    assert again.exit_code == 0 and "skipped" in again.output, again.output
    [(what, tenant_id, write_node, period)] = on_demand.runs
    assert (what, tenant_id, write_node) == ("monthly", tenant.id, tenant.id)
    assert period in again.output


async def test_refused_where_the_plugin_is_off_or_the_node_is_no_tenant(linli_env, factory,
                                                                        on_demand, linli_jobs):
    off = await factory.tenant()
    out = await linli_jobs("run", f"{on_demand.name}.greet", "--node", off.code)
    assert out.exit_code == 1 and "disabled" in out.output and "未" in out.output, out.output
    region = await factory.region()
    out = await linli_jobs("run", f"{on_demand.name}.greet", "--node", region.code)
    assert out.exit_code == 1 and "not a tenant" in out.output, out.output
    out = await linli_jobs("run", "nobody.nothing", "--node", off.code)
    assert out.exit_code == 1 and "no job or cron entry" in out.output
    out = await linli_jobs("run", f"{on_demand.name}.greet", "--node", off.code, "--arg", "x")
    assert out.exit_code == 2 and "KEY=VALUE" in out.output
    assert on_demand.runs == []
