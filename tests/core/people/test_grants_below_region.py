"""Security review: a grant held at one tenant must not widen what its holder sees when acting
at a region above it (the region's scope reads every tenant below; the tenant-wide grant covers
only its own tenant)."""

from __future__ import annotations

RESIDENTS = "{ residents(first: 100) { edges { node { id name idNumber } } } }"


async def test_tenant_admin_of_a_acting_at_region_sees_only_a(gql, factory, seed, global_id):
    region = await factory.region()
    town_a = await seed.town(factory, region=region)
    town_b = await seed.town(factory, region=region)
    official = await factory.account(region, "region_official")
    await factory.grant(official, town_a.node, "tenant_admin")
    ask = {"token": official.token, "node": region.code}
    result = await gql(RESIDENTS, **ask)
    assert result.get("errors") is None, result
    seen = {e["node"]["id"] for e in result["data"]["residents"]["edges"]}
    assert seen == {global_id("Resident", r.id) for r in town_a.residents}
    for field in ("households", "buildings", "grids", "communities"):
        listing = await gql(f"{{ {field}(first: 100) {{ edges {{ node {{ id }} }} }} }}", **ask)
        ids = {e["node"]["id"] for e in listing["data"][field]["edges"]}
        assert ids and not any(global_id(t, x.id) in ids for t, x in (
            ("Household", town_b.households[0]), ("Building", town_b.buildings[0]),
            ("Grid", town_b.grids[0]), ("Community", town_b.community))), field
    other = await gql("query($id: ID!) { node(id: $id) { id } }",
                      {"id": global_id("Resident", town_b.residents[0].id)}, **ask)
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    own = await gql("query($id: ID!) { node(id: $id) { id } }",
                    {"id": global_id("Resident", town_a.residents[0].id)}, **ask)
    assert own["data"]["node"] == {"id": global_id("Resident", town_a.residents[0].id)}
