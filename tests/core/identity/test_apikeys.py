"""API keys: created once, stored hashed, limited to their permissions, revocable."""

from core.identity import apikeys
from core.identity.tables import ApiKey
from core.schema.relay import encode_global_id

CREATE = """mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    __typename
    ... on CreateApiKeyPayload { secret apiKey { id prefix name permissions objectKind objectId
                                            node { code } revokedAt } }
    ... on UserError { code messageEn field }
  }
}"""

REVOKE = """mutation($id: ID!) {
  revokeApiKey(input: {id: $id}) {
    __typename
    ... on RevokeApiKeyPayload { apiKey { id revokedAt } }
    ... on UserError { code field }
  }
}"""

CHECK = """query($p: String!) { checkPermission(permission: $p) { allowed reasonEn } }"""


async def _create(gql, admin, tenant, **input):
    input.setdefault("permissions", ["tenant.read"])
    result = await gql(CREATE, {"input": input}, token=admin.token, node=tenant.code)
    assert result.get("errors") is None, result
    return result["data"]["createApiKey"]


async def test_key_is_limited_to_its_permissions_and_revocable(gql, factory, linli_env):
    tenant = await factory.tenant(name="柳园街道")
    admin = await factory.account(tenant)
    building = await factory.building(await factory.community(tenant))
    made = await _create(gql, admin, tenant, name="楼栋自助机", permissions=["tenant.read"],
                         objectKind="people.building",
                         objectId=encode_global_id("Building", building.id))
    assert made["__typename"] == "CreateApiKeyPayload", made
    key = made["secret"]
    assert key.startswith(f"lk_{made['apiKey']['prefix']}_")
    assert made["apiKey"]["permissions"] == ["tenant.read"]
    assert made["apiKey"]["node"]["code"] == tenant.code
    async with linli_env.state.db.transaction(write=False):
        row = await ApiKey.select().where(ApiKey.prefix == made["apiKey"]["prefix"]).first()
    assert key.split("_", 2)[2] not in row["key_hash"] and row["key_hash"] != key

    headers = {"X-API-Key": key}
    result = await gql("{ tenant { name } }", headers=headers)
    assert result["data"] == {"tenant": {"name": "柳园街道"}}, result
    allowed = await gql(CHECK, {"p": "tenant.read"}, headers=headers)
    assert allowed["data"]["checkPermission"]["allowed"] is True
    denied = await gql(CHECK, {"p": "people.read"}, headers=headers)
    assert denied["data"]["checkPermission"]["allowed"] is False
    assert "people.read" in denied["data"]["checkPermission"]["reasonEn"]

    async with linli_env.state.db.transaction(write=False):
        principal = await apikeys.authenticate(key, linli_env.state.rolebook)
    assert principal.account_id is None and principal.api_key_id == row["id"]
    assert principal.api_key_object == ("people.building", building.id)
    assert [(g.node_id, g.permissions) for g in principal.grants] == [
        (tenant.id, frozenset({"tenant.read"}))]

    revoked = await gql(REVOKE, {"id": made["apiKey"]["id"]}, token=admin.token,
                        node=tenant.code)
    assert revoked["data"]["revokeApiKey"]["apiKey"]["revokedAt"], revoked
    after = await gql("{ tenant { name } }", headers=headers)
    assert after["data"] is None
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_bad_keys_are_unauthenticated(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    made = await _create(gql, admin, tenant)
    prefix = made["apiKey"]["prefix"]
    for bad in ("garbage", f"lk_{prefix}_" + "A" * 43, "lk_000000000000_" + "A" * 43):
        result = await gql("{ tenant { name } }", headers={"X-API-Key": bad})
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", bad


async def test_bad_inputs_create_nothing(gql, factory, linli_env):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    volunteer = await factory.account(tenant, "volunteer")
    async with linli_env.state.db.transaction(write=False):
        before = await ApiKey.count()
    cases = [
        (admin, {"permissions": ["no.such.permission"]}, "INVALID_ARGUMENT", "permissions"),
        (admin, {"permissions": ["deployment.operate"]}, "INVALID_ARGUMENT", "permissions"),
        (admin, {"permissions": []}, "INVALID_ARGUMENT", "permissions"),
        (admin, {"objectKind": "canteen.counter"}, "INVALID_ARGUMENT", "objectId"),
        (admin, {"objectKind": "Bad Kind", "objectId": "3"}, "INVALID_ARGUMENT", "objectKind"),
        (admin, {"objectKind": "x", "objectId": "%%%"}, "INVALID_ARGUMENT", "objectId"),
        (admin, {"objectKind": "x", "objectId": "7"}, "INVALID_ARGUMENT", "objectId"),
        (volunteer, {}, "FORBIDDEN", None),
    ]
    for who, input, code, field in cases:
        result = await _create(gql, who, tenant, **input)
        assert result["__typename"] == "UserError", (input, result)
        assert (result["code"], result["field"]) == (code, field), (input, result)
    async with linli_env.state.db.transaction(write=False):
        assert await ApiKey.count() == before


async def test_revoking_another_tenants_key_is_not_found(gql, factory, linli_env):
    a, b = await factory.tenant(), await factory.tenant()
    admin_a, admin_b = await factory.account(a), await factory.account(b)
    made = await _create(gql, admin_a, a)
    result = await gql(REVOKE, {"id": made["apiKey"]["id"]}, token=admin_b.token, node=b.code)
    assert result["data"]["revokeApiKey"] == {"__typename": "UserError", "code": "NOT_FOUND",
                                              "field": "id"}
    result = await gql("{ tenant { code } }", headers={"X-API-Key": made["secret"]})
    assert result["data"] == {"tenant": {"code": a.code}}
    malformed = await gql(REVOKE, {"id": "!!"}, token=admin_a.token, node=a.code)
    assert malformed["data"]["revokeApiKey"]["code"] == "INVALID_ARGUMENT"


async def test_a_key_cannot_be_bound_to_another_tenants_object(gql, factory, linli_env):
    """Issue 9 item 5: createApiKey accepted another tenant's object id."""
    a, b = await factory.tenant(), await factory.tenant()
    admin_a = await factory.account(a)
    theirs = await factory.building(await factory.community(b))
    result = await _create(gql, admin_a, a, objectKind="people.building",
                           objectId=encode_global_id("Building", theirs.id))
    assert (result["__typename"], result["code"], result["field"]) == (
        "UserError", "NOT_FOUND", "objectId"), result
    async with linli_env.state.db.transaction(write=False):
        assert not await ApiKey.exists().where(ApiKey.object_id == theirs.id)


async def test_audit_entries_name_the_api_key_and_a_server_request_id(gql, factory, linli_env,
                                                                    http):
    """Issue 9 item 5: an entry made through an API key named neither key nor account, and
    its request id was whatever the client sent."""
    from core.audit.service import AuditEntry
    from tenants.service import scope_for

    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    made = await _create(gql, admin, tenant, permissions=["people.write", "people.read"])
    async with linli_env.state.db.transaction(write=False):
        key_id = (await ApiKey.select(ApiKey.id).where(
            ApiKey.prefix == made["apiKey"]["prefix"]).first())["id"]
    resp = await http.post("/graphql", json={
        "query": "mutation($i: CreateCommunityInput!) { createCommunity(input: $i) "
                 "{ __typename } }", "variables": {"i": {"name": "机器社区"}}},
        headers={"X-API-Key": made["secret"], "X-Request-ID": "client-chosen-1"})
    assert resp.json()["data"]["createCommunity"]["__typename"] == "CreateCommunityPayload"
    server_id = resp.headers["x-request-id"]
    assert server_id != "client-chosen-1" and len(server_id) == 32
    async with linli_env.state.db.scoped(scope_for(tenant)):
        [entry] = await AuditEntry.select().where(
            AuditEntry.action == "people.create_community")
        [created] = await AuditEntry.select().where(
            AuditEntry.action == "identity.api_key_created")
    assert entry["account_id"] is None and entry["api_key_id"] == key_id
    assert entry["actor"] == f"api_key:{key_id}"
    assert entry["request_id"] == server_id and entry["client_request_id"] == "client-chosen-1"
    assert created["actor"] == f"account:{admin.id}" and created["api_key_id"] is None
