"""Permission checks and grants on real places (core.people): grids, buildings, households."""

from core.identity.access import Principal
from core.identity.auth import access_at
from core.people import services
from core.schema.relay import encode_global_id

CHECK = """query($p: String!, $o: ID) {
  checkPermission(permission: $p, objectId: $o) { allowed reasonEn }
}"""

GRANT = """mutation($input: GrantMembershipInput!) {
  grantMembership(input: $input) {
    __typename
    ... on GrantMembershipPayload { membership { placeKind placeId } }
    ... on UserError { code field }
  }
}"""


async def _places(linli_env, tenant):
    """A community with two grids, one building and one household in each."""
    db = linli_env.state.db
    async with db.transaction(write=False):
        access = await access_at(Principal(account_id=None, name="seed", is_operator=True),
                                 tenant)
    async with db.scoped(access.scope, write=True):
        community = await services.create_community(access, name="湖西社区")
        made = []
        for n in (1, 2):
            grid = await services.create_grid(access, community_id=community.id,
                                              name=f"第{n}网格")
            building = await services.create_building(access, community_id=community.id,
                                                      name=f"{n}号楼", grid_id=grid.id)
            household = await services.create_household(access, building_id=building.id,
                                                        room="101")
            made.append((grid, building, household))
    return made


async def test_grid_worker_is_told_why_not(gql, factory, linli_env):
    tenant = await factory.tenant()
    (grid1, _, home1), (grid2, building2, home2) = await _places(linli_env, tenant)
    worker = await factory.account(tenant, "grid_worker", place_kind="grid", place_id=grid1.id)

    async def check(obj):
        result = await gql(CHECK, {"p": "people.read", "o": obj}, token=worker.token,
                           node=tenant.code)
        assert result.get("errors") is None, result
        return result["data"]["checkPermission"]

    assert (await check(encode_global_id("Household", home1.id)))["allowed"] is True
    assert (await check(encode_global_id("Grid", grid1.id)))["allowed"] is True
    for obj in (encode_global_id("Household", home2.id), encode_global_id("Grid", grid2.id),
                encode_global_id("Building", building2.id)):
        denied = await check(obj)
        assert denied == {"allowed": False,
                          "reasonEn": f"people.read is granted only for grid {grid1.id}"}


async def test_places_of_another_tenant_are_not_found(gql, factory, linli_env):
    tenant, other = await factory.tenant(), await factory.tenant()
    (grid, _, home), _ = await _places(linli_env, other)
    admin = await factory.account(tenant)
    result = await gql(CHECK, {"p": "people.read", "o": encode_global_id("Household", home.id)},
                       token=admin.token, node=tenant.code)
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    target = await factory.account(None, None)
    refused = await gql(GRANT, {"input": {"accountId": str(target.id), "role": "grid_worker",
                                          "placeId": encode_global_id("Grid", grid.id)}},
                        token=admin.token, node=tenant.code)
    assert refused["data"]["grantMembership"] == {"__typename": "UserError",
                                                  "code": "NOT_FOUND", "field": "placeId"}


async def test_grant_a_real_grid(gql, factory, linli_env):
    tenant = await factory.tenant()
    (grid, _, _), _ = await _places(linli_env, tenant)
    admin = await factory.account(tenant)
    target = await factory.account(None, None)
    granted = await gql(GRANT, {"input": {"accountId": str(target.id), "role": "grid_worker",
                                          "placeId": encode_global_id("Grid", grid.id)}},
                        token=admin.token, node=tenant.code)
    assert granted["data"]["grantMembership"]["membership"] == {
        "placeKind": "grid", "placeId": encode_global_id("Grid", grid.id)}
