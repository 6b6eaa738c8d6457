"""Rules as data at the service level: inheritance, locks, effective dates, versions, validation,
isolation."""

from datetime import timedelta

import pytest

from core.errors import ApiError
from core.rules.service import CORE_RULES, RuleKey, RuleRegistry, today_shanghai
from tenants.service import scope_for

KEY = "rules_probe.max_age"


async def _set(db, rules, node, value, on=None, **kw):
    async with db.scoped(scope_for(node), write=True):
        return await rules.set(KEY, value, node, on, **kw)


async def _get(db, rules, node, on=None, key=KEY):
    async with db.scoped(scope_for(node)):
        return await rules.get(key, node, on)


async def test_default_when_nothing_is_set(linli_env, factory, rules):
    tenant = await factory.tenant()
    got = await _get(linli_env.state.db, rules, tenant)
    assert (got.value, got.version, got.source_node_id, got.is_default) == (65, 0, None, True)
    core = await _get(linli_env.state.db, rules, tenant, key="notify.delivery_attempts")
    assert core.value == CORE_RULES[0].default


async def test_tenant_override_beats_region_and_stays_in_the_tenant(linli_env, factory, rules):
    db = linli_env.state.db
    region, other_region = await factory.region(), await factory.region()
    tenant, sibling = await factory.tenant(region), await factory.tenant(region)
    stranger = await factory.tenant(other_region)

    from_region = await _set(db, rules, region, 70)
    assert (await _get(db, rules, tenant)).value == 70           # inherited (shared downward)
    assert (await _get(db, rules, tenant)).source_node_id == region.id

    override = await _set(db, rules, tenant, 60)
    got = await _get(db, rules, tenant)
    assert (got.value, got.version, got.source_node_id) == (60, override.version, tenant.id)
    assert override.version > from_region.version > 0
    # the override stays the tenant's: its sibling keeps the region's value, another region's
    # tenant sees neither, and the region itself keeps its own
    assert (await _get(db, rules, sibling)).value == 70
    assert (await _get(db, rules, stranger)).value == 65
    assert (await _get(db, rules, region)).value == 70


async def test_locked_region_value_cannot_be_overridden(linli_env, factory, rules):
    db = linli_env.state.db
    city = await factory.region("city")
    region = await factory.region("district", parent=city)
    tenant = await factory.tenant(region)
    await _set(db, rules, tenant, 60)                         # an override from before the lock

    lock = await _set(db, rules, city, 72, locked=True)
    got = await _get(db, rules, tenant)
    assert (got.value, got.version, got.locked) == (72, lock.version, True)
    with pytest.raises(ApiError) as err:
        await _set(db, rules, tenant, 61)
    assert err.value.code == "RULE_LOCKED"
    with pytest.raises(ApiError) as err:                     # a district below the city too
        await _set(db, rules, region, 61)
    assert err.value.code == "RULE_LOCKED"
    other = await factory.tenant()
    with pytest.raises(ApiError) as err:                     # only a region can lock
        await _set(db, rules, other, 61, locked=True)
    assert (err.value.code, err.value.field) == ("INVALID_ARGUMENT", "locked")

    await _set(db, rules, city, 72, locked=False)             # the city lifts its lock
    await _set(db, rules, tenant, 61)
    assert (await _get(db, rules, tenant)).value == 61


async def test_a_date_before_the_override_gets_the_older_value(linli_env, factory, rules):
    db = linli_env.state.db
    region = await factory.region()
    tenant = await factory.tenant(region)
    today = today_shanghai()
    old = await _set(db, rules, region, 70)
    new = await _set(db, rules, tenant, 58, today + timedelta(days=30))

    before = await _get(db, rules, tenant, today + timedelta(days=29))
    assert (before.value, before.version) == (70, old.version)
    after = await _get(db, rules, tenant, today + timedelta(days=30))
    assert (after.value, after.version, after.effective_from) == (58, new.version,
                                                                 today + timedelta(days=30))
    # a lock that takes effect later leaves the override alone until then
    await _set(db, rules, region, 75, today + timedelta(days=60), locked=True)
    assert (await _get(db, rules, tenant, today + timedelta(days=59))).value == 58
    assert (await _get(db, rules, tenant, today + timedelta(days=60))).value == 75
    with pytest.raises(ApiError) as err:
        await _set(db, rules, tenant, 57, today + timedelta(days=61))
    assert err.value.code == "RULE_LOCKED"
    with pytest.raises(ApiError) as err:
        await _set(db, rules, tenant, 57, today - timedelta(days=1))
    assert err.value.field == "effectiveOn"


async def test_a_computation_keeps_the_version_it_used(linli_env, factory, rules):
    db = linli_env.state.db
    tenant = await factory.tenant()
    async with db.scoped(scope_for(tenant), write=True):
        used = await rules.get(KEY, tenant)                 # e.g. a settlement stores this pair
        stored = {"eligible_below": used.value, "rule_version": used.version}
        await rules.set(KEY, 66, tenant)
        await rules.set(KEY, 67, tenant)
        assert (await rules.get(KEY, tenant)).value == 67
        assert await rules.at_version(KEY, stored["rule_version"]) == 65   # the default, v0
        second = (await rules.get(KEY, tenant)).version
        assert await rules.at_version(KEY, second) == 67
        with pytest.raises(ApiError):
            await rules.at_version("rules_probe.greeting", second)


@pytest.mark.parametrize(("key", "value", "field"), [
    (KEY, "65", "value"), (KEY, True, "value"), (KEY, 17, "value"), (KEY, 121, "value"),
    (KEY, 65.5, "value"), ("rules_probe.greeting", "你真笨", "value"),
    ("rules_probe.subsidy", -1, "value"), ("rules_probe.nope", 1, "key"),
])
async def test_values_are_validated(linli_env, factory, rules, key, value, field):
    tenant = await factory.tenant()
    async with linli_env.state.db.scoped(scope_for(tenant), write=True):
        with pytest.raises(ApiError) as err:
            await rules.set(key, value, tenant)
    assert err.value.field == field
    assert err.value.code == ("NOT_FOUND" if field == "key" else "INVALID_ARGUMENT")
    assert err.value.zh and err.value.en


async def test_float_rules_accept_ints(linli_env, factory, rules):
    tenant = await factory.tenant()
    async with linli_env.state.db.scoped(scope_for(tenant), write=True):
        await rules.set("rules_probe.subsidy", 4, tenant)
        assert (await rules.get("rules_probe.subsidy", tenant)).value == 4


def test_declarations_are_checked():
    ok = RuleKey("probe.limit", "int", 3, "上限", "limit")
    with pytest.raises(ValueError, match="must start with 'other.'"):
        RuleRegistry([("other", ok)])
    with pytest.raises(ValueError, match="declared by"):
        RuleRegistry([("probe", ok), ("probe", ok)])
    with pytest.raises(ValueError, match="invalid default"):
        RuleRegistry([("probe", RuleKey("probe.limit", "int", "3", "上限", "limit"))])
    with pytest.raises(ValueError, match="numeric"):
        RuleRegistry([("probe", RuleKey("probe.name", "str", "x", "名", "name", minimum=1))])
    with pytest.raises(ValueError, match="unknown type"):
        RuleRegistry([("probe", RuleKey("probe.name", "text", "x", "名", "name"))])
    with pytest.raises(ValueError, match="must look like"):
        RuleRegistry([("probe", RuleKey("probe.Bad Key", "int", 1, "坏", "bad"))])
    assert RuleRegistry([("probe", ok)]).owner["probe.limit"] == "probe"
