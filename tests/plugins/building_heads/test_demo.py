"""Demo data: seeding a demo tenant (as ``linli demo`` does) fills heads, visits over the year,
matters at every step and a station rota; a second run adds nothing; GraphQL then shows a
building's coverage and a non-empty board."""

from __future__ import annotations

from typing import Any

from core.demo.people import demo_rows
from core.demo.places import DEMO_COMPOUNDS
from core.people.excel import import_rows
from core.schema.relay import encode_global_id
from plugins.building_heads.demo import seed_demo
from plugins.building_heads.tables import (
    Appointment,
    Candidate,
    Matter,
    MatterStep,
    RotaShift,
    Station,
    Visit,
)
from tenants.service import scope_for

COUNTED = (Candidate, Appointment, Visit, Matter, MatterStep, Station, RotaShift)
COVERAGE = """query($id: ID) { buildingHeadCoverage(level: BUILDING, id: $id) {
  name households visitedYear yearlyCoveragePercent specialHouseholds overdueYearly } }"""
BOARD = """query($community: ID!) { buildingHeadBoard(communityId: $community, first: 20) {
  edges { node { title step resolved level timeline { step participants decision } } } } }"""


async def _demo_tenant(env: Any, factory: Any, heads_kit: Any) -> Any:
    """A tenant with the demo importer's communities, buildings and residents, plugin on."""
    node = await factory.tenant()
    communities = ("御苑社区", "中巨社区")
    rows = demo_rows(node.code, communities, DEMO_COMPOUNDS, count=200, seed=node.id)
    report = await import_rows(env.state.db, node, ((i + 2, r) for i, r in enumerate(rows)),
                               None, pii_key=env.settings.pii_key, progress=False)
    assert report.ok, report.errors[:3]
    await heads_kit.enable(node)
    return node


async def _counts(env: Any, node: Any) -> dict[str, int]:
    async with env.state.db.scoped(scope_for(node)):
        return {t.__name__: await t.count() for t in COUNTED}


async def test_demo_seeding_is_idempotent_and_shows_coverage_and_a_board(linli_env, factory,
                                                                         gql, heads_kit):
    node = await _demo_tenant(linli_env, factory, heads_kit)
    async with linli_env.state.db.scoped(scope_for(node), write=True):
        await seed_demo(node.id)
    first = await _counts(linli_env, node)
    assert all(first[name] > 0 for name in ("Appointment", "Visit", "Matter", "Station",
                                             "RotaShift")), first
    async with linli_env.state.db.scoped(scope_for(node), write=True):
        await seed_demo(node.id)
    assert await _counts(linli_env, node) == first
    async with linli_env.state.db.scoped(scope_for(node)):
        steps = {r["step"] for r in await Matter.select(Matter.step)}
        statuses = {r["status"] for r in await Matter.select(Matter.status)}
        levels = {r["level"] for r in await Matter.select(Matter.level)}
        visited = await Visit.select(Visit.building_id).first()
    assert steps == {"raised", "committees", "joint", "residents", "implementing", "evaluated"}
    assert statuses == {"open", "resolved"} and "compound" in levels

    admin = await factory.account(node, "building_heads.coordinator")
    building = str(encode_global_id("Building", int(visited["building_id"])))
    coverage = await gql(COVERAGE, {"id": building}, token=admin.token, node=node.code)
    assert "errors" not in coverage, coverage
    (row,) = coverage["data"]["buildingHeadCoverage"]
    assert row["households"] > 0 and row["visitedYear"] > 0
    async with linli_env.state.db.scoped(scope_for(node)):
        community = (await Matter.select(Matter.community_id).first())["community_id"]
    board = await gql(BOARD, {"community": str(encode_global_id("Community", community))},
                      node=node.code)  # anonymous, as a notice screen would
    matters = [e["node"] for e in board["data"]["buildingHeadBoard"]["edges"]]
    assert len(matters) >= 6
    assert any(len(m["timeline"]) == 6 for m in matters)
