"""The plugin API's personal-data helpers: sealing a plugin's own personal fields at rest, and
finding residents by 身份证号 through the blind index, inside the scope only."""

from __future__ import annotations

from datetime import date

from core.people.residents import apply_resident, make_resident_data
from core.plugin import mask_text, open_personal, residents_by_id_numbers, seal_personal
from core.testing import id_number
from tenants.service import scope_for


def test_seal_and_open(linli_env):
    sealed = seal_personal('{"weight_kg": 61}')
    assert sealed.startswith("v1:") and "weight" not in sealed
    assert sealed != seal_personal('{"weight_kg": 61}')          # a fresh nonce each time
    assert open_personal(sealed) == '{"weight_kg": 61}'
    assert open_personal("") == ""
    assert mask_text("张三丰") == "张**" and mask_text("") == ""


async def test_residents_by_id_numbers_in_scope_only(linli_env, factory):
    a, b = await factory.tenant(), await factory.tenant()
    numbers = {}
    for node in (a, b):
        household = (await factory.place(node)).household
        number = id_number(date(1985, 6, 1), male=True)
        async with linli_env.state.db.scoped(scope_for(node), write=True):
            rec, _ = await apply_resident(make_resident_data(
                name="赵某", id_number=number, household=household, relation="其他", tags=[]),
                linli_env.settings.pii_key)
        numbers[node.id] = (number, rec.id)
    mine, theirs = numbers[a.id], numbers[b.id]
    async with linli_env.state.db.scoped(scope_for(a)):
        found = await residents_by_id_numbers([mine[0].lower(), theirs[0], "", "nonsense"])
    assert list(found) == [mine[0].lower()] and found[mine[0].lower()].id == mine[1]
    assert "*" in found[mine[0].lower()].id_number_masked
