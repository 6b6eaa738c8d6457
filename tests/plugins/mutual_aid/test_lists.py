"""The menu as lists: a team's dishes and the upcoming group sessions with places and sign-ups,
readable by a resident (or a screen, without login), paginated, and N+1-free — the statement
count is the same for ``first: 10`` and ``first: 100``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from plugins.mutual_aid.services import menu
from tests.plugins.mutual_aid.conftest import gid

DISHES = """query($first: Int!, $after: String, $team: ID, $mode: String) {
  mutualAidDishes(first: $first, after: $after, teamId: $team, mode: $mode) {
    edges { node { id title mode capacity active team { name }
                   upcomingSessions(first: 2) { startsAt capacity signedUp placesLeft } } }
    pageInfo { hasNextPage endCursor } } }"""

SESSIONS = """query($first: Int!, $after: String, $community: ID, $past: Boolean) {
  mutualAidSessions(first: $first, after: $after, communityId: $community,
                    includePast: $past) {
    edges { node { id startsAt capacity signedUp placesLeft
                   dish { title team { name } } } }
    pageInfo { hasNextPage endCursor } } }"""


async def _teams(world: Any) -> list[dict[str, Any]]:
    async with world.read():
        return await menu.teams_of(world.community.id)


async def _menu(world: Any, groups: int, services: int = 0) -> list[dict[str, Any]]:
    """``groups`` group dishes over two teams, each with a held session and two coming ones
    (the sooner one with a sign-up), and ``services`` one-to-one dishes."""
    teams = await _teams(world)
    now = datetime.now(UTC)
    made = []
    async with world.write():
        access = await world.access()
        for n in range(groups):
            dish = await menu.create_dish(access, team_id=teams[n % 2]["id"], title=f"插花{n}",
                                          mode="session", capacity=8)
            for days in (-7, 3 + n, 33 + n):
                session = await menu.create_session(
                    access, dish_id=dish["id"], capacity=8,
                    starts_at=now + timedelta(days=days, minutes=n))
                if days == 3 + n:
                    await menu.sign_up(access, session_id=session["id"],
                                       resident_id=world.residents[n % 4].id)
            made.append(dish)
        for n in range(services):
            made.append(await menu.create_dish(access, team_id=teams[0]["id"],
                                               title=f"帮办{n}", mode="service"))
    return made


async def test_a_resident_lists_a_teams_dishes_with_their_next_sessions(world, gql, factory):
    await _menu(world, groups=3, services=1)
    team = gid("MutualAidTeam", (await _teams(world))[0]["id"])
    resident = await factory.account(world.node, "resident")
    out = await gql(DISHES, {"first": 10, "team": team}, token=resident.token,
                    node=world.node.code)
    assert "errors" not in out, out
    dishes = [e["node"] for e in out["data"]["mutualAidDishes"]["edges"]]
    assert [d["title"] for d in dishes] == ["插花0", "插花2", "帮办0"]
    assert {d["team"]["name"] for d in dishes} == {"党员暖心服务队"}
    first = dishes[0]["upcomingSessions"]
    assert [(s["capacity"], s["signedUp"], s["placesLeft"]) for s in first] == [(8, 1, 7),
                                                                                (8, 0, 8)]
    assert first[0]["startsAt"] < first[1]["startsAt"]       # held one not shown, in order
    assert dishes[2]["upcomingSessions"] == []
    only = await gql(DISHES, {"first": 10, "mode": "service"}, node=world.node.code)  # no login
    assert [e["node"]["title"] for e in only["data"]["mutualAidDishes"]["edges"]] == ["帮办0"]
    wrong = await gql(DISHES, {"first": 10, "mode": "banquet"}, node=world.node.code)
    assert wrong["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT", wrong


async def test_upcoming_sessions_page_in_start_order(world, gql):
    await _menu(world, groups=3)
    community = gid("Community", world.community.id)
    seen: list[dict[str, Any]] = []
    after = None
    while True:   # pages of two, by the position cursor
        out = await gql(SESSIONS, {"first": 2, "after": after, "community": community},
                        node=world.node.code)
        assert "errors" not in out, out
        page = out["data"]["mutualAidSessions"]
        seen += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == 6 and len({s["id"] for s in seen}) == 6    # no held one, no repeat
    assert [s["startsAt"] for s in seen] == sorted(s["startsAt"] for s in seen)
    assert [s["dish"]["title"] for s in seen[:3]] == ["插花0", "插花1", "插花2"]
    assert [s["signedUp"] for s in seen[:3]] == [1, 1, 1]
    everything = await gql(SESSIONS, {"first": 100, "past": True}, node=world.node.code)
    assert len(everything["data"]["mutualAidSessions"]["edges"]) == 9
    node = await gql("""query($id: ID!) { node(id: $id) { ... on MutualAidSession {
        signedUp dish { title } } } }""", {"id": seen[0]["id"]}, node=world.node.code)
    assert node["data"]["node"] == {"signedUp": 1, "dish": {"title": "插花0"}}, node


async def test_statement_counts_do_not_grow_with_the_page(world, factory, gql, statements):
    await _menu(world, groups=12, services=2)
    staff = await factory.account(world.node, "community_staff")
    for query, field in ((DISHES, "mutualAidDishes"), (SESSIONS, "mutualAidSessions")):
        counts, sizes = {}, {}
        for first in (10, 100):
            await gql(query, {"first": first}, token=staff.token, node=world.node.code)  # warm
            with statements() as calls:
                out = await gql(query, {"first": first}, token=staff.token,
                                node=world.node.code)
            assert "errors" not in out, out
            counts[first] = len(calls)
            sizes[first] = len(out["data"][field]["edges"])
        assert sizes[10] == 10 and sizes[100] > 10, (field, sizes)
        assert counts[10] == counts[100], (field, counts)


async def test_the_lists_answer_plugin_disabled_where_off(make_world, gql):
    world = await make_world(enable=False)
    for query, variables in ((DISHES, {"first": 5}), (SESSIONS, {"first": 5})):
        out = await gql(query, variables, node=world.node.code)
        assert out["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED", out
