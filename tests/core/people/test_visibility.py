"""Who sees which places and residents: grid worker, a plugin's building-scoped role, a region
official, and another tenant."""

import pytest

from core.plugin import PluginMeta, RoleDecl, hookimpl

HOUSEHOLDS = "{ households(first: 50) { edges { node { id room building { name } } } } }"
RESIDENTS = "{ residents(first: 50) { edges { node { id name household { room } } } } }"


def _ids(result, field):
    assert result.get("errors") is None, result
    return {e["node"]["id"] for e in result["data"][field]["edges"]}


async def test_grid_worker_sees_only_their_grid(gql, factory, seed, global_id):
    town = await seed.town(factory)
    mine, other = town.grids
    worker = await factory.account(town.node, "grid_worker", place_kind="grid", place_id=mine.id)
    ask = {"token": worker.token, "node": town.node.code}
    want_h = {global_id("Household", h.id) for h in town.households if h.grid_id == mine.id}
    want_r = {global_id("Resident", r.id) for r in town.residents if r.grid_id == mine.id}
    assert _ids(await gql(HOUSEHOLDS, **ask), "households") == want_h
    assert _ids(await gql(RESIDENTS, **ask), "residents") == want_r
    grids = await gql("{ grids(first: 10) { edges { node { name buildings { name } } } } }", **ask)
    assert [e["node"]["name"] for e in grids["data"]["grids"]["edges"]] == [mine.name]

    foreign = next(h for h in town.households if h.grid_id == other.id)
    result = await gql("query($id: ID!) { node(id: $id) { id } }",
                       {"id": global_id("Household", foreign.id)}, **ask)
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    own = next(h for h in town.households if h.grid_id == mine.id)
    result = await gql("query($id: ID!) { node(id: $id) { ... on Household { room } } }",
                       {"id": global_id("Household", own.id)}, **ask)
    assert result["data"]["node"]["room"] == own.room


class BuildingPlugin:
    """A throwaway plugin declaring a building-scoped role (like a 楼长)."""

    ROLE = RoleDecl("test_building_head.head", "测试楼长", "Test building head",
                    ("people.read",), place_kind="building")

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="test_building_head", title_zh="测试楼长", title_en="Test heads",
                          version="0.0.1", roles=(self.ROLE,))


@pytest.fixture
def building_role(linli_env):
    state = linli_env.state
    state.registry.register(BuildingPlugin(), "test_building_head")
    state.rolebook.add_role(BuildingPlugin.ROLE, "test_building_head")
    yield BuildingPlugin.ROLE.code
    state.registry.unregister("test_building_head")
    state.rolebook.roles.pop(BuildingPlugin.ROLE.code, None)
    state.rolebook.owner.pop("r:" + BuildingPlugin.ROLE.code, None)


async def test_building_scoped_role_sees_only_that_building(gql, factory, seed, global_id,
                                                            building_role):
    town = await seed.town(factory)
    building = town.buildings[1]
    head = await factory.account(town.node, building_role, place_kind="building",
                                 place_id=building.id)
    ask = {"token": head.token, "node": town.node.code}
    want = {global_id("Household", h.id) for h in town.households
            if h.building_id == building.id}
    assert want and _ids(await gql(HOUSEHOLDS, **ask), "households") == want
    result = await gql("{ buildings(first: 10) { edges { node { name grid { buildings { name } }"
                       " } } } }", **ask)
    edges = result["data"]["buildings"]["edges"]
    assert [e["node"]["name"] for e in edges] == [building.name]
    assert edges[0]["node"]["grid"]["buildings"] == [{"name": building.name}]
    other = next(h for h in town.households if h.building_id != building.id)
    result = await gql("query($id: ID!) { node(id: $id) { id } }",
                       {"id": global_id("Household", other.id)}, **ask)
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_region_official_gets_rollups_not_residents(gql, factory, seed, global_id):
    region = await factory.region()
    town_a = await seed.town(factory, region=region)
    town_b = await seed.town(factory, region=region, households=3)
    official = await factory.account(region, "region_official")
    ask = {"token": official.token, "node": region.code}
    result = await gql("{ rollup { residents households buildings tenant { code } } }", **ask)
    assert result.get("errors") is None, result
    rows = {r["tenant"]["code"]: r for r in result["data"]["rollup"]}
    assert rows[town_a.node.code] == {"residents": 8, "households": 4, "buildings": 2,
                                      "tenant": {"code": town_a.node.code}}
    assert rows[town_b.node.code]["residents"] == 12
    denied = await gql(RESIDENTS, **ask)
    assert denied["data"] is None
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "people.read" in denied["errors"][0]["extensions"]["messageEn"]
    result = await gql("query($id: ID!) { node(id: $id) { id } }",
                       {"id": global_id("Resident", town_a.residents[0].id)}, **ask)
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_other_tenant_cannot_read_or_update(gql, factory, seed, global_id):
    town = await seed.town(factory)
    stranger_node = await factory.tenant()
    stranger = await factory.account(stranger_node, "tenant_admin")
    ask = {"token": stranger.token, "node": stranger_node.code}
    target = global_id("Resident", town.residents[0].id)
    result = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": target}, **ask)
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    for field in ("residents", "households", "buildings", "grids", "communities"):
        listing = await gql(f"{{ {field}(first: 100) {{ edges {{ node {{ id }} }} }} }}", **ask)
        assert listing["data"][field]["edges"] == [], field
    result = await gql("""mutation($id: ID!) { updateResident(input: {id: $id, name: "改名"}) {
        __typename ... on UserError { code field } } }""", {"id": target}, **ask)
    assert result["data"]["updateResident"] == {"__typename": "UserError", "code": "NOT_FOUND",
                                                "field": "id"}
    # and acting at the owner's node without a membership there is "not found" too
    result = await gql("{ residents(first: 1) { edges { node { id } } } }", token=stranger.token,
                       node=town.node.code)
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_grid_worker_sees_the_community_around_their_grid_beside_a_page(gql, factory,
                                                                              seed, global_id):
    """A page of residents takes a view made without reading the places around the grant;
    communities and grids in the same request still show the ones around it."""
    town = await seed.town(factory)
    mine, _other = town.grids
    worker = await factory.account(town.node, "grid_worker", place_kind="grid", place_id=mine.id)
    out = await gql("""{ residents(first: 50) { edges { node { id } } }
      communities(first: 10) { edges { node { name grids { name } } } }
      grids(first: 10) { edges { node { name community { name } } } } }""",
                    token=worker.token, node=town.node.code)
    assert _ids(out, "residents") == {global_id("Resident", r.id) for r in town.residents
                                      if r.grid_id == mine.id}
    assert [e["node"] for e in out["data"]["communities"]["edges"]] == [
        {"name": town.community.name, "grids": [{"name": mine.name}]}]
    assert [e["node"] for e in out["data"]["grids"]["edges"]] == [
        {"name": mine.name, "community": {"name": town.community.name}}]
