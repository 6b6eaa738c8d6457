"""Projects, not one-off events: each community runs the menu as projects through the 4有
cycle — 需求调查 a preference survey per building → 科学设计 design (the dishes) → 实施推进
delivery → 专业提升 improvement — and round again, turning one-off activities into regular
ones. A stage moves with a conditional update (``WHERE stage = from``), so two clicks advance
it once; every stage entered is kept in the history with what was decided."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Count, Sum

from core.plugin import Access, record
from plugins.mutual_aid.services.common import (
    bad,
    check_building,
    check_community,
    conflict,
    ensure,
    not_found,
    now,
    tenant_of,
    text,
)
from plugins.mutual_aid.tables import Dish, Order, Project, ProjectStep, Session, SurveyAnswer

__all__ = [
    "STAGES",
    "advance_project",
    "create_project",
    "get_project",
    "link_dish",
    "project_figures",
    "project_page",
    "record_survey",
    "steps_of",
    "survey_of",
]

STAGES = ("survey", "design", "delivery", "improvement")
"""The 4有 cycle; ``closed`` ends a project, improvement otherwise leads to the next survey."""


async def get_project(project_id: int, field: str = "projectId") -> dict[str, Any]:
    row = await Project.select().where(Project.id == project_id).first()
    if row is None:
        raise not_found("项目", "project", field)
    return dict(row)


async def create_project(access: Access, *, community_id: int, title: str,
                         description: str = "", team_id: int | None = None) -> dict[str, Any]:
    """A project starts at its preference survey."""
    await check_community(community_id)
    ensure(access, "mutual_aid.menu", community_id)
    at = now()
    row = Project(tenant_id=tenant_of(access), community_id=community_id, team_id=team_id,
                  title=text(title, "title", required=True, limit=100),
                  description=text(description, "description", required=False, limit=2000),
                  stage="survey", round=1, created_at=at, stage_changed_at=at)
    await Project.insert(row)
    await ProjectStep.insert(ProjectStep(tenant_id=row.tenant_id, project_id=row.id,
                                         stage="survey", round=1, note="",
                                         account_id=access.principal.account_id,
                                         changed_at=at))
    await record("mutual_aid.project.step", account_id=access.principal.account_id,
                 object_type="mutual_aid_project", object_id=row.id, summary={"to": "survey"})
    return await get_project(int(row.id))


async def record_survey(access: Access, *, project_id: int, building_id: int,
                        answers: list[tuple[str, int]]) -> dict[str, Any]:
    """需求调查 A building's preferences (option → households asking for it) in the current
    round's survey; recording the building again replaces its answers."""
    project = await get_project(project_id)
    ensure(access, "mutual_aid.menu", int(project["community_id"]))
    if project["stage"] != "survey":
        raise conflict("项目不在需求调查阶段", "the project is not at its survey", "projectId")
    building = await check_building(building_id)
    if int(building.community_id) != int(project["community_id"]):
        raise bad("该楼栋不在项目所在社区", "the building is not in the project's community",
                  "buildingId")
    if not answers or len(answers) > 30:
        raise bad("请给出1至30个选项", "give 1 to 30 options", "answers")
    clean: dict[str, int] = {}
    for option, votes in answers:
        name = text(option, "answers", required=True, limit=100)
        if not 0 <= votes <= 10000:
            raise bad("票数须在0到10000之间", "votes must be 0–10000", "answers")
        clean[name] = clean.get(name, 0) + votes
    await SurveyAnswer.delete().where(
        (SurveyAnswer.project_id == project_id) & (SurveyAnswer.round == project["round"])
        & (SurveyAnswer.building_id == building_id))
    at = now()
    await SurveyAnswer.insert(*[SurveyAnswer(
        tenant_id=project["tenant_id"], project_id=project_id, round=project["round"],
        building_id=building_id, option=o, votes=v, recorded_at=at)
        for o, v in sorted(clean.items())])
    return project


async def link_dish(access: Access, *, project_id: int, dish_id: int) -> dict[str, Any]:
    """科学设计 A dish designed in the project (at design or later)."""
    project = await get_project(project_id)
    ensure(access, "mutual_aid.menu", int(project["community_id"]))
    if project["stage"] == "survey" or project["stage"] == "closed":
        raise conflict("调查完成后才能设计菜品", "dishes are designed after the survey",
                       "projectId")
    dish = await Dish.select().where(Dish.id == dish_id).first()
    if dish is None or int(dish["community_id"]) != int(project["community_id"]):
        raise not_found("菜品", "dish", "dishId")
    await Dish.update({Dish.project_id: project_id}).where(Dish.id == dish_id)
    return project


async def advance_project(access: Access, *, project_id: int, note: str = "",
                          close: bool = False) -> dict[str, Any]:
    """The next stage of the 4有 cycle, with what was decided. The survey needs answers,
    delivery needs a designed dish; after improvement the next round's survey starts (or,
    with ``close``, the project ends)."""
    project = await get_project(project_id)
    ensure(access, "mutual_aid.menu", int(project["community_id"]))
    stage, round_ = str(project["stage"]), int(project["round"])
    if stage == "closed":
        raise conflict("项目已结束", "the project is closed", "projectId")
    if not close and stage == "survey" and not await SurveyAnswer.exists().where(
            (SurveyAnswer.project_id == project_id) & (SurveyAnswer.round == round_)):
        raise conflict("尚无楼栋的调查结果", "no building's survey is recorded yet",
                       "projectId")
    if not close and stage == "design" and not await Dish.exists().where(Dish.project_id == project_id):
        raise conflict("尚未设计菜品", "no dish is designed yet", "projectId")
    if close:
        to, next_round = "closed", round_
    elif stage == "improvement":
        to, next_round = "survey", round_ + 1
    else:
        to, next_round = STAGES[STAGES.index(stage) + 1], round_
    at = now()
    moved = await Project.update({Project.stage: to, Project.round: next_round,
                                  Project.stage_changed_at: at}).where(
        (Project.id == project_id) & (Project.stage == stage) & (Project.round == round_)
    ).returning(Project.id)
    if not moved:
        raise conflict("项目阶段已被他人推进", "the project moved meanwhile", "projectId")
    await ProjectStep.insert(ProjectStep(
        tenant_id=project["tenant_id"], project_id=project_id, stage=to, round=next_round,
        note=text(note, "note", required=False, limit=2000),
        account_id=access.principal.account_id, changed_at=at))
    await record("mutual_aid.project.step", account_id=access.principal.account_id,
                 object_type="mutual_aid_project", object_id=project_id, summary={"to": to})
    return await get_project(project_id)


async def project_page(access: Access, first: int, after: int,
                       community_id: int | None = None) -> list[dict[str, Any]]:
    query = Project.select().where(Project.id > after)
    if community_id is not None:
        query = query.where(Project.community_id == community_id)
    limit = access.limit("mutual_aid.read")
    if limit is not None:
        query = query.where(Project.community_id.is_in(sorted(limit.community_ids) or [-1]))
    return [dict(r) for r in await query.order_by(Project.id).limit(first + 1)]


async def steps_of(project_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in project_ids}
    for r in await ProjectStep.select().where(
            ProjectStep.project_id.is_in(project_ids or [-1])).order_by(ProjectStep.id):
        out[int(r["project_id"])].append(dict(r))
    return out


async def survey_of(project_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Every round's answers of the projects, by building and option."""
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in project_ids}
    for r in await SurveyAnswer.select().where(
            SurveyAnswer.project_id.is_in(project_ids or [-1])).order_by(
            SurveyAnswer.round, SurveyAnswer.building_id, SurveyAnswer.option):
        out[int(r["project_id"])].append(dict(r))
    return out


async def project_figures(project_ids: list[int]) -> dict[int, dict[str, Any]]:
    """专业提升 What delivery achieved, per project (three statements): dishes, sessions held,
    sign-ups and attendance, orders done and their mean rating."""
    dishes = {int(r["id"]): int(r["project_id"]) for r in await Dish.select(
        Dish.id, Dish.project_id).where(Dish.project_id.is_in(project_ids or [-1]))}
    out: dict[int, dict[str, Any]] = {pid: {
        "dishes": sum(1 for p in dishes.values() if p == pid), "sessions": 0, "signed_up": 0,
        "attended": 0, "orders_done": 0, "mean_rating": None} for pid in project_ids}
    for r in await Session.select(Session.dish_id, Count(alias="n"),
                                  Sum(Session.signed_up, alias="signed"),
                                  Sum(Session.attended, alias="came")).where(
            Session.dish_id.is_in(list(dishes) or [-1])).group_by(Session.dish_id):
        figures = out[dishes[int(r["dish_id"])]]
        figures["sessions"] += int(r["n"])
        figures["signed_up"] += int(r["signed"] or 0)
        figures["attended"] += int(r["came"] or 0)
    ratings: dict[int, list[float]] = {}
    for r in await Order.select(Order.dish_id, Count(alias="n"),
                                Sum(Order.rating, alias="stars"),
                                Count(Order.rating, alias="rated")).where(
            Order.dish_id.is_in(list(dishes) or [-1])
            & Order.status.is_in(["done", "confirmed"])).group_by(Order.dish_id):
        pid = dishes[int(r["dish_id"])]
        out[pid]["orders_done"] += int(r["n"])
        total = ratings.setdefault(pid, [0.0, 0.0])
        total[0] += float(r["stars"] or 0)
        total[1] += float(r["rated"] or 0)
    for pid, (stars, rated) in ratings.items():
        out[pid]["mean_rating"] = round(stars / rated, 2) if rated else None
    return out
