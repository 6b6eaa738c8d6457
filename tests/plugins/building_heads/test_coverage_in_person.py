"""The yearly coverage (年度覆盖率) counts home visits in person (走访) only; phone calls and
messages (联系) count for the monthly contact with special households and nowhere else. The
serving head is credited with their own visits; visits by staff are shown apart."""

from __future__ import annotations

from core.plugin import encode_global_id as gid

COVERAGE = """query($id: ID) { buildingHeadCoverage(level: BUILDING, id: $id) {
  households visitedYear visitedYearByHead visitedYearByOthers yearlyCoveragePercent
  overdueYearly specialHouseholds specialVisitedMonth overdueMonthly } }"""
OVERDUE = """query($b: ID!) { buildingHeadOverdue(buildingId: $b, first: 10) {
  edges { node { room unit address overdueYearly overdueMonthly } } } }"""


async def _head(world, heads_kit, factory, linli_env, building):
    head = await factory.account(world.node, None)
    resident = world.residents[world.households[building.id][1].id][0]
    await heads_kit.make_head(world, linli_env.state.services.rules, building, resident,
                              link_account_id=head.id)
    return head


async def _log(gql, world, heads_kit, token, household, way="IN_PERSON"):
    out = await gql(heads_kit.LOG, {"input": {"householdId": str(gid("Household", household.id)),
                                              "way": way}},
                    token=token, node=world.node.code)
    assert out["data"]["buildingHeadLogVisit"]["__typename"] == "BuildingHeadLogVisitPayload", out


async def _coverage(gql, world, token, building):
    out = await gql(COVERAGE, {"id": str(gid("Building", building.id))}, token=token,
                    node=world.node.code)
    assert "errors" not in out, out
    (row,) = out["data"]["buildingHeadCoverage"]
    return row


async def test_every_household_visited_in_person_is_exactly_100(world, factory, gql, heads_kit,
                                                                linli_env):
    b0 = world.buildings[0]
    head = await _head(world, heads_kit, factory, linli_env, b0)
    for household in world.households[b0.id]:
        await _log(gql, world, heads_kit, head.token, household)
    row = await _coverage(gql, world, head.token, b0)
    assert row == {"households": 3, "visitedYear": 3, "visitedYearByHead": 3,
                   "visitedYearByOthers": 0, "yearlyCoveragePercent": 100, "overdueYearly": 0,
                   "specialHouseholds": 1, "specialVisitedMonth": 1, "overdueMonthly": 0}


async def test_phone_and_message_do_not_count_toward_the_yearly_coverage(
        world, factory, gql, heads_kit, linli_env):
    b0 = world.buildings[0]
    special, second, third = world.households[b0.id]
    head = await _head(world, heads_kit, factory, linli_env, b0)
    await _log(gql, world, heads_kit, head.token, special, "PHONE")
    await _log(gql, world, heads_kit, head.token, second, "MESSAGE")
    row = await _coverage(gql, world, head.token, b0)
    # nobody was visited in person: 0 %, yet the special household was contacted this month
    assert (row["visitedYear"], row["yearlyCoveragePercent"], row["overdueYearly"]) == (0, 0, 3)
    assert (row["specialVisitedMonth"], row["overdueMonthly"]) == (1, 0)
    overdue = await gql(OVERDUE, {"b": str(gid("Building", b0.id))}, token=head.token,
                        node=world.node.code)
    listed = [e["node"] for e in overdue["data"]["buildingHeadOverdue"]["edges"]]
    assert len(listed) == 3 and all(n["overdueYearly"] for n in listed)
    assert not any(n["overdueMonthly"] for n in listed)
    assert all(n["room"] and n["address"].endswith(n["room"]) for n in listed)

    await _log(gql, world, heads_kit, head.token, third)  # in person: counts
    staff = await factory.account(world.node, "building_heads.coordinator")
    await _log(gql, world, heads_kit, staff.token, special)  # staff's visit: shown apart
    row = await _coverage(gql, world, head.token, b0)
    assert (row["visitedYear"], row["visitedYearByHead"], row["visitedYearByOthers"],
            row["yearlyCoveragePercent"]) == (2, 1, 1, 66)
