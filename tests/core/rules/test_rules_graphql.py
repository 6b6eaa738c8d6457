"""``effectiveRules`` (with where each value comes from) and ``setRuleValue`` over GraphQL."""

from datetime import timedelta

from core.audit.service import AuditEntry
from core.rules.service import today_shanghai
from tenants.service import scope_for

READ = """query($on: Date) { effectiveRules(on: $on) {
  key owner type value defaultValue version effectiveOn locked overridable
  descriptionZh descriptionEn minimum maximum source { kind code name } } }"""
SET = """mutation($input: SetRuleValueInput!) { setRuleValue(input: $input) {
  __typename
  ... on SetRuleValuePayload { version rule { key value version locked source { kind code } } }
  ... on UserError { code field messageZh messageEn } } }"""


def _by_key(out):
    assert "errors" not in out, out
    return {r["key"]: r for r in out["data"]["effectiveRules"]}


async def _set(gql, who, node, key, value, **extra):
    out = await gql(SET, {"input": {"key": key, "value": value, **extra}}, token=who.token,
                    node=node.code)
    assert "errors" not in out, out
    return out["data"]["setRuleValue"]


async def test_read_and_set_with_sources(rules_gql, factory, linli_env):
    region = await factory.region(name="东昌府区")
    tenant = await factory.tenant(region, name="新区街道")
    region_admin = await factory.account(region, "tenant_admin")
    admin = await factory.account(tenant, "tenant_admin")

    rules = _by_key(await rules_gql(READ, token=admin.token, node=tenant.code))
    age = rules["rules_probe.max_age"]
    assert (age["value"], age["version"], age["source"]["kind"]) == ("65", 0, "default")
    assert (age["owner"], age["type"], age["minimum"], age["maximum"]) == (
        "rules_probe", "int", 18, 120)
    assert age["descriptionZh"] == "楼长最大年龄" and age["overridable"] is True
    assert rules["notify.delivery_attempts"]["owner"] == "core"

    done = await _set(rules_gql, region_admin, region, "rules_probe.max_age", "70")
    assert done["__typename"] == "SetRuleValuePayload" and done["rule"]["source"]["kind"] == "self"
    age = _by_key(await rules_gql(READ, token=admin.token, node=tenant.code))[
        "rules_probe.max_age"]
    assert age["value"] == "70" and age["version"] == done["version"]
    assert age["source"] == {"kind": "inherited", "code": region.code, "name": "东昌府区"}

    later = (today_shanghai() + timedelta(days=10)).isoformat()
    mine = await _set(rules_gql, admin, tenant, "rules_probe.greeting", '"大家好"',
                      effectiveOn=later)
    assert mine["rule"]["value"] == '"大家好"' and mine["rule"]["source"]["kind"] == "self"
    now = _by_key(await rules_gql(READ, token=admin.token, node=tenant.code))
    assert now["rules_probe.greeting"]["value"] == '"您好"'          # not yet in force
    then = _by_key(await rules_gql(READ, {"on": later}, token=admin.token, node=tenant.code))
    assert then["rules_probe.greeting"]["value"] == '"大家好"'
    assert then["rules_probe.greeting"]["effectiveOn"] == later
    assert then["rules_probe.greeting"]["source"]["code"] == tenant.code

    async with linli_env.state.db.scoped(scope_for(tenant)):
        entry = await AuditEntry.select().where(
            (AuditEntry.action == "rules.set") & (AuditEntry.tenant_id == tenant.id)).first()
    assert entry is not None and entry["object_id"] == str(mine["version"])
    assert "大家好" in entry["summary"]


async def test_typed_errors(rules_gql, factory):
    region = await factory.region()
    tenant = await factory.tenant(region)
    region_admin = await factory.account(region, "tenant_admin")
    admin = await factory.account(tenant, "tenant_admin")
    staff = await factory.account(tenant, "community_staff")

    cases = [
        ("rules_probe.nope", "1", {}, "NOT_FOUND", "key"),
        ("rules_probe.max_age", "{oops", {}, "INVALID_ARGUMENT", "value"),
        ("rules_probe.max_age", '"70"', {}, "INVALID_ARGUMENT", "value"),
        ("rules_probe.max_age", "500", {}, "INVALID_ARGUMENT", "value"),
        ("rules_probe.max_age", "70", {"locked": True}, "INVALID_ARGUMENT", "locked"),
        ("rules_probe.max_age", "70", {"effectiveOn": "2001-01-01"}, "INVALID_ARGUMENT",
         "effectiveOn"),
    ]
    for key, value, extra, code, field in cases:
        err = await _set(rules_gql, admin, tenant, key, value, **extra)
        assert (err["__typename"], err["code"], err["field"]) == ("UserError", code, field), key
        assert err["messageZh"] and err["messageEn"]

    err = await _set(rules_gql, staff, tenant, "rules_probe.max_age", "70")
    assert err["code"] == "FORBIDDEN"

    lock = await _set(rules_gql, region_admin, region, "rules_probe.max_age", "72", locked=True)
    assert lock["rule"]["locked"] is True
    err = await _set(rules_gql, admin, tenant, "rules_probe.max_age", "60")
    assert (err["code"], err["field"]) == ("RULE_LOCKED", "key")
    age = _by_key(await rules_gql(READ, token=admin.token, node=tenant.code))[
        "rules_probe.max_age"]
    assert (age["value"], age["locked"], age["overridable"]) == ("72", True, False)


async def test_reading_needs_a_login(rules_gql, factory):
    out = await rules_gql(READ)
    assert out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
