"""The query budget (static cost before execution, a cap per caller kind), the request deadline
and PostgreSQL's statement timeout, (``/health/live`` during the dearest allowed query: tests/core/people/test_health_under_load.py)."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import replace
from pathlib import Path

import pytest
import strawberry
from core.schema.documents import document_cache
from strawberry.types import Info

from core.plugin import PluginMeta, hookimpl
from core.schema.budget import operation_cost
from graphql import OperationDefinitionNode, parse
from tenants.service import set_plugin_enabled

ROOT = Path(__file__).resolve().parents[3]
# the outside test's request: 30 aliases, ~720 tokens, inside depth/alias/token limits
WORST_INNER = ("residents(first:100){edges{node{household{building{households{members"
               "{household{members{name}}}}}}}}}")
WORST = "{" + " ".join(f"a{i}: {WORST_INNER}" for i in range(30)) + "}"
PAGE_INNER = "residents(first:100){edges{node{name household{room members{name}}}}}"


def codes(result):
    return [e.get("extensions", {}).get("code") for e in result.get("errors") or []]


def schema_of(linli_env):
    return linli_env.state.schema._schema


def test_cost_of_the_worst_query(linli_env, record_property):
    cost = operation_cost(schema_of(linli_env), parse(WORST))
    record_property("worst_query_cost", cost)
    # 30 × (1 + 100 × (edges, node, household, building + 200 households × (1 + 10 members ×
    # (household + 10 members × name)))) — far over every cap
    assert cost == 132_612_030
    assert cost > linli_env.settings.query_cost_operator


def test_first_from_variables_and_fragments(linli_env):
    schema = schema_of(linli_env)
    small = operation_cost(schema, parse(
        "query($n: Int!) { residents(first: $n) { edges { node { name } } } }"), None, {"n": 2})
    big = operation_cost(schema, parse(
        "query($n: Int!) { residents(first: $n) { edges { node { name } } } }"), None, {"n": 100})
    assert small == 1 + 2 * 3 and big == 1 + 100 * 3
    spread = operation_cost(schema, parse(
        "query { residents(first: 100) { edges { node { ...R } } } } fragment R on Resident "
        "{ name household { members { name } } }"))
    inline = operation_cost(schema, parse(
        "query { residents(first: 100) { edges { node { name household { members { name } } } }"
        " } }"))
    assert spread == inline


def test_fragment_fan_out_costs_one_visit_each(linli_env):
    """Each fragment spreads the next twice: 2^40 expansions, one visit per fragment."""
    names = [f"F{i}" for i in range(40)]
    frags = " ".join(f"fragment {a} on Tenant {{ code ...{b} ...{b} }}"
                     for a, b in itertools.pairwise(names))
    doc = parse("{ tenant { ...F0 } } " + frags + " fragment F39 on Tenant { code }")
    started = time.perf_counter()
    cost = operation_cost(schema_of(linli_env), doc)
    assert time.perf_counter() - started < 0.5
    assert cost > 2**39


def test_committed_operations_fit_an_account(linli_env):
    """Every operation the console and clients ship (with full pages) is within an account's
    cap, so the budget refuses only queries no client of ours sends."""
    schema, cap = schema_of(linli_env), linli_env.settings.query_cost_account
    costs = {}
    for path in sorted((ROOT / "graphql" / "operations").rglob("*.graphql")):
        doc = parse(path.read_text(encoding="utf-8"))
        for op in doc.definitions:
            if isinstance(op, OperationDefinitionNode) and op.name:
                costs[op.name.value] = operation_cost(schema, doc, op.name.value)
    assert costs and max(costs.values()) <= cap, costs


async def test_worst_query_refused_before_execution(gql, factory, record_property):
    tenant = await factory.tenant()
    worker = await factory.account(tenant, "grid_worker")
    out = await gql(WORST, token=worker.token, node=tenant.code)
    assert out["data"] is None and codes(out) == ["QUERY_TOO_COSTLY"], out
    ext = out["errors"][0]["extensions"]
    assert ext["cost"] == 132_612_030 and ext["cap"] == 25_000
    assert "132612030" in out["errors"][0]["message"] and "25000" in out["errors"][0]["message"]
    record_property("worst_query_cap", ext["cap"])


async def test_caps_by_caller_kind(gql, factory, linli_env):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    # 8 aliases of a full nested page: within an account's cap, over an anonymous caller's
    query = "{" + " ".join(f"p{i}: {PAGE_INNER}" for i in range(8)) + "}"
    cost = operation_cost(schema_of(linli_env), parse(query))
    assert linli_env.settings.query_cost_anonymous < cost <= linli_env.settings.query_cost_account
    assert "QUERY_TOO_COSTLY" not in codes(await gql(query, token=admin.token, node=tenant.code))
    anonymous = await gql(query, node=tenant.code)
    assert codes(anonymous) == ["QUERY_TOO_COSTLY"]
    assert anonymous["errors"][0]["extensions"]["cap"] == 15_000


async def test_budget_keeps_the_validation_cache_hitting(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    cache = document_cache()[1]
    await gql(WORST, token=admin.token, node=tenant.code)
    before = cache.cache_info()
    for _ in range(3):
        assert codes(await gql(WORST, token=admin.token, node=tenant.code)) == \
            ["QUERY_TOO_COSTLY"]
    after = cache.cache_info()
    assert after.hits - before.hits == 3 and after.misses == before.misses


@strawberry.field
async def budget_sleepy(info: Info, seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "awake"


class Sleepy:
    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="budget_sleepy", title_zh="睡", title_en="Sleepy", version="0.1")

    @hookimpl
    def linli_query_fields(self) -> list:
        return [budget_sleepy]


async def test_request_deadline(plugin_gql, linli_env, factory):
    gql = plugin_gql(Sleepy(), settings=replace(linli_env.settings, request_timeout_seconds=0.3))
    tenant = await factory.tenant()
    async with linli_env.state.db.transaction():
        await set_plugin_enabled(tenant, "budget_sleepy", True)
    admin = await factory.account(tenant)
    assert (await gql("{ budgetSleepy(seconds: 0) }", token=admin.token, node=tenant.code)
            )["data"] == {"budgetSleepy": "awake"}
    started = time.perf_counter()
    out = await gql("{ budgetSleepy(seconds: 5) }", token=admin.token, node=tenant.code)
    assert time.perf_counter() - started < 2
    assert out["data"] is None and codes(out) == ["DEADLINE_EXCEEDED"]


async def test_statement_timeout_per_scoped_transaction(linli_env, factory):
    if linli_env.engine != "postgres":
        pytest.skip("PostgreSQL's statement_timeout")
    import asyncpg

    db = linli_env.state.db
    tenant = await factory.tenant()
    old, db.statement_timeout_ms = db.statement_timeout_ms, 200
    try:
        async with db.scoped(factory.scope(tenant)):
            rows = await db.execute("SELECT current_setting('statement_timeout') AS t")
            assert rows[0]["t"] == "200ms"
        with pytest.raises(asyncpg.QueryCanceledError):
            async with db.scoped(factory.scope(tenant)):
                await db.execute("SELECT pg_sleep(2)")
    finally:
        db.statement_timeout_ms = old
    assert linli_env.settings.statement_timeout_ms == 5_000
