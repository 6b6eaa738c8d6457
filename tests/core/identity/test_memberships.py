"""grantMembership / revokeMembership: typed errors, scope, audit, and nothing half-done."""

import pytest

from core.audit.service import AuditEntry
from core.identity import places
from core.identity.access import PlaceRef
from core.identity.tables import Membership
from core.schema.relay import encode_global_id

GRANT = """mutation($input: GrantMembershipInput!) {
  grantMembership(input: $input) {
    __typename
    ... on GrantMembershipPayload { membership { id accountId role placeKind placeId node { code } } }
    ... on UserError { code messageZh messageEn field }
  }
}"""

REVOKE = """mutation($id: ID!) {
  revokeMembership(input: {id: $id}) {
    __typename
    ... on RevokeMembershipPayload { membership { id role } }
    ... on UserError { code field }
  }
}"""


async def _grant(gql, admin, node, **input):
    result = await gql(GRANT, {"input": input}, token=admin.token, node=node.code)
    assert result.get("errors") is None, result
    return result["data"]["grantMembership"]


async def _memberships(linli_env, account_id):
    async with linli_env.state.db.transaction(write=False):
        return await Membership.select().where(Membership.account_id == account_id)


async def test_grant_and_revoke(gql, factory, linli_env):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    worker = await factory.account(None, None)
    granted = await _grant(gql, admin, tenant, accountId=encode_global_id("Account", worker.id),
                           role="volunteer")
    assert granted["__typename"] == "GrantMembershipPayload", granted
    assert granted["membership"]["role"] == "volunteer"
    assert granted["membership"]["node"]["code"] == tenant.code
    me = await gql("{ me { memberships { role node { code } } } }", token=worker.token)
    assert me["data"]["me"]["memberships"] == [{"role": "volunteer",
                                                "node": {"code": tenant.code}}]
    async with linli_env.state.db.scoped(factory.scope(tenant)):
        entries = await AuditEntry.select().where(
            AuditEntry.action == "identity.membership_granted")
    assert [e["account_id"] for e in entries] == [admin.id]

    again = await _grant(gql, admin, tenant, accountId=str(worker.id), role="volunteer")
    assert again["code"] == "CONFLICT"

    revoked = await gql(REVOKE, {"id": granted["membership"]["id"]}, token=admin.token,
                        node=tenant.code)
    assert revoked["data"]["revokeMembership"]["__typename"] == "RevokeMembershipPayload"
    after = await gql("{ tenant { code } }", token=worker.token, node=tenant.code)
    assert after["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # effective at once


async def test_typed_errors_change_nothing(gql, factory, linli_env):
    tenant = await factory.tenant()
    elsewhere = await factory.tenant()
    admin = await factory.account(tenant)
    volunteer = await factory.account(tenant, "volunteer")
    target = await factory.account(None, None)
    account = encode_global_id("Account", target.id)
    cases = [
        (admin, {"role": "no_such_role"}, "INVALID_ARGUMENT", "role"),
        (admin, {"role": "volunteer", "nodeId": encode_global_id("Tenant", elsewhere.id)},
         "NOT_FOUND", "nodeId"),
        (admin, {"role": "volunteer", "nodeId": encode_global_id("Tenant", 2**40)},
         "NOT_FOUND", "nodeId"),
        (admin, {"role": "volunteer", "nodeId": "%%"}, "INVALID_ARGUMENT", "nodeId"),
        (admin, {"role": "grid_worker"}, "INVALID_ARGUMENT", "placeKind"),
        (admin, {"role": "volunteer", "placeKind": "street", "placeId": "4"},
         "INVALID_ARGUMENT", "placeKind"),
        (admin, {"role": "volunteer", "placeKind": "grid"}, "INVALID_ARGUMENT", "placeId"),
        (admin, {"role": "operator"}, "FORBIDDEN", "role"),
        (volunteer, {"role": "volunteer"}, "FORBIDDEN", None),
    ]
    for who, input, code, field in cases:
        result = await _grant(gql, who, tenant, accountId=account, **input)
        assert result["__typename"] == "UserError", (input, result)
        assert (result["code"], result["field"]) == (code, field), (input, result)
        assert result["messageZh"] and result["messageEn"]
    for account_id, code in ((str(2**40), "NOT_FOUND"), ("bad id!", "INVALID_ARGUMENT"),
                             (encode_global_id("Tenant", target.id), "INVALID_ARGUMENT")):
        result = await _grant(gql, admin, tenant, accountId=account_id, role="volunteer")
        assert (result["code"], result["field"]) == (code, "accountId"), result
    assert await _memberships(linli_env, target.id) == []
    async with linli_env.state.db.scoped(factory.scope(tenant)):
        assert not await AuditEntry.exists().where(
            AuditEntry.action == "identity.membership_granted")


async def test_region_admin_grants_below_but_tenant_admin_not_above(gql, factory):
    region = await factory.region()
    tenant = await factory.tenant(region)
    region_admin = await factory.account(region)
    tenant_admin = await factory.account(tenant)
    target = await factory.account(None, None)
    below = await _grant(gql, region_admin, region, accountId=str(target.id), role="volunteer",
                         nodeId=encode_global_id("Tenant", tenant.id))
    assert below["__typename"] == "GrantMembershipPayload", below
    above = await _grant(gql, tenant_admin, tenant, accountId=str(target.id), role="volunteer",
                         nodeId=encode_global_id("Tenant", region.id))
    assert (above["code"], above["field"]) == ("NOT_FOUND", "nodeId")


async def test_place_is_checked_when_its_type_is_registered(gql, factory, monkeypatch):
    tenant = await factory.tenant()
    other = await factory.tenant()
    admin = await factory.account(tenant)
    target = await factory.account(None, None)
    grids = {11: tenant, 12: other}

    async def grid_place(pk):
        node = grids.get(pk)
        return PlaceRef(node_id=node.id, node_path=node.path, grid_id=pk) if node else None

    monkeypatch.setitem(places._resolvers, "Grid", grid_place)
    ok = await _grant(gql, admin, tenant, accountId=str(target.id), role="grid_worker",
                      placeId=encode_global_id("Grid", 11))
    assert ok["__typename"] == "GrantMembershipPayload", ok
    assert ok["membership"]["placeKind"] == "grid"
    assert ok["membership"]["placeId"] == encode_global_id("Grid", 11)
    for pk in (12, 99):
        refused = await _grant(gql, admin, tenant, accountId=str(target.id), role="grid_worker",
                               placeId=encode_global_id("Grid", pk))
        assert (refused["code"], refused["field"]) == ("NOT_FOUND", "placeId"), refused
    wrong_type = await _grant(gql, admin, tenant, accountId=str(target.id), role="grid_worker",
                              placeId=encode_global_id("Building", 11))
    assert (wrong_type["code"], wrong_type["field"]) == ("INVALID_ARGUMENT", "placeId")


async def test_revoke_outside_scope_is_not_found(gql, factory):
    a, b = await factory.tenant(), await factory.tenant()
    admin_a, admin_b = await factory.account(a), await factory.account(b)
    target = await factory.account(None, None)
    granted = await _grant(gql, admin_a, a, accountId=str(target.id), role="volunteer")
    result = await gql(REVOKE, {"id": granted["membership"]["id"]}, token=admin_b.token,
                       node=b.code)
    assert result["data"]["revokeMembership"] == {"__typename": "UserError",
                                                  "code": "NOT_FOUND", "field": "id"}
    me = await gql("{ tenant { code } }", token=target.token, node=a.code)
    assert me["data"] == {"tenant": {"code": a.code}}


@pytest.mark.parametrize("membership_id", ["", "xyz", encode_global_id("Tenant", 1)])
async def test_revoke_malformed_id(gql, factory, membership_id):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    result = await gql(REVOKE, {"id": membership_id}, token=admin.token, node=tenant.code)
    assert result["data"]["revokeMembership"]["code"] == "INVALID_ARGUMENT"
