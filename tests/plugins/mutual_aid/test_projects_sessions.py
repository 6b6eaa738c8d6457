"""Projects through the 4有 cycle (survey per building → design → delivery → improvement, then
the next round), attendance at group sessions, recurring sessions planned by the daily job
(idempotent by a database key), and the monthly box summary with its .xlsx sheet."""

from __future__ import annotations

import asyncio
import base64
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.plugin import ApiError, today_shanghai
from plugins.mutual_aid.services import boxes, figures, menu, projects, sessions
from plugins.mutual_aid.tables import Session, Signup, Team


async def _team(world: Any) -> int:
    async with world.read():
        row = await Team.select().where(Team.community_id == world.community.id).first()
    return int(row["id"])


async def test_a_project_runs_the_four_stages_and_rounds_again(world):
    team = await _team(world)
    async with world.write():
        access = await world.access()
        project = await projects.create_project(access, community_id=world.community.id,
                                                title="义诊进楼栋", team_id=team)
        assert project["stage"] == "survey"
        with pytest.raises(ApiError) as err:  # no survey yet
            await projects.advance_project(access, project_id=project["id"])
        assert err.value.code == "CONFLICT"
    async with world.write():
        access = await world.access()
        for building, answers in zip(world.buildings, ([("义诊", 12), ("义剪", 5)],
                                                       [("义诊", 7), ("插花", 9)]), strict=True):
            await projects.record_survey(access, project_id=project["id"],
                                         building_id=building.id, answers=answers)
        # recording a building again replaces its answers
        await projects.record_survey(access, project_id=project["id"],
                                     building_id=world.buildings[0].id,
                                     answers=[("义诊", 13), ("义剪", 5)])
        project = await projects.advance_project(access, project_id=project["id"],
                                                 note="两栋楼都想要义诊")
        assert project["stage"] == "design"
        dish = await menu.create_dish(access, team_id=team, title="每月义诊", mode="session",
                                      recurring=True)
        await projects.link_dish(access, project_id=project["id"], dish_id=dish["id"])
        for stage in ("delivery", "improvement"):
            project = await projects.advance_project(access, project_id=project["id"])
            assert project["stage"] == stage
        project = await projects.advance_project(access, project_id=project["id"],
                                                 note="改到周六上午")
        assert (project["stage"], project["round"]) == ("survey", 2)
        survey = (await projects.survey_of([project["id"]]))[project["id"]]
        steps = (await projects.steps_of([project["id"]]))[project["id"]]
        closed = await projects.advance_project(access, project_id=project["id"], close=True)
    assert sorted((a["building_id"], a["option"], a["votes"]) for a in survey) == sorted([
        (world.buildings[0].id, "义诊", 13), (world.buildings[0].id, "义剪", 5),
        (world.buildings[1].id, "义诊", 7), (world.buildings[1].id, "插花", 9)])
    assert [(s["stage"], s["round"]) for s in steps] == [
        ("survey", 1), ("design", 1), ("delivery", 1), ("improvement", 1), ("survey", 2)]
    assert steps[1]["note"] == "两栋楼都想要义诊"
    assert closed["stage"] == "closed"


@pytest.mark.postgres_only
async def test_concurrent_advances_move_a_stage_once(world, linli_env):
    async with world.write():
        access = await world.access()
        project = await projects.create_project(access, community_id=world.community.id,
                                                title="红乐园")
        await projects.record_survey(access, project_id=project["id"],
                                     building_id=world.buildings[0].id, answers=[("手工", 3)])

    async def one() -> str:
        try:
            async with world.write():
                await projects.advance_project(await world.access(), project_id=project["id"])
            return "moved"
        except ApiError as err:
            return err.code

    outcomes = await asyncio.gather(*(one() for _ in range(10)))
    assert outcomes.count("moved") == 1, outcomes
    async with world.read():
        steps = (await projects.steps_of([project["id"]]))[project["id"]]
    assert [s["stage"] for s in steps] == ["survey", "design"]


async def test_attendance_counts_each_resident_once(world):
    team = await _team(world)
    async with world.write():
        access = await world.access()
        dish = await menu.create_dish(access, team_id=team, title="插花", mode="session")
        session = await menu.create_session(access, dish_id=dish["id"], capacity=5,
                                            starts_at=datetime(2030, 1, 5, 2, tzinfo=UTC))
        for r in world.residents[:3]:
            await menu.sign_up(access, session_id=session["id"], resident_id=r.id)
        for r, came in ((world.residents[0], True), (world.residents[0], True),
                        (world.residents[1], True), (world.residents[2], False)):
            out = await sessions.mark_attendance(access, session_id=session["id"],
                                                 resident_id=r.id, attended=came)
        assert out["attended"] == 2
        out = await sessions.mark_attendance(access, session_id=session["id"],
                                             resident_id=world.residents[1].id, attended=False)
        assert out["attended"] == 1
        with pytest.raises(ApiError) as err:
            await sessions.mark_attendance(access, session_id=session["id"],
                                           resident_id=world.residents[3].id, attended=True)
        assert err.value.code == "CONFLICT"
        marks = {r["resident_id"]: r["attended"] for r in await Signup.select()}
    assert marks == {world.residents[0].id: True, world.residents[1].id: False,
                     world.residents[2].id: False}


def test_next_start():
    start = datetime(2025, 1, 31, 1, tzinfo=UTC)
    assert sessions.next_start(start, "monthly") == datetime(2025, 2, 28, 1, tzinfo=UTC)
    assert sessions.next_start(start, "weekly") == datetime(2025, 2, 7, 1, tzinfo=UTC)


async def test_recurring_sessions_are_planned_once(world, run_cron):
    team = await _team(world)
    first = datetime.combine(today_shanghai(), datetime.min.time(), UTC) + timedelta(hours=1)
    async with world.write():
        access = await world.access()
        monthly = await menu.create_dish(access, team_id=team, title="义剪", mode="session",
                                         recurring=True)
        weekly = await menu.create_dish(access, team_id=team, title="健康讲座", mode="session",
                                        recurring=True, recurrence="weekly")
        once = await menu.create_dish(access, team_id=team, title="婚礼讲座", mode="session")
        for dish in (monthly, weekly, once):
            await menu.create_session(access, dish_id=dish["id"], starts_at=first, capacity=8)
        with pytest.raises(ApiError):
            await menu.create_dish(access, team_id=team, title="x", mode="session",
                                   recurring=True, recurrence="daily")
    out = await run_cron("mutual_aid.recur_sessions", world.node)
    assert out.outcome == "succeeded", out
    async with world.write():
        again = await sessions.recur_sessions({}, world.node.id)
    assert again == 0
    async with world.read():
        rows = await Session.select().order_by(Session.starts_at)
    by_dish: dict[int, list[Any]] = {}
    for r in rows:
        by_dish.setdefault(int(r["dish_id"]), []).append(r)
    assert len(by_dish[monthly["id"]]) == 2           # this month's and next month's
    assert len(by_dish[weekly["id"]]) == 6            # 5 more weeks within 35 days
    assert len(by_dish[once["id"]]) == 1
    assert all(r["capacity"] == 8 and r["recur_key"] for r in by_dish[weekly["id"]][1:])


async def test_monthly_box_summary_and_sheet(world, gql, factory):
    async with world.write():
        access = await world.access()
        box = await boxes.create_box(access, building_id=world.buildings[0].id, name="1号楼便民箱")
        wrench = await boxes.add_item(access, box_id=box["id"], name="扳手", kind="tool",
                                      loanable=True, quantity=3)
        thread = await boxes.add_item(access, box_id=box["id"], name="针线包", kind="consumable",
                                      quantity=10)
        for r in world.residents[:2]:
            await boxes.take(access, item_id=wrench["id"], resident_id=r.id)
        await boxes.take(access, item_id=thread["id"], quantity=4,
                         resident_id=world.residents[2].id)
        await boxes.count_item(access, item_id=thread["id"], counted=5, broken=0)
    month = f"{today_shanghai():%Y-%m}"
    async with world.read():
        [row] = await figures.box_summary(month)
    assert (row.building_id, row.boxes, row.loans, row.returned, row.takes, row.lost) == (
        world.buildings[0].id, 1, 2, 0, 6, 1)
    assert row.top_items == [("针线包", 4), ("扳手", 2)]
    staff = await factory.account(world.node)
    out = await gql("""query($m: String!) { mutualAidBoxSummary(month: $m) {
        buildingName loans takes lost topItems { name units } }
        mutualAidBoxSummaryExport(month: $m) }""", {"m": month}, token=staff.token,
                    node=world.node.code)
    assert "errors" not in out, out
    assert out["data"]["mutualAidBoxSummary"][0]["topItems"][0] == {"name": "针线包", "units": 4}
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(base64.b64decode(
        out["data"]["mutualAidBoxSummaryExport"]))).active
    values = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    assert values[1][:3] == ["楼栋", "便民箱", "借出（次）"]
    assert values[2][2] == 2 and values[-1][0] == "合计"
    bad = await gql("""{ mutualAidBoxSummary(month: "2024-13") { loans } }""",
                    token=staff.token, node=world.node.code)
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"


async def test_open_needs_by_age(world):
    from plugins.mutual_aid.tables import Order

    team = await _team(world)
    async with world.write():
        access = await world.access()
        fresh = await menu.place_order(access, team_id=team, title="换灯泡",
                                       resident_id=world.residents[0].id)
        old = await menu.place_order(access, team_id=team, title="修水管",
                                     resident_id=world.residents[1].id)
        await Order.update({Order.placed_at: datetime.now(UTC) - timedelta(days=3)}).where(
            Order.id == old["id"])
        ages = await figures.open_needs_by_age(world.community.id, datetime.now(UTC))
    assert [(a["bucket"], a["open"], a["unaccepted"]) for a in ages] == [
        ("under_1_day", 1, 1), ("1_2_days", 0, 0), ("2_7_days", 1, 1), ("over_7_days", 0, 0)]
    assert fresh["id"] != old["id"]
