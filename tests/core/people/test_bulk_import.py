"""A first import (and the demo, which seeds through it) writes in multi-row statements: the
statement count does not grow with the rows (issue 8, item 5: the demo seeds fast). The demo
hashes its shared password once, not once per login."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.people.excel import import_rows
from core.people.tables import Household, Resident, ResidentTag
from core.testing import count_statements as counting
from tenants.service import scope_for


def _rows(new_id: Any, n: int) -> list[tuple[int, tuple[str, ...]]]:
    out = []
    for i in range(n):
        birth = date(1940 + i % 50, 1 + i % 12, 1 + i % 28)
        male = i % 2 == 0
        out.append((i + 2, ("居民" + str(i), "男" if male else "女", birth.isoformat(),
                            new_id(birth=birth, male=male), "", "御苑社区", "",
                            f"{1 + (i // 2) % 2}号楼", "", str(100 + i // 2),
                            "户主" if i % 2 == 0 else "配偶", "独居" if i % 3 == 0 else "")))
    return out


async def test_a_first_import_is_a_few_statements(factory, linli_env, new_id, record_property):
    counts = {}
    for n in (40, 360):
        tenant = await factory.tenant()
        with counting(linli_env.state.db.engine) as calls:
            report = await import_rows(linli_env.state.db, tenant, _rows(new_id, n), None,
                                       pii_key=linli_env.settings.pii_key)
        assert report.ok and report.created == n, report.errors
        counts[n] = len(calls)
        async with linli_env.state.db.scoped(scope_for(tenant)):
            assert await Resident.count() == n and await Household.count() == n // 2
            assert await ResidentTag.count() == len(range(0, n, 3))
            heads = await Resident.count().where(Resident.is_head == True)
            assert heads == n // 2  # one head per household
    record_property("statements", counts)
    # 9× the rows: a couple more chunks, never a statement per row
    assert counts[360] <= counts[40] + 8, counts
    assert counts[360] < 60, counts


async def test_the_demo_hashes_its_shared_password_once(linli_env, monkeypatch):
    import core.demo.service as demo
    from core.identity.tables import Account

    calls = []
    real = demo.hash_password_async

    async def counted(password: str, settings: Any) -> str:
        calls.append(password)
        return await real(password, settings)

    monkeypatch.setattr(demo, "hash_password_async", counted)
    logins = [(f"demo-probe-{i}", None, None, "演示", "demo") for i in range(4)]
    monkeypatch.setattr(demo, "_LOGINS", tuple(logins))
    summary = demo.DemoSummary()
    await demo._seed_accounts(linli_env.state, {}, summary)
    assert len(calls) == 1 and len(summary.logins) == 4
    async with linli_env.state.db.transaction(write=False):
        hashes = {r["password_hash"] for r in await Account.select(Account.password_hash).where(
            Account.username.like("demo-probe-%"))}
    assert len(hashes) == 1
