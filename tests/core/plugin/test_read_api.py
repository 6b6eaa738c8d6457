"""The plugin API's read access and helpers, used the way a plugin uses them: scoped to one
tenant, masked, batched, read-only; memberships granted and revoked idempotently; enablement
answered with core's rule."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core import plugin as api
from core.identity.tables import Account
from core.people import places
from core.people.residents import apply_resident, make_resident_data
from core.plugin import RuleKey
from tenants.plugins import change_plugin
from tenants.service import scope_for

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(birth: date, seq: int) -> str:
    body = f"371502{birth:%Y%m%d}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS)) % 11]


async def town(env: Any, factory: Any, region: Any = None) -> dict[str, Any]:
    """A tenant with a community, a compound, a grid, two buildings, a household each and a
    resident in each household (the first tagged)."""
    node = await factory.tenant(region)
    out: dict[str, Any] = {"node": node, "buildings": [], "households": [], "residents": []}
    async with env.state.db.scoped(scope_for(node), write=True):
        community = await places.new_community("御苑社区")
        compound = await places.ensure_compound(community, "新纺苑小区")
        grid = await places.new_grid(community, "第一网格")
        out.update(community=community, compound=compound, grid=grid)
        for b in range(2):
            building, _ = await places.ensure_building(community, f"{b + 1}号楼", grid=grid,
                                                       compound=compound if b == 0 else None)
            household, _ = await places.ensure_household(building, f"{b + 1}01")
            data = make_resident_data(name=f"张{b}", id_number=id_number(date(1960, 3, 1),
                                                                         100 + b * 2 + 1),
                                      household=household, relation="户主",
                                      tags=["党员"] if b == 0 else [])
            resident, _ = await apply_resident(data, env.settings.pii_key)
            out["buildings"].append(building)
            out["households"].append(household)
            out["residents"].append(resident)
    return out


async def test_places_are_scoped_batched_and_named(linli_env: Any, factory: Any) -> None:
    mine, theirs = await town(linli_env, factory), await town(linli_env, factory)
    b0, b1 = mine["buildings"]
    async with linli_env.state.db.scoped(scope_for(mine["node"])):
        got = await api.get_building(b0.id)
        assert isinstance(got, api.BuildingRec) and got.name == "1号楼"
        assert got.compound_id == mine["compound"].id
        assert await api.get_building(theirs["buildings"][0].id) is None  # another tenant's
        both = await api.buildings_by_ids([b0.id, b1.id, theirs["buildings"][0].id])
        assert sorted(both) == [b0.id, b1.id]
        in_compound = await api.buildings_in(compound_ids=[mine["compound"].id])
        assert [b.id for b in in_compound] == [b0.id]
        assert len(await api.buildings_in()) == 2
        assert [g.id for g in await api.grids_of_community(mine["community"].id)] == [
            g.id for g in await api.grids_of_community(mine["community"].id)]
        assert (await api.get_household(mine["households"][1].id)).room == "201"  # type: ignore[union-attr]
        assert (await api.households_by_ids([mine["households"][0].id]))[
            mine["households"][0].id].building_id == b0.id
        assert await api.place_names("building", [b0.id, b1.id, theirs["buildings"][1].id]) \
            == {b0.id: "1号楼", b1.id: "2号楼"}
        assert (await api.get_community(mine["community"].id)).name == "御苑社区"  # type: ignore[union-attr]
        assert (await api.get_compound(mine["compound"].id)).name == "新纺苑小区"  # type: ignore[union-attr]
        assert (await api.get_grid(mine["grid"].id)).name == "第一网格"  # type: ignore[union-attr]
        with pytest.raises(ValueError):
            await api.place_names("account", [1])


async def test_residents_are_masked_and_searchable(linli_env: Any, factory: Any) -> None:
    mine = await town(linli_env, factory)
    r0, r1 = mine["residents"]
    async with linli_env.state.db.scoped(scope_for(mine["node"])):
        info = await api.get_resident(r0.id)
        assert isinstance(info, api.ResidentInfo)
        assert "*" in info.id_number_masked and not hasattr(info, "id_number_cipher")
        assert info.building_id == mine["buildings"][0].id
        assert sorted(await api.residents_by_ids([r0.id, r1.id])) == sorted([r0.id, r1.id])
        assert [r.id for r in await api.residents_in(building_ids=[mine["buildings"][1].id])] \
            == [r1.id]
        assert [r.id for r in await api.search_residents(name="张1")] == [r1.id]
        assert [r.id for r in await api.search_residents(tag="party_member")] == [r0.id]
        assert [r.id for r in await api.search_residents(name="%")] == []  # no wildcard
        page = await api.search_residents(first=1)
        assert len(page) == 2  # first + 1: there is a next page
        assert await api.resident_tags([r0.id, r1.id]) == {r0.id: ["party_member"]}


async def test_read_views_expose_listed_columns_only(linli_env: Any, factory: Any) -> None:
    mine = await town(linli_env, factory)
    with pytest.raises(AttributeError):
        _ = api.RESIDENTS.id_number_cipher
    with pytest.raises(AttributeError):
        _ = api.RESIDENTS.phone_index
    assert not hasattr(api.HOUSEHOLDS, "insert") and not hasattr(api.BUILDINGS, "raw")
    async with linli_env.state.db.scoped(scope_for(mine["node"])):
        rows = await api.RESIDENTS.select()
        assert rows and not any(k.startswith(("id_number", "phone")) for k in rows[0])
        tagged = api.RESIDENT_TAGS.select(api.RESIDENT_TAGS.resident_id).where(
            api.RESIDENT_TAGS.tag == "party_member")
        households = await api.RESIDENTS.select(api.RESIDENTS.household_id).where(
            api.RESIDENTS.id.is_in(tagged))
        assert [r["household_id"] for r in households] == [mine["households"][0].id]
        assert await api.HOUSEHOLDS.count() == 2


async def test_memberships_are_granted_and_revoked_idempotently(linli_env: Any,
                                                                factory: Any) -> None:
    mine = await town(linli_env, factory)
    node, grid = mine["node"], mine["grid"]
    worker = await factory.account(node, None)
    async with linli_env.state.db.transaction():
        await api.grant_place_role(worker.id, node.id, "grid_worker", "grid", grid.id)
        await api.grant_place_role(worker.id, node.id, "grid_worker", "grid", grid.id)
        assert await api.holds_role(worker.id, node.id, "grid_worker", "grid", [grid.id])
        assert not await api.holds_role(worker.id, node.id, "grid_worker", "grid", [grid.id + 1])
        assert await api.accounts_holding(node.id, "grid_worker", "grid", [grid.id]) == [
            worker.id]
        held = await api.memberships_of(worker.id)
        assert [(m.role, m.place_kind, m.place_id) for m in held] == [
            ("grid_worker", "grid", grid.id)]
        assert await api.revoke_place_role(worker.id, node.id, "grid_worker", "grid",
                                           grid.id) == 1
        assert await api.revoke_place_role(worker.id, node.id, "grid_worker", "grid",
                                           grid.id) == 0
        assert await api.accounts_holding(node.id, "grid_worker", "grid", [grid.id]) == []
        with pytest.raises(api.ApiError) as unknown:
            await api.grant_place_role(worker.id, node.id, "no_such_role")
        assert unknown.value.code == "INVALID_ARGUMENT"


async def test_account_of_resident(linli_env: Any, factory: Any) -> None:
    mine = await town(linli_env, factory)
    resident = mine["residents"][0]
    account = await factory.account(mine["node"], None)
    async with linli_env.state.db.transaction():
        assert await api.account_of_resident(resident.id, mine["node"].id) is None
        await Account.update({Account.resident_id: resident.id,
                              Account.resident_tenant_id: mine["node"].id}).where(
            Account.id == account.id)
        assert await api.account_of_resident(resident.id, mine["node"].id) == account.id


async def test_enablement_questions(linli_env: Any, factory: Any) -> None:
    region = await factory.region()
    a, b = await factory.tenant(region), await factory.tenant(region)
    async with linli_env.state.db.transaction():
        assert not await api.plugin_enabled("bh_probe", a)
        await change_plugin(region, "bh_probe", True)
        await change_plugin(b, "bh_probe", False)
        assert await api.plugin_enabled("bh_probe", a)
        assert not await api.plugin_enabled("bh_probe", b)
        assert [t.id for t in await api.tenants_enabled_below("bh_probe", region)] == [a.id]
        assert [t.id for t in await api.tenants_enabled_below("bh_probe", a)] == [a.id]
        scope = api.public_scope(a)
        assert scope.write_node is None and scope.read_nodes == frozenset({a.id})


async def test_rule_values_and_system_access(linli_env: Any, factory: Any) -> None:
    mine = await town(linli_env, factory)
    rules = api.plugin_rules("probe", [RuleKey("probe.days", "int", 5, "天数", "days",
                                               minimum=1)])
    async with linli_env.state.db.scoped(scope_for(mine["node"]), write=True):
        resolved = await api.rule_value("probe.days", mine["node"].id, rules=rules)
        assert (resolved.value, resolved.version) == (5, 0)
        with pytest.raises(api.ApiError) as missing:
            await api.rule_value("probe.days", 10**9, rules=rules)
        assert missing.value.code == "NOT_FOUND"
        access = api.system_access(mine["node"])
        assert access.check("anything.at_all") and access.principal.account_id is None
    with pytest.raises(ValueError):
        api.plugin_rules("probe", [RuleKey("other.days", "int", 5, "天数", "days")])


async def test_place_names_of_units(linli_env: Any, factory: Any) -> None:
    mine = await town(linli_env, factory)
    async with linli_env.state.db.scoped(scope_for(mine["node"]), write=True):
        unit = await places.ensure_unit(mine["buildings"][0], "2单元")
    async with linli_env.state.db.scoped(scope_for(mine["node"])):
        assert await api.place_names("unit", [unit.id, -1]) == {unit.id: "2单元"}
