"""checkPermission answers allowed or not, and says why not."""

from core.schema.relay import encode_global_id

CHECK = """query($p: String!, $o: ID) {
  checkPermission(permission: $p, objectId: $o) { permission allowed reasonZh reasonEn }
}"""


async def _check(gql, who, node, permission, obj=None):
    return await gql(CHECK, {"p": permission, "o": obj}, token=who.token, node=node.code)


async def test_allowed_and_explained_denial(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    volunteer = await factory.account(tenant, "volunteer")
    ok = (await _check(gql, admin, tenant, "people.read"))["data"]["checkPermission"]
    assert ok["allowed"] is True
    no = (await _check(gql, volunteer, tenant, "people.read"))["data"]["checkPermission"]
    assert no["allowed"] is False
    assert no["reasonEn"] == "none of your roles (volunteer) grants people.read"
    assert "volunteer" in no["reasonZh"]


async def test_on_a_tenant_object(gql, factory):
    region = await factory.region()
    tenant = await factory.tenant(region)
    other = await factory.tenant()
    official = await factory.account(region, "region_official")
    rollup = await _check(gql, official, region, "region.rollup",
                          encode_global_id("Tenant", tenant.id))
    assert rollup["data"]["checkPermission"]["allowed"] is True
    personal = await _check(gql, official, region, "people.read",
                            encode_global_id("Tenant", tenant.id))
    assert personal["data"]["checkPermission"]["allowed"] is False
    outside = await _check(gql, official, region, "region.rollup",
                           encode_global_id("Tenant", other.id))
    assert outside["data"] is None
    assert outside["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    missing = await _check(gql, official, region, "region.rollup",
                           encode_global_id("Tenant", 2**40))
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_place_limited_grant_explains(gql, factory):
    tenant = await factory.tenant()
    worker = await factory.account(tenant, "grid_worker", place_kind="grid", place_id=5)
    result = await _check(gql, worker, tenant, "people.read",
                          encode_global_id("Tenant", tenant.id))
    check = result["data"]["checkPermission"]
    assert check["allowed"] is False
    assert check["reasonEn"] == "people.read is granted only for grid 5"


async def test_bad_arguments(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    for permission, obj in (("no.such", None), ("people.read", "%%"),
                            ("people.read", encode_global_id("Nothing", 3))):
        result = await _check(gql, admin, tenant, permission, obj)
        assert result["data"] is None
        assert result["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT", result
    anonymous = await gql(CHECK, {"p": "people.read"})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
