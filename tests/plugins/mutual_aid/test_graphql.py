"""GraphQL: the workflow through the API, PLUGIN_DISABLED where off, the public needs board
without login (no resident shown), statement counts that do not grow with page size, and the
isolation probes of every table."""

from __future__ import annotations

from typing import Any

from core.plugin import encode_global_id
from plugins.mutual_aid import tables
from plugins.mutual_aid.services import boxes, menu


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


BOXES = """query($first: Int!) { mutualAidBoxes(first: $first) {
  edges { node { id name items { name quantity kind loanable low } } }
  pageInfo { hasNextPage endCursor } } }"""

TAKE = """mutation($input: MutualAidTakeInput!) { mutualAidTake(input: $input) {
  __typename ... on MutualAidTakePayload { item { quantity } loan { dueOn overdue } }
  ... on UserError { code field } } }"""

NEEDS = """query { mutualAidNeedsBoard(first: 10) { edges { node { title status plusOnes
  team { name } } } } }"""


async def _seed_boxes(world: Any, n: int) -> int:
    async with world.write():
        access = await world.access()
        for i in range(n):
            box = await boxes.create_box(access, building_id=world.buildings[i % 2].id,
                                         name=f"便民箱{i}")
            for name, kind in (("扳手", "tool"), ("针线包", "consumable")):
                item = await boxes.add_item(access, box_id=box["id"], name=name, kind=kind,
                                            quantity=2)
    return int(item["id"])


async def test_plugin_disabled(make_world, factory, gql):
    world = await make_world(enable=False)
    staff = await factory.account(world.node, "community_staff")
    out = await gql(BOXES, {"first": 5}, token=staff.token, node=world.node.code)
    assert out["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"


async def test_take_through_the_api_and_list_boxes(world, factory, gql):
    staff = await factory.account(world.node, "community_staff")
    item = await _seed_boxes(world, 2)
    out = await gql(TAKE, {"input": {"itemId": gid("MutualAidItem", item - 1),
                                     "residentId": gid("Resident", world.residents[0].id)}},
                    token=staff.token, node=world.node.code)
    payload = out["data"]["mutualAidTake"]
    assert payload["item"]["quantity"] == 1 and payload["loan"]["overdue"] is False
    out = await gql(TAKE, {"input": {"itemId": gid("MutualAidItem", item), "quantity": 3,
                                     "residentId": gid("Resident", world.residents[0].id)}},
                    token=staff.token, node=world.node.code)
    assert out["data"]["mutualAidTake"] == {"__typename": "UserError", "code": "CONFLICT",
                                            "field": "quantity"}
    out = await gql(BOXES, {"first": 1}, token=staff.token, node=world.node.code)
    page = out["data"]["mutualAidBoxes"]
    assert page["pageInfo"]["hasNextPage"] is True
    assert [i["name"] for i in page["edges"][0]["node"]["items"]] == ["扳手", "针线包"]


async def test_a_resident_cannot_take_for_someone_else(world, factory, gql):
    resident = await factory.account(world.node, "resident")
    item = await _seed_boxes(world, 1)
    out = await gql(TAKE, {"input": {"itemId": gid("MutualAidItem", item),
                                     "residentId": gid("Resident", world.residents[0].id)}},
                    token=resident.token, node=world.node.code)
    assert out["data"]["mutualAidTake"]["code"] == "FORBIDDEN"


async def test_statement_count_is_the_same_for_10_and_100_boxes(world, factory, gql, statements):
    staff = await factory.account(world.node, "community_staff")
    await _seed_boxes(world, 12)
    counts = {}
    for first in (10, 100):
        # warm: the token's access and the plugin gate are cached after a first request
        await gql(BOXES, {"first": first}, token=staff.token, node=world.node.code)
        with statements() as calls:
            out = await gql(BOXES, {"first": first}, token=staff.token, node=world.node.code)
        assert "errors" not in out
        counts[first] = len(calls)
    assert counts[10] == counts[100], counts


async def test_the_needs_board_is_public_and_shows_plus_ones(world, gql):
    async with world.write():
        access = await world.access()
        team = (await menu.teams_of(world.community.id))[0]
        order = await menu.place_order(access, team_id=team["id"], title="楼道灯不亮",
                                       resident_id=world.residents[0].id)
        await menu.add_plus_one(access, order_id=order["id"], resident_id=world.residents[1].id)
    out = await gql(NEEDS, node=world.node.code)  # no login
    [edge] = out["data"]["mutualAidNeedsBoard"]["edges"]
    assert edge["node"] == {"title": "楼道灯不亮", "status": "placed", "plusOnes": 1,
                            "team": {"name": "党员暖心服务队"}}
    leak = await gql("query { mutualAidNeedsBoard(first: 1) { edges { node { residentId } } } }",
                     node=world.node.code)
    assert "errors" in leak  # the type has no resident field


async def test_the_needs_board_reads_one_community(world, factory, gql, drain):
    """A compound's screen shows its own community's needs (``communityId``); without it the
    board is the whole tenant's."""
    other = await factory.community(world.node, "东苑社区")
    await drain()                      # its five teams, seeded by people.community_created
    building = await factory.building(other, "1号楼")
    household = await factory.household(building)
    there = await factory.resident(household, "东苑居民")
    async with world.write():
        access = await world.access()
        for community, resident, title in ((world.community.id, world.residents[0].id, "楼道灯不亮"),
                                           (other.id, there.id, "门禁坏了")):
            team = (await menu.teams_of(community))[0]
            await menu.place_order(access, team_id=team["id"], title=title, resident_id=resident)
    board = """query($c: ID) { mutualAidNeedsBoard(first: 10, communityId: $c) {
      edges { node { title communityId } } } }"""
    titles = {}
    for key, community in (("ours", world.community.id), ("theirs", other.id), ("all", None)):
        out = await gql(board, {"c": gid("Community", community) if community else None},
                        node=world.node.code)
        titles[key] = sorted(e["node"]["title"] for e in out["data"]["mutualAidNeedsBoard"]["edges"])
    assert titles == {"ours": ["楼道灯不亮"], "theirs": ["门禁坏了"], "all": ["楼道灯不亮", "门禁坏了"]}
    bad = await gql(board, {"c": gid("Building", building.id)}, node=world.node.code)
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT", bad


async def test_isolation_of_every_table(isolation_probe):
    scoped = [getattr(tables, name) for name in tables.__all__]
    assert len(scoped) == 18
    assert await isolation_probe(scoped)
