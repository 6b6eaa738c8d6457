"""The chain step numbers and hash-chains each tenant's entries; verify detects tampering."""

from __future__ import annotations

import asyncio

import pytest

from core.audit.chain import GENESIS, chain_all, chain_tenant, entry_hash, verify_tenant
from core.audit.service import AuditChainHead, AuditEntry


async def _rows(env, factory, node):
    async with env.state.db.scoped(factory.scope(node)):
        return await AuditEntry.select().order_by(AuditEntry.seq)


async def test_chain_numbers_and_hashes_each_tenant(linli_env, factory, write_entries):
    a, b = await factory.tenant(), await factory.tenant()
    await write_entries(a, 3)
    await write_entries(b, 2)
    assert await chain_all(linli_env.state) >= 5
    rows = await _rows(linli_env, factory, a)
    assert [r["seq"] for r in rows] == [1, 2, 3]
    prev = GENESIS
    for row in rows:
        assert row["hash"] == entry_hash(prev, row, row["seq"])
        prev = row["hash"]
    async with linli_env.state.db.scoped(factory.scope(a)):
        head = await AuditChainHead.select().first()
    assert (head["seq"], head["hash"]) == (3, prev)
    assert [r["seq"] for r in await _rows(linli_env, factory, b)] == [1, 2]
    await write_entries(a, 2)
    assert await chain_tenant(linli_env.state.db, a.id) == 2
    report = await verify_tenant(linli_env.state.db, a.id)
    assert report.ok and report.checked == 5 and report.last_seq == 5


async def test_untouched_chain_verifies(linli_env, factory, write_entries):
    node = await factory.tenant()
    await write_entries(node, 4)
    await chain_tenant(linli_env.state.db, node.id)
    assert (await verify_tenant(linli_env.state.db, node.id)).ok


async def test_edited_row_is_detected(linli_env, factory, write_entries, tamper):
    node = await factory.tenant()
    await write_entries(node, 5)
    await chain_tenant(linli_env.state.db, node.id)
    await tamper(node.id, "UPDATE linli_audit_entry SET summary = ? WHERE tenant_id = ? AND seq = ?",
                 '{"n": 99}', node.id, 3)
    report = await verify_tenant(linli_env.state.db, node.id)
    assert not report.ok and report.broken_seq == 3 and "hash" in report.problem


async def test_deleted_row_is_detected(linli_env, factory, write_entries, tamper):
    node = await factory.tenant()
    await write_entries(node, 5)
    await chain_tenant(linli_env.state.db, node.id)
    await tamper(node.id, "DELETE FROM linli_audit_entry WHERE tenant_id = ? AND seq = ?",
                 node.id, 2)
    report = await verify_tenant(linli_env.state.db, node.id)
    assert not report.ok and report.broken_seq == 2 and "missing" in report.problem


async def test_deleted_tail_is_detected(linli_env, factory, write_entries, tamper):
    node = await factory.tenant()
    await write_entries(node, 4)
    await chain_tenant(linli_env.state.db, node.id)
    await tamper(node.id, "DELETE FROM linli_audit_entry WHERE tenant_id = ? AND seq = ?",
                 node.id, 4)
    report = await verify_tenant(linli_env.state.db, node.id)
    assert not report.ok and report.broken_seq == 4


async def test_reordered_rows_are_detected(linli_env, factory, write_entries, tamper):
    node = await factory.tenant()
    await write_entries(node, 4)
    await chain_tenant(linli_env.state.db, node.id)
    # swap the positions of entries 2 and 3 (through a free seq, the pair is unique)
    for old, new in ((2, -1), (3, 2), (-1, 3)):
        await tamper(node.id, "UPDATE linli_audit_entry SET seq = ? WHERE tenant_id = ? AND seq = ?",
                     new, node.id, old)
    report = await verify_tenant(linli_env.state.db, node.id)
    assert not report.ok and report.broken_seq == 2


async def test_concurrent_writers_all_get_chained_in_order(linli_env, factory, write_entries):
    nodes = [await factory.tenant(), await factory.tenant()]
    done = asyncio.Event()

    async def chainer() -> None:
        while not done.is_set():
            await chain_all(linli_env.state)
            await asyncio.sleep(0)

    async def writer(i: int) -> None:
        for _ in range(3):
            await write_entries(nodes[i % 2], 2)

    chaining = asyncio.create_task(chainer())
    await asyncio.gather(*(writer(i) for i in range(12)))
    done.set()
    await chaining
    await chain_all(linli_env.state)
    for node in nodes:
        rows = await _rows(linli_env, factory, node)
        assert [r["seq"] for r in rows] == list(range(1, 37))
        assert (await verify_tenant(linli_env.state.db, node.id)).ok


async def test_chain_step_is_a_core_cron(linli_env, factory, write_entries):
    jobs = linli_env.state.services.jobs
    spec = jobs.crons["audit.chain"]
    assert spec.per_tenant is False and spec.second == 0 and spec.minute is None
    node = await factory.tenant()
    await write_entries(node, 2)
    assert await spec.func({"state": linli_env.state}, None) >= 2
    assert (await verify_tenant(linli_env.state.db, node.id)).last_seq == 2


@pytest.mark.postgres_only
async def test_writers_do_not_wait_for_a_running_chain_step(linli_env, factory, write_entries):
    from core.audit.chain import _lock, _tenant_scope

    node = await factory.tenant()
    db = linli_env.state.db
    holding, release = asyncio.Event(), asyncio.Event()

    async def hold_the_chain() -> None:
        async with db.scoped(_tenant_scope(node.id), write=True):
            await _lock(db, node.id)
            await AuditChainHead.select().first()
            holding.set()
            await release.wait()

    task = asyncio.create_task(hold_the_chain())
    await holding.wait()
    try:  # the guard only turns a deadlock into a failure; writers never take the chain lock
        await asyncio.wait_for(write_entries(node, 3), timeout=60)
    finally:
        release.set()
        await task
    assert await chain_tenant(db, node.id) == 3
