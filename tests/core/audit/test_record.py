"""record()/record_many() append entries; plugin actions must be declared; retention."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from core.audit import service as audit
from core.audit.chain import chain_tenant, verify_tenant
from core.audit.retention import MIN_RETENTION_DAYS, purge_tenant
from core.audit.service import AuditActionError, AuditEntry, AuditItem
from core.errors import ApiError
from core.plugin import PluginMeta, hookimpl


async def test_record_keeps_who_what_and_request_id(linli_env, factory):
    node = await factory.tenant()
    token = audit.request_id_var.set("req-abc")
    try:
        async with linli_env.state.db.scoped(factory.scope(node), write=True):
            await audit.record("people.update_resident", account_id=7, object_type="resident",
                               object_id=42, summary={"fields": ["phone"]},
                               before={"phone": "138****0000"}, after={"phone": "139****0000"})
            row = await AuditEntry.select().first()
    finally:
        audit.request_id_var.reset(token)
    assert row["tenant_id"] == node.id and row["account_id"] == 7
    assert (row["action"], row["object_type"], row["object_id"]) == (
        "people.update_resident", "resident", "42")
    assert json.loads(row["summary"]) == {"fields": ["phone"], "before": {"phone": "138****0000"},
                                          "after": {"phone": "139****0000"}}
    assert row["request_id"] == "req-abc" and row["at"] is not None and row["seq"] is None


async def test_record_many_appends_all(linli_env, factory):
    node = await factory.tenant()
    items = [AuditItem("people.reveal_pii", 3, "resident", i, {"fields": ["idNumber"]})
             for i in range(5)]
    async with linli_env.state.db.scoped(factory.scope(node), write=True):
        assert await audit.record_many(items) == 5
        assert await audit.record_many([]) == 0
        rows = await AuditEntry.select().order_by(AuditEntry.id)
    assert [r["object_id"] for r in rows] == ["0", "1", "2", "3", "4"]


class _Plugin:
    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="auditdemo", title_zh="审计演示", title_en="Audit demo",
                          version="1.0", audit_actions=("auditdemo.thing_done",))


async def test_plugin_actions_must_be_declared(linli_env, factory):
    registry = linli_env.state.registry
    registry.register(_Plugin(), "auditdemo")
    try:
        node = await factory.tenant()
        async with linli_env.state.db.scoped(factory.scope(node), write=True):
            await audit.record("auditdemo.thing_done", account_id=None)
            with pytest.raises(AuditActionError):
                await audit.record("auditdemo.undeclared", account_id=None)
            await audit.record("somecore.anything", account_id=None)  # core stays free-form
    finally:
        registry.unregister("auditdemo")


async def test_purge_refuses_younger_than_six_months(linli_env, factory):
    node = await factory.tenant()
    with pytest.raises(ApiError) as refused:
        await purge_tenant(linli_env.state.db, node.id, older_than_days=MIN_RETENTION_DAYS - 1)
    assert refused.value.code == "INVALID_ARGUMENT" and "183" in refused.value.en
    assert MIN_RETENTION_DAYS == 183


async def test_purge_removes_only_old_entries_and_chain_still_verifies(linli_env, factory):
    node = await factory.tenant()
    now = datetime.now(UTC)
    ages = [400, 300, 200, 100, 10]  # days
    async with linli_env.state.db.scoped(factory.scope(node), write=True):
        for age in ages:
            await AuditEntry.insert(AuditEntry(tenant_id=node.id, action="people.export",
                                               summary="{}", at=now - timedelta(days=age)))
    await chain_tenant(linli_env.state.db, node.id)
    assert await purge_tenant(linli_env.state.db, node.id, older_than_days=183) == 3
    async with linli_env.state.db.scoped(factory.scope(node)):
        left = await AuditEntry.select().order_by(AuditEntry.id)
    assert [r["seq"] for r in left if r["action"] == "people.export"] == [4, 5]
    assert [r["action"] for r in left if r["seq"] is None] == ["audit.purge"]
    await chain_tenant(linli_env.state.db, node.id)
    report = await verify_tenant(linli_env.state.db, node.id)
    assert report.ok and report.last_seq == 6 and report.checked == 3
    # nothing younger than the minimum is ever removed, even when asked for exactly 183 days
    assert await purge_tenant(linli_env.state.db, node.id, older_than_days=183) == 0
