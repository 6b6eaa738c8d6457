"""createTenantNode, moveTenantNode and tenantTree through GraphQL."""

from core.audit.service import AuditEntry
from core.schema.relay import encode_global_id
from core.testing import _unique_digits
from tenants.service import get_node, get_node_by_code, scope_for

CREATE = """mutation($input: CreateTenantNodeInput!) { createTenantNode(input: $input) {
  __typename ... on CreateTenantNodePayload { node { id code name kind parent { code } } }
  ... on UserError { code field messageZh messageEn } } }"""
MOVE = """mutation($input: MoveTenantNodeInput!) { moveTenantNode(input: $input) {
  __typename ... on MoveTenantNodePayload { node { code parent { code } } }
  ... on UserError { code field message } } }"""
TREE = """query($first: Int!, $after: String, $direct: Boolean! = false) {
  tenantTree(first: $first, after: $after, directOnly: $direct) {
    edges { cursor node { code kind } } pageInfo { hasNextPage endCursor } } }"""


def gid(node):
    return encode_global_id("Tenant", node.id)


def street_code(region):
    return region.code[:6] + _unique_digits(3) + "000"


async def test_admin_creates_tenant_under_region(gql, factory):
    region = await factory.region()
    admin = await factory.account(region)
    code = street_code(region)
    out = await gql(CREATE, {"input": {"kind": "street", "code": code, "name": "新街道",
                                       "parentId": gid(region)}},
                    token=admin.token, node=region.code)
    payload = out["data"]["createTenantNode"]
    assert payload["__typename"] == "CreateTenantNodePayload", out
    assert payload["node"]["code"] == code and payload["node"]["parent"]["code"] == region.code
    tree = await gql(TREE, {"first": 10}, token=admin.token, node=region.code)
    assert [e["node"]["code"] for e in tree["data"]["tenantTree"]["edges"]] == [code]


async def test_invalid_code_is_typed_and_writes_nothing(gql, factory):
    region = await factory.region()
    admin = await factory.account(region)
    out = await gql(CREATE, {"input": {"kind": "street", "code": "12345", "name": "坏",
                                       "parentId": gid(region)}},
                    token=admin.token, node=region.code)
    err = out["data"]["createTenantNode"]
    assert err["__typename"] == "UserError" and err["code"] == "INVALID_ARGUMENT"
    assert err["field"] == "code" and err["messageZh"] and err["messageEn"]
    tree = await gql(TREE, {"first": 10}, token=admin.token, node=region.code)
    assert tree["data"]["tenantTree"]["edges"] == []


async def test_create_elsewhere_is_not_found_and_without_permission_forbidden(gql, factory):
    region, other = await factory.region(), await factory.region()
    outsider = await factory.account(other)
    inp = {"kind": "street", "code": street_code(region), "name": "街道", "parentId": gid(region)}
    out = await gql(CREATE, {"input": inp}, token=outsider.token, node=other.code)
    assert out["data"]["createTenantNode"]["code"] == "NOT_FOUND"
    official = await factory.account(region, "region_official")
    out = await gql(CREATE, {"input": inp}, token=official.token, node=region.code)
    assert out["data"]["createTenantNode"]["code"] == "FORBIDDEN"
    async with factory.env.state.db.transaction(write=False):
        assert await get_node_by_code(inp["code"]) is None


async def test_root_needs_operator(gql, factory):
    region = await factory.region()
    admin = await factory.account(region)
    inp = {"kind": "city", "code": "9" + _unique_digits(3) + "00000000", "name": "新市"}
    out = await gql(CREATE, {"input": inp}, token=admin.token, node=region.code)
    assert out["data"]["createTenantNode"]["code"] == "FORBIDDEN"
    operator = await factory.account(operator=True, role=None)
    out = await gql(CREATE, {"input": inp}, token=operator.token, node=region.code)
    assert out["data"]["createTenantNode"]["node"]["kind"] == "city", out


async def test_move_is_audited_and_checks_both_parents(gql, factory):
    city = await factory.region("city")
    a = await factory.region("district", parent=city)
    b = await factory.region("district", parent=city)
    street = await factory.tenant(a)
    a_admin = await factory.account(a)
    out = await gql(MOVE, {"input": {"nodeId": gid(street), "parentId": gid(b)}},
                    token=a_admin.token, node=a.code)
    assert out["data"]["moveTenantNode"]["code"] == "NOT_FOUND"  # b is outside a's subtree
    city_admin = await factory.account(city)
    out = await gql(MOVE, {"input": {"nodeId": gid(street), "parentId": gid(b)}},
                    token=city_admin.token, node=city.code)
    assert out["data"]["moveTenantNode"]["node"]["parent"]["code"] == b.code, out
    async with factory.env.state.db.transaction(write=False):
        moved = await get_node(street.id)
    assert moved.parent_id == b.id and moved.path == f"{b.path}{street.id}/"
    async with factory.env.state.db.scoped(scope_for(city)):
        entries = await AuditEntry.select().where(
            (AuditEntry.action == "tenants.move") & (AuditEntry.object_id == str(street.id)))
    assert len(entries) == 1 and entries[0]["account_id"] == city_admin.id
    assert f'"parent_id": {a.id}' in entries[0]["summary"]
    assert f'"parent_id": {b.id}' in entries[0]["summary"]


async def test_move_under_itself_and_official_refused(gql, factory):
    city = await factory.region("city")
    a = await factory.region("district", parent=city)
    street = await factory.tenant(a)
    operator = await factory.account(operator=True, role=None)
    out = await gql(MOVE, {"input": {"nodeId": gid(a), "parentId": gid(street)}},
                    token=operator.token, node=city.code)
    assert out["data"]["moveTenantNode"]["code"] == "INVALID_ARGUMENT"
    official = await factory.account(city, "region_official")
    b = await factory.region("district", parent=city)
    out = await gql(MOVE, {"input": {"nodeId": gid(street), "parentId": gid(b)}},
                    token=official.token, node=city.code)
    assert out["data"]["moveTenantNode"]["code"] == "FORBIDDEN"
    out = await gql(MOVE, {"input": {"nodeId": "garbage", "parentId": gid(b)}},
                    token=operator.token, node=city.code)
    assert out["data"]["moveTenantNode"]["code"] == "INVALID_ARGUMENT"


async def test_tree_pages_and_direct_children(gql, factory):
    city = await factory.region("city")
    district = await factory.region("district", parent=city)
    streets = [await factory.tenant(district) for _ in range(3)]
    official = await factory.account(city, "region_official")
    first = await gql(TREE, {"first": 2}, token=official.token, node=city.code)
    page = first["data"]["tenantTree"]
    assert [e["node"]["code"] for e in page["edges"]] == [district.code, streets[0].code]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql(TREE, {"first": 2, "after": page["pageInfo"]["endCursor"]},
                     token=official.token, node=city.code)
    assert [e["node"]["code"] for e in rest["data"]["tenantTree"]["edges"]] == [
        s.code for s in streets[1:]]
    assert rest["data"]["tenantTree"]["pageInfo"]["hasNextPage"] is False
    direct = await gql(TREE, {"first": 10, "direct": True}, token=official.token, node=city.code)
    assert [e["node"]["code"] for e in direct["data"]["tenantTree"]["edges"]] == [district.code]


async def test_tree_bad_cursor_and_first(gql, factory):
    region = await factory.region()
    admin = await factory.account(region)
    for first in (0, -1, 101):
        out = await gql(TREE, {"first": first}, token=admin.token, node=region.code)
        assert out["data"] is None
        assert out["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"
    out = await gql(TREE, {"first": 5, "after": "!!"}, token=admin.token, node=region.code)
    assert out["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"


async def test_enable_unknown_plugin(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    out = await gql("""mutation { enablePlugin(input: {plugin: "no_such_plugin"}) {
        ... on UserError { code field } } }""", token=admin.token, node=tenant.code)
    assert out["data"]["enablePlugin"] == {"code": "INVALID_ARGUMENT", "field": "plugin"}
