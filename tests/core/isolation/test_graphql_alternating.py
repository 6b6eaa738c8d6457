"""1,000 GraphQL requests alternating between two tenants over a small connection pool leak
nothing: every answer lists only the caller's own residents."""

from __future__ import annotations

import asyncio

from core.demo.people import demo_rows
from core.people.excel import import_rows

REQUESTS = 1000
CONCURRENCY = 20
QUERY = "{ tenant { code } residents(first: 10) { edges { node { name } } } }"


async def _seed(env, tenant, community: str) -> set[str]:
    rows = list(demo_rows(tenant.code, [community], {}, count=3, seed=tenant.id))
    report = await import_rows(env.state.db, tenant, ((i + 2, r) for i, r in enumerate(rows)),
                               None, pii_key=env.settings.pii_key)
    assert report.ok, report.errors
    return {r[0] for r in rows}


async def test_alternating_requests_over_a_small_pool(linli_env, gql, factory):
    a, b = await factory.tenant(), await factory.tenant()
    names = {a.code: await _seed(linli_env, a, "甲社区"), b.code: await _seed(linli_env, b, "乙社区")}
    tokens = {a.code: (await factory.account(a)).token, b.code: (await factory.account(b)).token}
    db = linli_env.state.db
    if db.is_postgres:  # two connections for twenty concurrent requests
        await db.stop()
        await db.start(pool_max=2)
    seen = 0
    try:
        codes = [a.code, b.code] * (REQUESTS // 2)
        for start in range(0, REQUESTS, CONCURRENCY):
            batch = codes[start:start + CONCURRENCY]
            results = await asyncio.gather(*(gql(QUERY, token=tokens[c], node=c) for c in batch))
            for code, result in zip(batch, results, strict=True):
                assert result.get("errors") is None, result
                assert result["data"]["tenant"]["code"] == code
                got = {e["node"]["name"] for e in result["data"]["residents"]["edges"]}
                assert got == names[code], f"tenant {code} saw {got - names[code]}"
                seen += 1
    finally:
        if db.is_postgres:
            await db.stop()
            await db.start()
    assert seen == REQUESTS
