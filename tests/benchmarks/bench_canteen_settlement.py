"""Monthly settlement of 1,000,000 meals of one canteen on PostgreSQL (target ≤ 5 s).

Run on demand (benchmarks are not collected by the suite; name the file explicitly)::

    LINLI_TEST_ENGINE=postgres .venv/bin/python -m pytest -q -s -p no:logging \\
        tests/benchmarks/bench_canteen_settlement.py

It builds a city → district → street office with the canteen plugin on and one operating
canteen, inserts N meals of one month (``LINLI_BENCH_MEALS``, default 1,000,000) with
``INSERT … SELECT generate_series`` inside the street office's scope (so row-level security
applies, as for the application role), ANALYZEs, and times ``generate_month`` — the job's
work: two aggregate statements over the (tenant, canteen, month) index plus the claim row —
and checks the totals against the same sums computed by PostgreSQL directly.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from core.plugin import system_access
from plugins.canteen.services import canteens, settlement
from plugins.canteen.tables import Settlement
from tenants.plugins import change_plugin, fire_tenant_enabled
from tenants.service import scope_for

N = int(os.environ.get("LINLI_BENCH_MEALS", "1000000"))


@pytest.mark.postgres_only
async def test_settle_a_million_meals(linli_env, factory):
    db = linli_env.state.db
    city = await factory.region("city", name="聊城市")
    district = await factory.region("district", parent=city)
    node = await factory.tenant(district, name="柳园街道")
    async with db.transaction():
        newly = await change_plugin(node, "canteen", True)
    await fire_tenant_enabled(db, linli_env.state.registry, "canteen", newly)
    async with db.scoped(scope_for(node), write=True):
        row = await canteens.create_canteen(
            system_access(node), name="馨颐颐养中心幸福食堂", kind="new_built",
            elderly_centre=True, operator_name="", address="", slots=["lunch", "dinner"],
            seats=60)
    # the million rows go in as one statement, longer than the application's statement
    # timeout; the timed settlement below runs under the timeout the job has in production
    timeout, db.statement_timeout_ms = db.statement_timeout_ms, 0
    started = time.perf_counter()
    async with db.scoped(scope_for(node), write=True):
        await db.execute(
            "INSERT INTO canteen_meal (tenant_id, canteen_id, elder_id, city_id, served_on, slot,"
            " price_fen, subsidy_fen, self_pay_fen, bracket, unsubsidised_reason, rule_version,"
            " extra_rule_version, cap_rule_version, settle_month, adjustment, source, meal_key,"
            " recorded_at)"
            " SELECT {}, {}, g, {}, DATE '2024-05-01' + (g % 31), 'lunch', 1000,"
            " (ARRAY[200, 400, 0, 300])[1 + g % 4], 1000 - (ARRAY[200, 400, 0, 300])[1 + g % 4],"
            " (ARRAY['age_70_79', 'age_80_plus', '', 'age_70_79+dibao'])[1 + g % 4],"
            " CASE WHEN g % 4 = 2 THEN 'not_eligible' ELSE '' END, 0, 0, 0, '2024-05',"
            " g % 50 = 0, 'import', 'bench:' || g, now()"
            " FROM generate_series(1, {}) AS g",
            node.id, int(row["id"]), city.id, N)
    inserted = time.perf_counter() - started
    db.statement_timeout_ms = timeout
    import asyncpg

    owner = await asyncpg.connect(linli_env.owner_url)   # as autovacuum would: statistics
    try:
        await owner.execute("ANALYZE canteen_meal")
    finally:
        await owner.close()
    async with db.scoped(scope_for(node), write=True):
        started = time.perf_counter()
        written = await settlement.generate_month(node.id, "2024-05")
        elapsed = time.perf_counter() - started
        [claim] = await Settlement.select().where(Settlement.month == "2024-05")
        [hand] = await db.execute(
            "SELECT count(*) AS n, count(*) FILTER (WHERE subsidy_fen > 0) AS s,"
            " coalesce(sum(subsidy_fen), 0) AS fen FROM canteen_meal WHERE canteen_id = {}",
            int(row["id"]))
    if os.environ.get("LINLI_BENCH_EXPLAIN"):
        async with db.scoped(scope_for(node)):
            plan = await db.execute(
                "EXPLAIN ANALYZE SELECT canteen_id, bracket, adjustment, count(*),"
                " sum(subsidy_fen) FROM canteen_meal WHERE tenant_id IN ({}) AND canteen_id"
                " IN ({}) AND settle_month = '2024-05' AND subsidy_fen > 0"
                " GROUP BY canteen_id, bracket, adjustment", node.id, int(row["id"]))
        print("\n".join(r["QUERY PLAN"] for r in plan))
    lines = {x["bracket"]: x for x in json.loads(claim["lines"])}
    print(f"\ncanteen settlement: {N:,} meals inserted in {inserted:.1f} s; "
          f"generate_month {elapsed:.2f} s (statement timeout {timeout} ms)")
    assert written == 1
    assert (claim["meals"], claim["subsidised_meals"], claim["total_fen"]) == (
        hand["n"], hand["s"], hand["fen"])
    assert set(lines) == {"age_70_79", "age_80_plus", "age_70_79+dibao"}
    assert elapsed <= 5.0, elapsed
