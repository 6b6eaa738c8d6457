"""年度考评 Yearly evaluation of every head who served in a year, from what was done:

- ``coverage_pct``: households of the building the head visited in person (走访; phone calls
  and messages do not count, nor visits by staff or a previous head) in the year ÷ the
  building's households (whole percent, rounded down; a building without households counts
  100);
- ``special_months_pct``: for the households with a tag in the rule ``special_tags``, the
  (household, month) pairs with a visit ÷ all such pairs, over the months of the year the term
  covered (rounded down; 100 when there are none);
- ``matters_closed``: matters of the building resolved (status ``resolved``, last changed in
  the year, Asia/Shanghai); ``rating_avg_x100``: residents' average rating of those matters ×
  100 (0 when none was rated).

Score (0–100) = 0.40 × coverage + 0.30 × special-months coverage + 3 per matter closed (at most
5 matters, 15 points) + 3 × average rating (1–5, at most 15 points; a neutral 3 when no matter
was rated), rounded down. Grade: ≥ 90 优秀 excellent, ≥ 75 称职 competent, ≥ 60 基本称职 basic,
else 不称职 unsatisfactory.

An evaluation is stored once per (appointment, year): running again changes and emits nothing.
Each new one emits ``building_heads.evaluation_completed`` and, when the head logged visits,
``volunteer.service_recorded`` (30 minutes per visit, kind ``building_head_duty``) in the same
transaction, for whichever module awards points — no other plugin is called.
"""

from __future__ import annotations

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
    ServiceRecorded,
    current_scope,
    emit,
    record,
)
from plugins.building_heads.events import EvaluationCompleted
from plugins.building_heads.services.appointments import resolve_rule
from plugins.building_heads.services.common import OWN_RULES
from plugins.building_heads.tables import Appointment, Evaluation, Matter, Visit

__all__ = ["GRADES", "MINUTES_PER_VISIT", "Figures", "evaluate_year", "grade_of",
           "score_of", "yearly_evaluation"]

MINUTES_PER_VISIT = 30
NEUTRAL_RATING_X100 = 300
GRADES: tuple[tuple[int, str, str, str], ...] = (
    (90, "excellent", "优秀", "excellent"),
    (75, "competent", "称职", "competent"),
    (60, "basic", "基本称职", "basically competent"),
    (0, "unsatisfactory", "不称职", "unsatisfactory"),
)


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


def score_of(f: Figures) -> int:
    rating = f.rating_avg_x100 if f.rated_matters else NEUTRAL_RATING_X100
    return (f.coverage_pct * 40 + f.special_months_pct * 30
            + min(f.matters_closed, 5) * 300 + rating * 3) // 100


def grade_of(score: int) -> str:
    return next(code for floor, code, _, _ in GRADES if score >= floor)


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
    ratings = [int(m["rating"]) for m in closed if m["rating"] is not None]
    avg = (sum(ratings) * 100 + len(ratings) // 2) // len(ratings) if ratings else 0
    return Figures(len(households), len(visited), coverage, special_pct, len(closed), avg,
                   len(ratings), logged)


def _served_in(year: int) -> Any:
    return ((Appointment.role == "head") & (Appointment.term_start <= date(year, 12, 31))
            & (Appointment.ended_on.is_null() | (Appointment.ended_on >= date(year, 1, 1))))


async def evaluate_year(rules: RuleReader, year: int, *, account_id: int | None, today: date
                        ) -> list[dict[str, Any]]:
    """考评 Evaluate every head who served in ``year`` (a finished year) and is not evaluated
    yet; returns the new evaluations (empty when all were done before)."""
    if year >= today.year or year < 2000:
        raise ApiError("INVALID_ARGUMENT", "只能考评已结束的年度", "only a finished year can "
                        "be evaluated", "year")
    tenant_id = current_scope().write_node
    if tenant_id is None:
        raise ApiError("FORBIDDEN", "此范围只读", "this scope is read-only")
    rule = await resolve_rule(rules, "building_heads.special_tags", tenant_id,
                              date(year, 12, 31))
    done = {int(r["appointment_id"]) for r in await Evaluation.select(
        Evaluation.appointment_id).where(Evaluation.year == year)}
    created: list[dict[str, Any]] = []
    for appointment in await Appointment.select().where(_served_in(year)).order_by(
            Appointment.id):
        if int(appointment["id"]) in done:
            continue
        created.append(await _store(appointment, year, rule, account_id))
    return created


async def _store(appointment: dict[str, Any], year: int, rule: Any, account_id: int | None
                 ) -> dict[str, Any]:
    f = await figures(appointment, year, list(rule.value))
    score = score_of(f)
    grade = grade_of(score)
    row = Evaluation(tenant_id=appointment["tenant_id"], appointment_id=appointment["id"],
                     year=year, coverage_pct=f.coverage_pct,
                     special_months_pct=f.special_months_pct, matters_closed=f.matters_closed,
                     rating_avg_x100=f.rating_avg_x100, households=f.households,
                     visited_households=f.visited_households, visits_logged=f.visits_logged,
                     score=score, grade=grade, rule_version=int(rule.version),
                     created_at=datetime.now(UTC))
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
    if f.visits_logged:
        await emit("volunteer.service_recorded", ServiceRecorded(
            resident_id=resident, minutes=f.visits_logged * MINUTES_PER_VISIT,
            kind="building_head_duty", source_module="building_heads"))
    await record("building_heads.evaluate", account_id=account_id,
                 object_type="building_heads_evaluation", object_id=row.id,
                 summary={"appointment_id": appointment["id"], "year": year, "score": score,
                          "grade": grade})
    found = await Evaluation.select().where(Evaluation.id == row.id).first()
    return dict(found or {})


async def yearly_evaluation(ctx: dict[str, Any], tenant_id: int) -> int:
    """Cron work: on 1 January evaluate the year just ended (the job runner opened the scope)."""
    period = ctx.get("period") or str(datetime.now(SHANGHAI).year)
    year = int(period) - 1
    rules = OWN_RULES
    created = await evaluate_year(rules, year, account_id=None, today=date(year + 1, 1, 1))
    return len(created)
