"""Coverage is computed from the visits: a seeded tenant's figures match a hand computation at
every level, the region roll-up has counts only, the overdue list, and the number of SQL
statements does not grow with the number of households."""

from datetime import date

from core.plugin import encode_global_id as gid
from core.plugin import today_shanghai
from core.testing import count_statements as counting

COVERAGE = """query($level: BuildingHeadCoverageLevel!, $id: ID, $year: Int, $month: Int) {
  buildingHeadCoverage(level: $level, id: $id, year: $year, month: $month) {
    level placeId name year month households visitedYear yearlyCoverageBp
    yearlyCoveragePercent overdueYearly specialHouseholds specialVisitedMonth
    specialCoverageBp specialCoveragePercent overdueMonthly specialTagsVersion } }"""

REGION = """query($year: Int) { buildingHeadRegionCoverage(year: $year) {
  placeId name households visitedYear yearlyCoverageBp specialHouseholds specialVisitedMonth
  specialCoverageBp } }"""

OVERDUE = """query($b: ID!, $first: Int!, $after: String) {
  buildingHeadOverdue(buildingId: $b, first: $first, after: $after) {
    edges { cursor node { room special overdueYearly overdueMonthly lastVisitedOn } }
    pageInfo { hasNextPage endCursor } } }"""


async def seed_2025(world, heads_kit):
    """Visits for year 2025, month 5 (see the hand computation in the test below).
    Special households: b0/101 (鳏寡孤独, from the world) and b1/301 (a second resident tagged
    老加残); b2/201 gets a resident tagged 空巢, which is not a special tag."""
    h = {b: world.households[world.buildings[b].id] for b in range(3)}
    await heads_kit.tag(world, h[1][2], "老加残居民", ["老加残"])
    await heads_kit.tag(world, h[2][1], "空巢居民", ["空巢"])
    await heads_kit.add_visits(world, [
        (h[0][0], date(2025, 5, 2)), (h[0][0], date(2025, 3, 1)),  # twice: counts once
        (h[0][1], date(2025, 3, 10)),
        (h[0][2], date(2024, 12, 30)),                               # last year only
        (h[1][0], date(2025, 5, 20)),
        (h[1][2], date(2025, 4, 30)),                                # special, not in May
        (h[2][0], date(2025, 6, 1)),
        (h[2][1], date(2026, 1, 1)),                                 # next year
    ])


def figures(row):
    return (row["households"], row["visitedYear"], row["yearlyCoverageBp"],
            row["yearlyCoveragePercent"], row["specialHouseholds"], row["specialVisitedMonth"],
            row["specialCoverageBp"], row["overdueYearly"], row["overdueMonthly"])


async def test_coverage_matches_a_hand_computation(world, factory, gql, heads_kit):
    """Hand computation for 2025, May (3 households per building):
    b0: visited in 2025 = 101, 201 → 2/3 = 6666 bp (66 %); special {101}, visited in May → 1/1.
    b1: visited = 101, 301 → 2/3 = 6666 bp; special {301}, last visit 30 April → 0/1 = 0 bp.
    b2: visited = 101 → 1/3 = 3333 bp (33 %); no special household → percent null.
    grid 1 = b0 + b1: 4/6 = 6666 bp; special 1/2 = 5000 bp.   grid 2 = b2.
    community = tenant = all: 5/9 = 5555 bp (55 %); special 1/2 = 5000 bp."""
    await seed_2025(world, heads_kit)
    coordinator = await factory.account(world.node, "building_heads.coordinator")

    async def rows(level, pk=None):
        out = await gql(COVERAGE, {"level": level, "id": pk, "year": 2025, "month": 5},
                        token=coordinator.token, node=world.node.code)
        assert "errors" not in out, out
        return out["data"]["buildingHeadCoverage"]

    b = world.buildings
    by_building = {r["placeId"]: figures(r) for r in await rows("BUILDING")}
    assert by_building == {
        gid("Building", b[0].id): (3, 2, 6666, 66, 1, 1, 10000, 1, 0),
        gid("Building", b[1].id): (3, 2, 6666, 66, 1, 0, 0, 1, 1),
        gid("Building", b[2].id): (3, 1, 3333, 33, 0, 0, None, 2, 0),
    }
    by_grid = {r["placeId"]: figures(r) for r in await rows("GRID")}
    assert by_grid == {gid("Grid", world.grids[0].id): (6, 4, 6666, 66, 2, 1, 5000, 2, 1),
                       gid("Grid", world.grids[1].id): (3, 1, 3333, 33, 0, 0, None, 2, 0)}
    [community] = await rows("COMMUNITY")
    assert community["name"] == "御苑社区"
    assert figures(community) == (9, 5, 5555, 55, 2, 1, 5000, 4, 1)
    [tenant] = await rows("TENANT")
    assert figures(tenant) == figures(community) and tenant["placeId"] == gid("Tenant",
                                                                               world.node.id)
    [one] = await rows("BUILDING", gid("Building", b[1].id))
    assert figures(one) == by_building[gid("Building", b[1].id)]
    assert one["year"] == 2025 and one["month"] == 5 and one["specialTagsVersion"] >= 1
    # another month of the same year: b1/301's April visit counts for April
    out = await gql(COVERAGE, {"level": "BUILDING", "id": gid("Building", b[1].id),
                               "year": 2025, "month": 4},
                    token=coordinator.token, node=world.node.code)
    assert out["data"]["buildingHeadCoverage"][0]["specialVisitedMonth"] == 1


async def test_a_head_sees_only_their_building(world, factory, gql, heads_kit):
    await seed_2025(world, heads_kit)
    head = await heads_kit.appoint(world, world.buildings[0])
    out = await gql(COVERAGE, {"level": "BUILDING", "year": 2025, "month": 5},
                    token=head.token, node=world.node.code)
    assert [r["placeId"] for r in out["data"]["buildingHeadCoverage"]] == [
        gid("Building", world.buildings[0].id)]
    out = await gql(COVERAGE, {"level": "BUILDING", "id": gid("Building", world.buildings[2].id),
                               "year": 2025}, token=head.token, node=world.node.code)
    assert out["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    resident = await factory.account(world.node, "resident")
    out = await gql(COVERAGE, {"level": "TENANT"}, token=resident.token, node=world.node.code)
    assert out["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_bad_periods_are_refused(world, factory, gql):
    coordinator = await factory.account(world.node, "building_heads.coordinator")
    out = await gql(COVERAGE, {"level": "TENANT", "year": 2025, "month": 13},
                    token=coordinator.token, node=world.node.code)
    assert out["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"


async def test_region_roll_up_has_one_row_per_tenant_with_counts_only(
        linli_env, factory, gql, make_world, heads_kit):
    region = await factory.region()
    first = await make_world(region=region)
    second = await make_world(region=region)
    off = await make_world(region=region, enable=False)
    await heads_kit.enable(region)
    await heads_kit.enable(off.node, False)
    await seed_2025(first, heads_kit)
    await heads_kit.add_visits(
        second, [(second.households[second.buildings[2].id][0], date(2025, 1, 9))])
    official = await factory.account(region, "region_official")
    out = await gql(REGION, {"year": 2025}, token=official.token, node=region.code)
    assert "errors" not in out, out
    rows = {r["placeId"]: r for r in out["data"]["buildingHeadRegionCoverage"]}
    assert set(rows) == {gid("Tenant", first.node.id), gid("Tenant", second.node.id)}
    a, b = rows[gid("Tenant", first.node.id)], rows[gid("Tenant", second.node.id)]
    # a past year without a month: its December (no visits there)
    assert (a["households"], a["visitedYear"], a["yearlyCoverageBp"]) == (9, 5, 5555)
    assert (a["specialHouseholds"], a["specialVisitedMonth"], a["specialCoverageBp"]) == (2, 0, 0)
    assert (b["households"], b["visitedYear"], b["specialHouseholds"]) == (9, 1, 1)
    assert set(a) == {"placeId", "name", "households", "visitedYear", "yearlyCoverageBp",
                      "specialHouseholds", "specialVisitedMonth", "specialCoverageBp"}
    staff = await factory.account(first.node, "building_heads.coordinator")
    out = await gql(REGION, {"year": 2025}, token=staff.token, node=first.node.code)
    assert out["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"
    tenant_official = await factory.account(region, "volunteer")
    out = await gql(REGION, {"year": 2025}, token=tenant_official.token, node=region.code)
    assert out["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_overdue_list_of_a_building(world, factory, gql, heads_kit):
    """Today: b0/101 (special) visited last year only → overdue for both; 201 visited today →
    not listed; 301 never visited → overdue for the year."""
    b0 = world.buildings[0]
    h = world.households[b0.id]
    today = today_shanghai()
    await heads_kit.add_visits(world, [(h[0], date(today.year - 1, 6, 1)), (h[1], today)])
    head = await heads_kit.appoint(world, b0)
    out = await gql(OVERDUE, {"b": gid("Building", b0.id), "first": 1}, token=head.token,
                    node=world.node.code)
    page = out["data"]["buildingHeadOverdue"]
    assert [e["node"] for e in page["edges"]] == [
        {"room": "101", "special": True, "overdueYearly": True, "overdueMonthly": True,
         "lastVisitedOn": date(today.year - 1, 6, 1).isoformat()}]
    assert page["pageInfo"]["hasNextPage"]
    out = await gql(OVERDUE, {"b": gid("Building", b0.id), "first": 5,
                              "after": page["pageInfo"]["endCursor"]},
                    token=head.token, node=world.node.code)
    assert [e["node"] for e in out["data"]["buildingHeadOverdue"]["edges"]] == [
        {"room": "301", "special": False, "overdueYearly": True, "overdueMonthly": False,
         "lastVisitedOn": None}]
    out = await gql(OVERDUE, {"b": gid("Building", world.buildings[1].id), "first": 5},
                    token=head.token, node=world.node.code)
    assert out["errors"][0]["extensions"]["code"] == "NOT_FOUND"




async def test_statement_count_does_not_grow_with_households(world, factory, gql, linli_env,
                                                             heads_kit):
    coordinator = await factory.account(world.node, "building_heads.coordinator")
    await seed_2025(world, heads_kit)
    counts = {}
    for round_ in (0, 1):
        if round_:  # 30 more households, a third of them special, half visited
            new = [await factory.household(world.buildings[i % 3], f"9{i:02d}")
                   for i in range(30)]
            for i, household in enumerate(new):
                if i % 3 == 0:
                    await heads_kit.tag(world, household, f"新居民{i}", ["长期空巢"])
            await heads_kit.add_visits(world, [(hh, date(2025, 5, 3)) for hh in new[::2]])
        for level in ("BUILDING", "TENANT"):
            # warm: the token's access and the plugin gate are cached after a first request
            await gql(COVERAGE, {"level": level, "year": 2025, "month": 5},
                      token=coordinator.token, node=world.node.code)
            with counting(linli_env.state.db.engine) as calls:
                out = await gql(COVERAGE, {"level": level, "year": 2025, "month": 5},
                                token=coordinator.token, node=world.node.code)
            assert "errors" not in out, out
            counts[(round_, level)] = len(calls)
        if round_:
            [tenant] = out["data"]["buildingHeadCoverage"]
            assert (tenant["households"], tenant["visitedYear"]) == (39, 20)
            assert tenant["specialHouseholds"] == 12
    assert counts[(0, "BUILDING")] == counts[(1, "BUILDING")], counts
    assert counts[(0, "TENANT")] == counts[(1, "TENANT")], counts
    # authentication, the acting node, the plugin gate, the rule, four grouped counts, names
    assert counts[(1, "BUILDING")] <= 20, counts


async def test_overdue_list_names_building_unit_and_room(world, gql, heads_kit):
    from core.people import places

    b0 = world.buildings[0]
    async with world.write():
        unit = await places.ensure_unit(b0, "2单元")
        await places.ensure_household(b0, "902", unit)
    head = await heads_kit.appoint(world, b0)
    query = """query($b: ID!) { buildingHeadOverdue(buildingId: $b, first: 50) {
      edges { node { building unit room address } } } }"""
    out = await gql(query, {"b": gid("Building", b0.id)}, token=head.token,
                    node=world.node.code)
    nodes = [e["node"] for e in out["data"]["buildingHeadOverdue"]["edges"]]
    assert {"building": b0.name, "unit": "2单元", "room": "902",
            "address": f"{b0.name}2单元902"} in nodes, nodes
    assert {"building": b0.name, "unit": None, "room": "301",
            "address": f"{b0.name}301"} in nodes
