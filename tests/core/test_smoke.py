"""The app serves GraphQL and health on the test engine."""


async def test_health(http):
    assert (await http.get("/health/live")).json() == {"status": "ok"}
    ready = await http.get("/health/ready")
    assert ready.status_code == 200, ready.text


async def test_tenant_query(gql, factory):
    tenant = await factory.tenant(name="新区街道")
    admin = await factory.account(tenant)
    result = await gql("{ tenant { code name kind enabledPlugins parent { kind } } me { name } }",
                       token=admin.token, node=tenant.code)
    assert result.get("errors") is None, result
    assert result["data"]["tenant"]["name"] == "新区街道"
    assert result["data"]["tenant"]["parent"]["kind"] == "district"


async def test_unauthenticated_has_code(gql):
    result = await gql("{ me { name } }")
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_bad_token(gql):
    result = await gql("{ me { name } }", token="garbage")
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
