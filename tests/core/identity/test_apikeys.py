"""API keys: created once, stored hashed, limited to their permissions, revocable."""

from core.identity import apikeys
from core.identity.tables import ApiKey

CREATE = """mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    __typename
    ... on ApiKeyCreated { secret apiKey { id prefix name permissions objectKind objectId
                                            node { code } revokedAt } }
    ... on UserError { code messageEn field }
  }
}"""

REVOKE = """mutation($id: ID!) {
  revokeApiKey(input: {id: $id}) {
    __typename
    ... on ApiKeyRevoked { apiKey { id revokedAt } }
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
    made = await _create(gql, admin, tenant, name="食堂收银台", permissions=["tenant.read"],
                         objectKind="canteen.counter", objectId="7")
    assert made["__typename"] == "ApiKeyCreated", made
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
    assert principal.api_key_object == ("canteen.counter", 7)
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
