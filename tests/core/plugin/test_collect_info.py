"""``collect_resident_info``: the one write a plugin makes to a resident record (信息采集) —
validated like ``updateResident``, audited as ``people.update_resident`` naming the plugin,
limited to the collectable fields and to residents in the scope."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core import plugin as api
from core.audit.service import AuditEntry
from core.people.tables import Resident
from tenants.service import scope_for
from tests.core.plugin.test_read_api import town


async def test_collected_info_is_written_validated_and_audited(linli_env: Any,
                                                               factory: Any) -> None:
    mine, theirs = await town(linli_env, factory), await town(linli_env, factory)
    resident = mine["residents"][1]
    db = linli_env.state.db
    async with db.scoped(scope_for(mine["node"]), write=True):
        rec, changed = await api.collect_resident_info(
            resident.id, {"phone": "13912345678", "tags_added": ["长期空巢"]},
            account_id=None, source="building_heads")
        assert "tags" in changed and "phone_index" in changed
        assert rec.phone_masked and rec.phone_masked.startswith("139")
        tags = await api.resident_tags([resident.id])
        assert tags[resident.id] == ["long_term_empty_nest"]
        _, again = await api.collect_resident_info(
            resident.id, {"tags_removed": ["长期空巢"], "phone": None}, account_id=None,
            source="building_heads")
        assert set(again) >= {"tags", "phone_index"}
    async with db.scoped(scope_for(mine["node"])):
        row = await Resident.select().where(Resident.id == resident.id).first()
        audit = await AuditEntry.select().where(
            AuditEntry.action == "people.update_resident").order_by(AuditEntry.id)
    assert row["phone_masked"] is None
    assert [json.loads(a["summary"])["source"] for a in audit] == ["building_heads"] * 2
    async with db.scoped(scope_for(mine["node"]), write=True):
        with pytest.raises(api.ApiError) as bad:
            await api.collect_resident_info(resident.id, {"phone": "12"}, account_id=None,
                                            source="x")
        assert bad.value.code == "INVALID_ARGUMENT"
        with pytest.raises(api.ApiError) as name:
            await api.collect_resident_info(resident.id, {"name": "改名"}, account_id=None,
                                            source="x")
        assert name.value.code == "INVALID_ARGUMENT" and name.value.field == "name"
        with pytest.raises(api.ApiError) as other:
            await api.collect_resident_info(theirs["residents"][0].id, {"relation": "子女"},
                                            account_id=None, source="x")
        assert other.value.code == "NOT_FOUND"
