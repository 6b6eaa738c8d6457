"""PIPL: one person's canteen data exported; erasure pseudonymises the city registry entry (no
more meals) and keeps the settled meals; a second erase changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import ApiError
from plugins.canteen.services.personal_data import PSEUDONYM, personal_data
from plugins.canteen.tables import Elder


async def test_export_and_erase(city):
    elder = await city.elder("钱淑华", date(1941, 4, 4))
    await city.meal(city.a, elder, date(2024, 4, 4))
    rid = int(elder["resident_id"])
    async with city.read(city.a):
        exported = await personal_data(rid, "export")
    assert exported is not None
    assert exported["registry"][0]["name"] == "钱淑华"
    assert [m["subsidy_fen"] for m in exported["meals"]] == [400]
    async with city.write(city.a):
        assert await personal_data(rid, "erase") == {"registry_pseudonymised": 1}
        assert await personal_data(rid, "erase") == {"registry_pseudonymised": 0}
        exported = await personal_data(rid, "export")
    assert exported["registry"][0]["name"] == PSEUDONYM
    assert len(exported["meals"]) == 1
    async with city.read(city.a):
        row = await Elder.select().where(Elder.id == elder["id"]).first()
    assert elder["id_number_index"] and row["id_number_index"] is None  # no lookup by ID
    with pytest.raises(ApiError):
        await city.meal(city.a, elder, date(2024, 4, 5))
