"""People and accounts meet (issue 8, item 4): link an account to a resident, read the link
through the plugin API, and list a tenant's accounts, staff and grid workers without N+1."""

from __future__ import annotations

from core.plugin import account_of_resident, encode_global_id, resident_of_account
from core.testing import count_statements as counting

LINK = """mutation($input: LinkAccountResidentInput!) { linkAccountResident(input: $input) {
  __typename ... on LinkAccountResidentPayload { account { id residentId } previousResidentId }
  ... on UserError { code field messageEn } } }"""

ACCOUNTS = """query($n: Int!, $after: String) { accounts(first: $n, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { node { id username residentId memberships { id role placeKind placeId } } } } }"""

STAFF = """query($n: Int!) { staff(first: $n) { edges { node { id role placeId
  account { id displayName } } } } }"""

GRID_WORKERS = """query($n: Int!) { gridWorkers(first: $n) { edges { node { id
  account { id username } grid { id name community { name } } } } } }"""


async def _town(factory):
    tenant = await factory.tenant()
    community = await factory.community(tenant)
    grid = await factory.grid(community)
    building = await factory.building(community, grid=grid)
    household = await factory.household(building)
    return tenant, community, grid, household


async def test_link_an_account_to_a_resident(gql, factory, linli_env):
    tenant, _, _, household = await _town(factory)
    resident = await factory.resident(household, "王大爷")
    admin = await factory.account(tenant)
    clerk = await factory.account(tenant, "volunteer")
    other = await factory.account(tenant, "volunteer")
    stranger = await factory.account(None, None)  # no role here, linked nowhere
    rid = encode_global_id("Resident", resident.id)

    out = await gql(LINK, {"input": {"accountId": encode_global_id("Account", clerk.id),
                                     "residentId": rid}}, token=admin.token, node=tenant.code)
    done = out["data"]["linkAccountResident"]
    assert done["__typename"] == "LinkAccountResidentPayload", out
    assert done["account"]["residentId"] == rid and done["previousResidentId"] is None

    async with linli_env.state.db.scoped(factory.scope(tenant)):
        assert await account_of_resident(resident.id, tenant.id) == clerk.id
        assert await resident_of_account(clerk.id, tenant.id) == resident.id
        assert await resident_of_account(other.id, tenant.id) is None

    taken = await gql(LINK, {"input": {"accountId": encode_global_id("Account", other.id),
                                       "residentId": rid}}, token=admin.token, node=tenant.code)
    assert taken["data"]["linkAccountResident"]["code"] == "CONFLICT", taken
    outside = await gql(LINK, {"input": {"accountId": encode_global_id("Account", stranger.id),
                                         "residentId": rid}}, token=admin.token,
                        node=tenant.code)
    assert outside["data"]["linkAccountResident"]["code"] == "NOT_FOUND", outside
    refused = await gql(LINK, {"input": {"accountId": encode_global_id("Account", other.id)}},
                        token=clerk.token, node=tenant.code)
    assert refused["data"]["linkAccountResident"]["code"] == "FORBIDDEN", refused

    unlinked = await gql(LINK, {"input": {"accountId": encode_global_id("Account", clerk.id)}},
                         token=admin.token, node=tenant.code)
    assert unlinked["data"]["linkAccountResident"]["previousResidentId"] == rid
    assert unlinked["data"]["linkAccountResident"]["account"]["residentId"] is None


async def test_lists_of_accounts_staff_and_grid_workers_are_flat(gql, factory, linli_env,
                                                                 record_property):
    tenant, community, _, _ = await _town(factory)
    admin = await factory.account(tenant)
    for i in range(30):
        grid = await factory.grid(community, f"网格{i}")
        await factory.account(tenant, "grid_worker", place_kind="grid", place_id=grid.id)
    counts: dict[str, dict[int, int]] = {}
    for name, query in (("accounts", ACCOUNTS), ("staff", STAFF),
                        ("gridWorkers", GRID_WORKERS)):
        counts[name] = {}
        for n in (5, 30):
            # warm: the token's access and the node are cached after a first request
            await gql(query, {"n": n}, token=admin.token, node=tenant.code)
            with counting(linli_env.state.db.engine) as calls:
                out = await gql(query, {"n": n}, token=admin.token, node=tenant.code)
            assert out.get("errors") is None, out
            assert len(out["data"][name]["edges"]) == n
            counts[name][n] = len(calls)
        record_property(f"statements_{name}", counts[name])
        assert counts[name][5] == counts[name][30], counts
        assert counts[name][30] <= 16, counts
    workers = (await gql(GRID_WORKERS, {"n": 3}, token=admin.token,
                         node=tenant.code))["data"]["gridWorkers"]["edges"]
    assert workers[0]["node"]["grid"]["name"].startswith("网格")
    assert workers[0]["node"]["grid"]["community"]["name"]

    page = (await gql(ACCOUNTS, {"n": 30}, token=admin.token, node=tenant.code))["data"]
    rest = (await gql(ACCOUNTS, {"n": 30, "after": page["accounts"]["pageInfo"]["endCursor"]},
                      token=admin.token, node=tenant.code))["data"]["accounts"]
    assert len(rest["edges"]) == 1 and not rest["pageInfo"]["hasNextPage"]  # 31 accounts
    roles = {m["role"] for e in page["accounts"]["edges"] for m in e["node"]["memberships"]}
    assert roles == {"tenant_admin", "grid_worker"}


async def test_the_lists_need_their_permission(gql, factory):
    tenant, *_ = await _town(factory)
    volunteer = await factory.account(tenant, "volunteer")
    for name, query in (("accounts", ACCOUNTS), ("staff", STAFF),
                        ("gridWorkers", GRID_WORKERS)):
        out = await gql(query, {"n": 5}, token=volunteer.token, node=tenant.code)
        assert out["errors"][0]["extensions"]["code"] == "FORBIDDEN", out


SEARCH = """query($n: Int!, $q: String, $after: String) { accounts(first: $n, search: $q,
  after: $after) { pageInfo { hasNextPage endCursor }
  edges { node { id username displayName memberships { role } } } } }"""


async def test_accounts_search_by_name_or_username_is_flat(gql, factory, linli_env,
                                                           record_property):
    tenant, *_ = await _town(factory)
    admin = await factory.account(tenant, name="管理员")
    elsewhere = await factory.tenant()
    await factory.account(elsewhere, "grid_worker", name="王外人")  # another tenant's: never
    wangs = [await factory.account(tenant, "grid_worker", name=f"王{i}号") for i in range(30)]
    await factory.account(tenant, "grid_worker", name="李四")
    await factory.account(tenant, "volunteer", name="百分之100%_志愿者")

    async def names(q: str, n: int = 100) -> list[str]:
        out = await gql(SEARCH, {"n": n, "q": q}, token=admin.token, node=tenant.code)
        assert out.get("errors") is None, out
        return [e["node"]["displayName"] for e in out["data"]["accounts"]["edges"]]

    found = await names("王")
    assert len(found) == 30 and "王外人" not in found and "李四" not in found
    assert await names("7号") == ["王7号", "王17号", "王27号"]
    # the username matches too, case ignored
    username = wangs[3].username
    assert username and await names(username.upper()) == ["王3号"]
    # LIKE's wildcards are plain text
    assert await names("%_") == ["百分之100%_志愿者"]
    assert await names("_") == ["百分之100%_志愿者"]
    assert len(await names("  ")) == 33  # blank: no filter (the admin, 31 staff, a volunteer)
    # paging inside a search
    page = (await gql(SEARCH, {"n": 20, "q": "王"}, token=admin.token,
                      node=tenant.code))["data"]["accounts"]
    rest = (await gql(SEARCH, {"n": 20, "q": "王", "after": page["pageInfo"]["endCursor"]},
                      token=admin.token, node=tenant.code))["data"]["accounts"]
    assert len(page["edges"]) == 20 and len(rest["edges"]) == 10
    # N+1-free: the same statements for 5 and 30 matches
    counts = {}
    for n in (5, 30):
        await gql(SEARCH, {"n": n, "q": "王"}, token=admin.token, node=tenant.code)
        with counting(linli_env.state.db.engine) as calls:
            out = await gql(SEARCH, {"n": n, "q": "王"}, token=admin.token, node=tenant.code)
        assert len(out["data"]["accounts"]["edges"]) == n
        counts[n] = len(calls)
    record_property("statements_accounts_search", counts)
    assert counts[5] == counts[30] <= 16, counts
    long = await gql(SEARCH, {"n": 5, "q": "王" * 65}, token=admin.token, node=tenant.code)
    assert long["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT", long
