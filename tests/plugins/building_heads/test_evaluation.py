"""Yearly evaluation: figures from the Visit, Duty and Matter tables match a hand computation;
the score weighs only the categories with something to do (weights and grade names are rule
values; a missing rating is not neutral); the lowest grade opens an improvement step; the
events are written to the outbox in the same transaction (no invented volunteer minutes), and
running again (mutation or cron) changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from core.events.service import OutboxEvent
from core.schema.relay import encode_global_id
from plugins.building_heads.services import evaluation
from plugins.building_heads.tables import Duty, Evaluation, Matter, SurveyResponse, Visit

COORD = "building_heads.coordinator"

EVALUATE = """mutation($input: BuildingHeadEvaluateInput!) {
  buildingHeadEvaluate(input: $input) {
    __typename
    ... on BuildingHeadEvaluatePayload { evaluations { id year coveragePct specialMonthsPct
        mattersClosed ratingAvg households visitedHouseholds visitsLogged dutiesRecorded score
        grade parts { category score weight } improvementOpen
        appointment { id residentName } } }
    ... on UserError { code field }
  }
}"""


PLAN = """mutation($input: BuildingHeadPlanImprovementInput!) {
  buildingHeadPlanImprovement(input: $input) {
    __typename
    ... on BuildingHeadPlanImprovementPayload { evaluation { improvementPlan
                                                              improvementReviewOn } }
    ... on UserError { code field } } }"""


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


async def _visit(world: Any, building: Any, household: Any, day: date,
                 appointment: int | None) -> None:
    async with world.write():
        await Visit.insert(Visit(tenant_id=world.node.id, building_id=building.id,
                                 household_id=household.id, appointment_id=appointment,
                                 visited_on=day, created_at=datetime.now(UTC)))


async def _matter(world: Any, building: Any, status: str, at: datetime, rating: int | None
                  ) -> None:
    async with world.write():
        await Matter.insert(Matter(tenant_id=world.node.id, title="楼道灯不亮",
                                   community_id=world.community.id, building_id=building.id,
                                   status=status, rating=rating, created_at=at, updated_at=at))


async def _seed(world: Any, kit: Any, rules: Any) -> tuple[int, int]:
    """Head of building 0 all 2024, head of building 1 from July 2024; visits and matters."""
    b0, b1 = world.buildings[0], world.buildings[1]
    hh = world.households[b0.id]
    head0 = await kit.make_head(world, rules, b0, world.residents[hh[1].id][0],
                                start=date(2024, 1, 1))
    head1 = await kit.make_head(world, rules, b1, world.residents[world.households[b1.id][1].id][0],
                                start=date(2024, 7, 1))
    for month in (1, 2, 3):  # household 0 is special (鳏寡孤独): visited 3 of 12 months
        await _visit(world, b0, hh[0], date(2024, month, 10), head0)
    await _visit(world, b0, hh[1], date(2024, 6, 1), head0)
    await _visit(world, b0, hh[2], date(2023, 12, 31), head0)  # other years do not count
    await _visit(world, b0, hh[2], date(2025, 1, 1), head0)
    shanghai_new_year = datetime(2023, 12, 31, 17, 0, tzinfo=UTC)  # 2024-01-01 01:00 in Shanghai
    await _matter(world, b0, "resolved", shanghai_new_year, 3)
    await _matter(world, b0, "resolved", datetime(2024, 6, 1, tzinfo=UTC), 5)
    await _matter(world, b0, "resolved", datetime(2024, 8, 1, tzinfo=UTC), 4)
    await _matter(world, b0, "resolved", datetime(2024, 9, 1, tzinfo=UTC), None)
    await _matter(world, b0, "open", datetime(2024, 9, 1, tzinfo=UTC), None)
    await _matter(world, b0, "resolved", datetime(2024, 12, 31, 16, 30, tzinfo=UTC), 1)  # 2025
    await _matter(world, b1, "resolved", datetime(2024, 10, 1, tzinfo=UTC), None)
    async with world.write():  # head 0 recorded duties in two months of 2024 (and one in 2025)
        await Duty.insert(*(Duty(tenant_id=world.node.id, building_id=b0.id, kind=kind,
                                 done_on=day, appointment_id=head0, summary="记录", minutes=30,
                                 created_at=datetime.now(UTC))
                            for kind, day in (("policy_relay", date(2024, 3, 5)),
                                              ("mediation", date(2024, 3, 20)),
                                              ("safety", date(2024, 5, 5)),
                                              ("campaign", date(2025, 1, 2)))))
        # the residents' survey of head 0 for 2024: three households answered 5, 4, 4
        await SurveyResponse.insert(*(SurveyResponse(
            tenant_id=world.node.id, building_id=b0.id, year=2024, household_id=h.id, score=v,
            created_at=datetime.now(UTC)) for h, v in zip(hh, (5, 4, 4), strict=True)))
    return head0, head1


async def test_evaluation_matches_hand_computation_emits_events_and_is_idempotent(
        world, gql, factory, linli_env, heads_kit):
    rules = linli_env.state.services.rules
    coord = await factory.account(world.node, COORD)
    head0, head1 = await _seed(world, heads_kit, rules)
    out = await gql(EVALUATE, {"input": {"year": 2024}}, token=coord.token, node=world.node.code)
    assert "errors" not in out, out
    rows = {e["appointment"]["id"]: e for e in out["data"]["buildingHeadEvaluate"]["evaluations"]}
    first = rows[gid("BuildingHeadAppointment", head0)]
    # coverage: 2 of 3 households visited in person by the head → 66; duties: 2 of 12 months
    # → 16; matters: 4 closed in 2024 (Shanghai), 1 still open → 80; residents: the survey's
    # 5, 4, 4 → 4.33 × 20 = 86 (the matters' ratings 3, 5, 4 are shown, not scored).
    # Score (66·40 + 16·20 + 80·20 + 86·20) // 100 = 62 → 合格
    assert (first["households"], first["visitedHouseholds"], first["coveragePct"]) == (3, 2, 66)
    assert first["specialMonthsPct"] == 25 and first["dutiesRecorded"] == 3
    assert (first["mattersClosed"], first["ratingAvg"]) == (4, 4.0)
    assert first["visitsLogged"] == 6 - 2
    assert {p["category"]: p["score"] for p in first["parts"]} == {
        "coverage": 66, "duties": 16, "matters": 80, "residents": 86}
    assert (first["score"], first["grade"], first["improvementOpen"]) == (62, "合格", False)
    second = rows[gid("BuildingHeadAppointment", head1)]
    # no visits (0), no duty in 6 months (0), one matter closed of one (100), no survey answer:
    # residents left out, not neutral → (0·40 + 0·20 + 100·20) // 80 = 25 → 待改进
    assert (second["coveragePct"], second["mattersClosed"], second["ratingAvg"],
            second["score"], second["grade"]) == (0, 1, None, 25, "待改进")
    assert {p["category"] for p in second["parts"]} == {"coverage", "duties", "matters"}
    assert second["improvementOpen"] is True

    async with linli_env.state.db.transaction(write=False):
        events = await OutboxEvent.select().where(OutboxEvent.tenant_id == world.node.id)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        by_type.setdefault(e["event_type"], []).append(json.loads(e["payload"]))
    done = sorted(by_type["building_heads.evaluation_completed"], key=lambda p: p["score"])
    assert [(p["score"], p["grade"], p["year"]) for p in done] == [
        (25, "待改进", 2024), (62, "合格", 2024)]
    assert "volunteer.service_recorded" not in by_type  # minutes come with duties, not here

    plan = await gql(PLAN, {"input": {"evaluationId": second["id"], "plan": "每月走访全楼",
                                      "reviewOn": "2099-06-30"}},
                     token=coord.token, node=world.node.code)
    planned = plan["data"]["buildingHeadPlanImprovement"]["evaluation"]
    assert (planned["improvementPlan"], planned["improvementReviewOn"]) == ("每月走访全楼",
                                                                          "2099-06-30")
    refused = await gql(PLAN, {"input": {"evaluationId": first["id"], "plan": "x",
                                         "reviewOn": "2099-06-30"}},
                        token=coord.token, node=world.node.code)
    assert refused["data"]["buildingHeadPlanImprovement"]["code"] == "CONFLICT"

    again = await gql(EVALUATE, {"input": {"year": 2024}}, token=coord.token,
                      node=world.node.code)
    assert again["data"]["buildingHeadEvaluate"]["evaluations"] == []
    async with linli_env.state.db.transaction(write=False):
        assert len(await OutboxEvent.select().where(
            OutboxEvent.tenant_id == world.node.id)) == len(events)
    async with world.read():
        assert await Evaluation.count() == 2
    listed = await gql("{ buildingHeadEvaluations(year: 2024, first: 10) "
                       "{ edges { node { score } } } }",
                       token=coord.token, node=world.node.code)
    assert sorted(e["node"]["score"] for e in
                  listed["data"]["buildingHeadEvaluations"]["edges"]) == [25, 62]


async def test_unfinished_year_refused_and_cron_once_per_year(world, gql, factory, linli_env,
                                                               heads_kit, make_world):
    rules = linli_env.state.services.rules
    coord = await factory.account(world.node, COORD)
    await _seed(world, heads_kit, rules)
    this_year = datetime.now(UTC).astimezone(evaluation.SHANGHAI).year
    refused = await gql(EVALUATE, {"input": {"year": this_year}}, token=coord.token,
                        node=world.node.code)
    assert refused["data"]["buildingHeadEvaluate"]["field"] == "year"

    jobs = linli_env.state.services.jobs
    spec = jobs.crons["building_heads.evaluate_year"]
    assert (spec.month, spec.day, spec.hour, spec.once_per) == (1, 1, 2, "year")
    assert await jobs.run_cron(spec, world.node.id, {}, period="2025") == 2
    assert await jobs.run_cron(spec, world.node.id, {}, period="2025") is None  # key held
    async with world.read():
        assert [r["year"] for r in await Evaluation.select(Evaluation.year)] == [2024, 2024]

    other = await make_world()
    stranger = await factory.account(other.node, COORD)
    none = await gql("{ buildingHeadEvaluations(year: 2024, first: 10) { edges { node { id } } } }",
                     token=stranger.token, node=other.node.code)
    assert none["data"]["buildingHeadEvaluations"]["edges"] == []

    off = await make_world(enable=False)
    admin = await factory.account(off.node, COORD)
    gated = await gql(EVALUATE, {"input": {"year": 2024}}, token=admin.token, node=off.node.code)
    assert gated["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"
    assert (await jobs.run_cron(spec, off.node.id, {}, period="2025"))["refused"]


def test_score_formula_bounds():
    full = evaluation.Figures(10, 10, 100, 100, 9, 500, 3, 12, matters_open=0,
                              months_served=12, duty_months=12, survey_responses=5,
                              survey_avg_x100=500)
    assert evaluation.score_of(full) == 100 and evaluation.grade_of(100) == "优秀"
    assert evaluation.grade_of(75) == "良好" and evaluation.grade_of(60) == "合格"
    assert evaluation.grade_of(59) == "待改进"
    unrated = evaluation.Figures(10, 10, 100, 100, 0, 0, 0, 12, months_served=12,
                                 duty_months=12)
    assert evaluation.parts_of(unrated) == {"coverage": 100, "duties": 100}
    assert evaluation.score_of(unrated) == 100  # nothing to close, nobody rated: left out
    custom = {"coverage": 100, "duties": 0, "matters": 0, "residents": 0}
    assert evaluation.score_of(evaluation.Figures(10, 5, 50, 0, 0, 0, 0, 5, months_served=12),
                               custom) == 50
    assert evaluation.grade_of(50, [[50, "甲"], [0, "乙"]]) == "甲"
