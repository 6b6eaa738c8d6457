"""年度考评 Yearly evaluation of every head who served in a year (服务质量, 服务评价与改进), from
what was done, in four categories scored 0–100:

- ``coverage``: households of the building the head visited in person (走访; phone calls and
  messages do not count, nor visits by staff or a previous head) ÷ the building's households
  (left out when the building has no household);
- ``duties``: months of the term in that year with at least one duty recorded (服务内容) ÷ the
  months served — a rate, not a count, so inventing activity does not pay;
- ``matters``: matters of the building closed in the year ÷ those closed plus those still open
  (left out when there were none);
- ``residents``: the residents' anonymous satisfaction survey of their head for that year and
  building (1–5, × 20; one response per household; left out when nobody answered — a missing
  rating is not scored as neutral). The residents' ratings of matters are shown, not scored.

Score = Σ weight × category score ÷ Σ weight over the categories that counted (weights are the
rule ``evaluation_weights``, default 40/20/20/20), rounded down; grade names are the rule
``evaluation_grades`` (default 优秀 ≥ 90, 良好 ≥ 75, 合格 ≥ 60, 待改进). The last grade opens an
improvement step (改进): a plan agreed with community staff and a review date, recorded later.
``special_months_pct`` (monthly contact with special households) is shown, not scored.

An evaluation is stored once per (appointment, year): running again changes and emits nothing.
Each new one emits ``building_heads.evaluation_completed``; volunteer time is emitted when a
duty is recorded, with its real minutes (``duties``), never invented here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.plugin import (
    HOUSEHOLDS,
    RESIDENT_TAGS,
    RESIDENTS,
    SHANGHAI,
    ApiError,
    RuleReader,
    current_scope,
    emit,
    record,
)
from plugins.building_heads.events import EvaluationCompleted
from plugins.building_heads.rules import GRADES_DEFAULT, WEIGHTS_DEFAULT
from plugins.building_heads.services.appointments import resolve_rule
from plugins.building_heads.services.common import OWN_RULES
from plugins.building_heads.services.survey import survey_scores
from plugins.building_heads.tables import Appointment, Duty, Evaluation, Matter, Visit

__all__ = ["CATEGORIES", "Figures", "evaluate_year", "grade_of", "parts_of", "plan_improvement",
           "score_of", "yearly_evaluation"]

CATEGORIES = ("coverage", "duties", "matters", "residents")


@dataclass(frozen=True)
class Figures:
    """What one head did in one year (the inputs of the score)."""

    households: int
    visited_households: int
    coverage_pct: int
    special_months_pct: int
    matters_closed: int
    rating_avg_x100: int
    rated_matters: int
    visits_logged: int
    matters_open: int = 0
    months_served: int = 0
    duty_months: int = 0
    duties_recorded: int = 0
    survey_responses: int = 0
    survey_avg_x100: int = 0


def parts_of(f: Figures) -> dict[str, int]:
    """The categories that count, each scored 0–100 (those with nothing to do left out)."""
    parts: dict[str, int] = {}
    if f.households:
        parts["coverage"] = f.coverage_pct
    if f.months_served:
        parts["duties"] = f.duty_months * 100 // f.months_served
    if f.matters_closed + f.matters_open:
        parts["matters"] = f.matters_closed * 100 // (f.matters_closed + f.matters_open)
    if f.survey_responses:
        parts["residents"] = f.survey_avg_x100 * 20 // 100
    return parts


def score_of(f: Figures, weights: dict[str, int] | None = None) -> int:
    weights = weights or WEIGHTS_DEFAULT
    parts = parts_of(f)
    total = sum(weights[c] for c in parts)
    return sum(weights[c] * v for c, v in parts.items()) // total if total else 0


def grade_of(score: int, grades: list[list[Any]] | None = None) -> str:
    ladder: list[list[Any]] = grades or [list(g) for g in GRADES_DEFAULT]
    return str(next(name for floor, name in ladder if score >= int(floor)))


def _months(appointment: dict[str, Any], year: int) -> list[tuple[date, date]]:
    """The months of ``year`` the term covered, as (first day, last day)."""
    out = []
    for m in range(1, 13):
        first = date(year, m, 1)
        last = (date(year + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)
        ended = appointment["ended_on"]
        if appointment["term_start"] <= last and (ended is None or ended >= first):
            out.append((first, last))
    return out


async def _special_households(building_id: int, tags: list[str]) -> set[int]:
    residents = await RESIDENTS.select(RESIDENTS.id, RESIDENTS.household_id).where(
        RESIDENTS.building_id == building_id)
    by_id = {int(r["id"]): r["household_id"] for r in residents if r["household_id"]}
    tagged = await RESIDENT_TAGS.select(RESIDENT_TAGS.resident_id).where(
        RESIDENT_TAGS.resident_id.is_in(sorted(by_id) or [-1]) & RESIDENT_TAGS.tag.is_in(tags or [""]))
    return {int(by_id[int(r["resident_id"])]) for r in tagged}


async def figures(appointment: dict[str, Any], year: int, special_tags: list[str]) -> Figures:
    """Work out one head's figures for ``year`` from visits and matters (inside a scope)."""
    building = int(appointment["building_id"])
    first, last = date(year, 1, 1), date(year, 12, 31)
    households = {int(r["id"]) for r in await HOUSEHOLDS.select(HOUSEHOLDS.id).where(
        HOUSEHOLDS.building_id == building)}
    visits = await Visit.select(Visit.household_id, Visit.visited_on, Visit.appointment_id,
                                Visit.visitor_account_id, Visit.way).where(
        (Visit.building_id == building) & (Visit.visited_on >= first)
        & (Visit.visited_on <= last))
    account = appointment["account_id"]

    def own(v: dict[str, Any]) -> bool:
        return v["appointment_id"] == appointment["id"] or (
            v["appointment_id"] is None and account is not None
            and v["visitor_account_id"] == account)

    # the yearly coverage credits the head with their own home visits in person (走访) only
    visited = {int(v["household_id"]) for v in visits
               if v["way"] == "in_person" and own(v)} & households
    coverage = len(visited) * 100 // len(households) if households else 100
    special = await _special_households(building, special_tags) & households
    months = _months(appointment, year)
    pairs = {(int(v["household_id"]), v["visited_on"].month) for v in visits
             if int(v["household_id"]) in special}
    month_numbers = {m[0].month for m in months}
    due = len(special) * len(months)
    hits = len({p for p in pairs if p[1] in month_numbers})
    special_pct = hits * 100 // due if due else 100
    logged = sum(1 for v in visits if own(v))
    start = datetime(year, 1, 1, tzinfo=SHANGHAI).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=SHANGHAI).astimezone(UTC)
    closed = await Matter.select(Matter.rating).where(
        (Matter.building_id == building) & (Matter.status == "resolved")
        & (Matter.updated_at >= start) & (Matter.updated_at < end))
    still_open = await Matter.count().where(
        (Matter.building_id == building) & (Matter.status == "open")
        & (Matter.created_at < end))
    duty_days = [r["done_on"] for r in await Duty.select(Duty.done_on).where(
        (Duty.appointment_id == appointment["id"]) & (Duty.done_on >= first)
        & (Duty.done_on <= last))]
    ratings = [int(m["rating"]) for m in closed if m["rating"] is not None]
    avg = (sum(ratings) * 100 + len(ratings) // 2) // len(ratings) if ratings else 0
    active = {d.month for d in duty_days} & month_numbers
    n, total = (await survey_scores([building], year)).get(building, (0, 0))
    return Figures(len(households), len(visited), coverage, special_pct, len(closed), avg,
                   len(ratings), logged, matters_open=int(still_open),
                   months_served=len(months), duty_months=len(active),
                   duties_recorded=len(duty_days), survey_responses=n,
                   survey_avg_x100=(total * 100 + n // 2) // n if n else 0)


def _served_in(year: int) -> Any:
    return ((Appointment.role == "head") & (Appointment.term_start <= date(year, 12, 31))
            & (Appointment.ended_on.is_null() | (Appointment.ended_on >= date(year, 1, 1))))


async def evaluate_year(rules: RuleReader, year: int, *, account_id: int | None, today: date,
                        only: set[int] | None = None) -> list[dict[str, Any]]:
    """考评 Evaluate every head who served in ``year`` (a finished year) and is not evaluated
    yet (of the terms ``only``, when given); returns the new evaluations (empty when all were
    done before)."""
    if year >= today.year or year < 2000:
        raise ApiError("INVALID_ARGUMENT", "只能考评已结束的年度", "only a finished year can "
                        "be evaluated", "year")
    tenant_id = current_scope().write_node
    if tenant_id is None:
        raise ApiError("FORBIDDEN", "此范围只读", "this scope is read-only")
    rule = await resolve_rule(rules, "building_heads.special_tags", tenant_id,
                              date(year, 12, 31))
    weights = await resolve_rule(rules, "building_heads.evaluation_weights", tenant_id,
                                 date(year, 12, 31))
    grades = await resolve_rule(rules, "building_heads.evaluation_grades", tenant_id,
                                date(year, 12, 31))
    done = {int(r["appointment_id"]) for r in await Evaluation.select(
        Evaluation.appointment_id).where(Evaluation.year == year)}
    created: list[dict[str, Any]] = []
    for appointment in await Appointment.select().where(_served_in(year)).order_by(
            Appointment.id):
        if int(appointment["id"]) in done or (only is not None
                                               and int(appointment["id"]) not in only):
            continue
        created.append(await _store(appointment, year, rule, weights, grades, account_id))
    return created


async def _store(appointment: dict[str, Any], year: int, rule: Any, weights: Any, grades: Any,
                 account_id: int | None) -> dict[str, Any]:
    f = await figures(appointment, year, list(rule.value))
    used = {str(k): int(v) for k, v in dict(weights.value).items()}
    score = score_of(f, used)
    ladder = [list(g) for g in grades.value]
    grade = grade_of(score, ladder)
    weak = grade == str(ladder[-1][1])
    row = Evaluation(tenant_id=appointment["tenant_id"], appointment_id=appointment["id"],
                     year=year, coverage_pct=f.coverage_pct,
                     special_months_pct=f.special_months_pct, matters_closed=f.matters_closed,
                     rating_avg_x100=f.rating_avg_x100, households=f.households,
                     visited_households=f.visited_households, visits_logged=f.visits_logged,
                     duties_recorded=f.duties_recorded,
                     parts=json.dumps({"scores": parts_of(f), "weights": used}),
                     score=score, grade=grade, rule_version=int(rule.version),
                     weights_version=int(weights.version), grades_version=int(grades.version),
                     improvement_open=weak, created_at=datetime.now(UTC))
    try:
        await Evaluation.insert(row)
    except Exception as exc:
        if type(exc).__name__ in ("IntegrityError", "UniqueViolationError"):
            raise ApiError("CONFLICT", "该年度考评正在进行或已完成",
                            "this year's evaluation is running or done", "year") from exc
        raise
    resident = int(appointment["resident_id"])
    await emit("building_heads.evaluation_completed", EvaluationCompleted(
        resident_id=resident, building_id=int(appointment["building_id"]), year=year,
        score=score, grade=grade, coverage_pct=f.coverage_pct, matters_closed=f.matters_closed))
    await record("building_heads.evaluate", account_id=account_id,
                 object_type="building_heads_evaluation", object_id=row.id,
                 summary={"appointment_id": appointment["id"], "year": year, "score": score,
                          "grade": grade})
    found = await Evaluation.select().where(Evaluation.id == row.id).first()
    return dict(found or {})


async def plan_improvement(evaluation_id: int, plan: str, review_on: date, *,
                           account_id: int | None, today: date) -> dict[str, Any]:
    """改进 Record the improvement plan agreed with community staff and its review date, for an
    evaluation whose grade opened the step. Audited."""
    row = await Evaluation.select().where(Evaluation.id == evaluation_id).first()
    if row is None:
        raise ApiError("NOT_FOUND", "未找到该考评", "evaluation not found", "evaluationId")
    if not row["improvement_open"]:
        raise ApiError("CONFLICT", "该考评未启动改进", "this evaluation has no improvement step",
                       "evaluationId")
    plan = (plan or "").strip()
    if not plan or len(plan) > 2000:
        raise ApiError("INVALID_ARGUMENT", "须填写改进计划（不超过2000字）",
                       "write the plan (at most 2000 characters)", "plan")
    if review_on <= today:
        raise ApiError("INVALID_ARGUMENT", "复查日期须晚于今天", "the review date must be after "
                       "today", "reviewOn")
    await Evaluation.update({Evaluation.improvement_plan: plan,
                             Evaluation.improvement_review_on: review_on}).where(
        Evaluation.id == evaluation_id)
    await record("building_heads.improvement.plan", account_id=account_id,
                 object_type="building_heads_evaluation", object_id=evaluation_id,
                 summary={"review_on": review_on.isoformat()})
    found = await Evaluation.select().where(Evaluation.id == evaluation_id).first()
    return dict(found or {})


async def yearly_evaluation(ctx: dict[str, Any], tenant_id: int) -> int:
    """Cron work: on 1 January evaluate the year just ended (the job runner opened the scope)."""
    period = ctx.get("period") or str(datetime.now(SHANGHAI).year)
    year = int(period) - 1
    rules = OWN_RULES
    created = await evaluate_year(rules, year, account_id=None, today=date(year + 1, 1, 1))
    return len(created)
