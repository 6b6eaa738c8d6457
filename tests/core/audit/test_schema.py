"""``auditTrail``: a tenant admin reads the acting node's trail, and nothing else."""

from __future__ import annotations

from core.audit.chain import chain_tenant

QUERY = """query Trail($first: Int!, $after: String, $action: String, $objectType: String) {
  auditTrail(first: $first, after: $after, action: $action, objectType: $objectType) {
    edges { cursor node { seq hash chained action objectType objectId summary requestId createdAt
                          accountId accountName clientRequestId actor apiKeyId } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def test_admin_reads_own_trail_newest_first_and_paginates(gql, linli_env, factory,
                                                                write_entries):
    node = await factory.tenant()
    admin = await factory.account(node)
    await write_entries(node, 3)
    await write_entries(node, 1, action="people.export")
    await chain_tenant(linli_env.state.db, node.id)
    result = await gql(QUERY, {"first": 2}, token=admin.token, node=node.code)
    assert result.get("errors") is None, result
    conn = result["data"]["auditTrail"]
    entries = [e["node"] for e in conn["edges"]]
    assert [e["seq"] for e in entries] == [4, 3] and all(e["chained"] for e in entries)
    assert entries[0]["action"] == "people.export" and len(entries[0]["hash"]) == 64
    assert entries[1]["summary"] == {"n": 2, "名": "张三"}
    assert conn["pageInfo"]["hasNextPage"] is True
    rest = await gql(QUERY, {"first": 10, "after": conn["pageInfo"]["endCursor"]},
                     token=admin.token, node=node.code)
    assert [e["node"]["seq"] for e in rest["data"]["auditTrail"]["edges"]] == [2, 1]
    only = await gql(QUERY, {"first": 10, "action": "people.export"}, token=admin.token,
                     node=node.code)
    assert [e["node"]["seq"] for e in only["data"]["auditTrail"]["edges"]] == [4]


async def test_mutation_entries_carry_account_and_request_id(gql, http, factory):
    node = await factory.tenant()
    admin = await factory.account(node)
    mutation = """mutation { createApiKey(input: {permissions: ["people.read"], name: "k"}) {
      __typename } }"""
    resp = await http.post("/graphql", json={"query": mutation},
                           headers={"Authorization": f"Bearer {admin.token}",
                                    "X-Linli-Node": node.code, "X-Request-ID": "req-audit-1"})
    assert resp.status_code == 200 and "errors" not in resp.json(), resp.text
    result = await gql(QUERY, {"first": 5, "objectType": "ApiKey"}, token=admin.token,
                       node=node.code)
    entry = result["data"]["auditTrail"]["edges"][0]["node"]
    # ours is server-generated (issue 9 item 5); the client's is kept beside it
    assert entry["action"] == "identity.api_key_created"
    assert entry["requestId"] == resp.headers["x-request-id"] != "req-audit-1"
    assert entry["clientRequestId"] == "req-audit-1" and entry["actor"].startswith("account:")
    assert entry["accountName"] == "测试用户" and entry["accountId"] is not None
    assert entry["chained"] is False and entry["seq"] is None


async def test_other_tenants_entries_are_never_visible(gql, factory, write_entries):
    mine, theirs = await factory.tenant(), await factory.tenant()
    admin = await factory.account(mine)
    await write_entries(theirs, 2)
    result = await gql(QUERY, {"first": 100}, token=admin.token, node=mine.code)
    assert result["data"]["auditTrail"]["edges"] == []
    # naming the other tenant does not help: no membership there
    result = await gql(QUERY, {"first": 100}, token=admin.token, node=theirs.code)
    assert result["data"] is None and result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_region_admin_sees_only_the_region_own_trail(gql, factory, write_entries):
    region = await factory.region()
    below = await factory.tenant(region)
    official = await factory.account(region, "tenant_admin")
    await write_entries(below, 2)
    await write_entries(region, 1)
    result = await gql(QUERY, {"first": 100}, token=official.token, node=region.code)
    assert result.get("errors") is None, result
    assert len(result["data"]["auditTrail"]["edges"]) == 1


async def test_needs_audit_read(gql, factory):
    node = await factory.tenant()
    staff = await factory.account(node, "volunteer")
    result = await gql(QUERY, {"first": 5}, token=staff.token, node=node.code)
    assert result["data"] is None and result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    result = await gql(QUERY, {"first": 5})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    admin = await factory.account(node)
    result = await gql(QUERY, {"first": 0}, token=admin.token, node=node.code)
    assert result["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"
