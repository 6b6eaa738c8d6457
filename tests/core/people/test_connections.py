"""Connection arguments: ``first`` 1–100, ``after`` a well-formed cursor; keyset paging."""

import pytest


@pytest.mark.parametrize("args", ["first: 0", "first: 101", "first: -1",
                                  'first: 10, after: "!!not-a-cursor"',
                                  'first: 10, communityId: "bm9wZQ"'])
async def test_bad_arguments_are_invalid_argument(gql, factory, args):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    result = await gql(f"{{ residents({args}) {{ edges {{ node {{ id }} }} }} }}",
                       token=admin.token, node=tenant.code)
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT", result


async def test_pages_follow_the_cursor(gql, factory, seed):
    town = await seed.town(factory, households=3)
    admin = await factory.account(town.node)
    seen, after = [], None
    while True:
        result = await gql("query($after: String) { residents(first: 5, after: $after) { edges {"
                           " node { name } } pageInfo { hasNextPage endCursor } } }",
                           {"after": after}, token=admin.token, node=town.node.code)
        page = result["data"]["residents"]
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [r.name for r in sorted(town.residents, key=lambda r: r.id)]


async def test_filters(gql, factory, seed, global_id):
    town = await seed.town(factory)
    admin = await factory.account(town.node)
    ask = {"token": admin.token, "node": town.node.code}
    grid = town.grids[1]
    result = await gql("query($g: ID) { residents(first: 50, gridId: $g, tag: \"党员\") { edges {"
                       " node { id } } } }", {"g": global_id("Grid", grid.id)}, **ask)
    got = {e["node"]["id"] for e in result["data"]["residents"]["edges"]}
    assert got == {global_id("Resident", r.id) for r in town.residents
                   if r.grid_id == grid.id and r.relation != "户主"}
    bad = await gql('{ residents(first: 5, tag: "富豪") { edges { node { id } } } }', **ask)
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"


@pytest.mark.parametrize("tag", [" ", "\t\n"])
async def test_a_blank_tag_filters_nothing(gql, factory, seed, tag):
    town = await seed.town(factory)
    admin = await factory.account(town.node)
    result = await gql("query($t: String) { residents(first: 50, tag: $t) { edges { node { id } }"
                       " } }", {"t": tag}, token=admin.token, node=town.node.code)
    assert result.get("errors") is None, result
    assert len(result["data"]["residents"]["edges"]) == len(town.residents)
