"""居民满意度测评 Residents rate their building's head: an anonymous survey per building and
year, one response per household (a unique index decides between concurrent answers). Only
counts and averages are ever shown. The yearly evaluation's ``residents`` category is this
average (left out when nobody answered)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from piccolo.query.functions.aggregate import Count, Sum

from core.plugin import (
    HOUSEHOLDS,
    Access,
    ApiError,
    get_resident,
    record,
    today_shanghai,
)
from plugins.building_heads.services.appointments import authorize_building
from plugins.building_heads.tables import SurveyResponse

__all__ = ["SurveyResult", "rate_head", "survey_of", "survey_scores"]


@dataclass(frozen=True)
class SurveyResult:
    building_id: int
    year: int
    households: int
    responses: int
    average_x100: int | None


async def rate_head(access: Access, score: int) -> SurveyResult:
    """The caller (an account linked to a resident) rates the head of their building for the
    current year, once per household; anonymous (only the household is kept, to allow one
    answer)."""
    if not 1 <= score <= 5:
        raise ApiError("INVALID_ARGUMENT", "评分须为1到5", "the score is 1–5", "score")
    resident_id = access.principal.resident_id
    resident = await get_resident(resident_id) if resident_id is not None else None
    if (resident is None or resident.tenant_id != access.node_id
            or resident.household_id is None or resident.building_id is None):
        raise ApiError("FORBIDDEN", "只有本楼居民可以参与测评",
                       "only a resident of the building may answer the survey")
    year = today_shanghai().year
    row = SurveyResponse(tenant_id=access.node_id, building_id=resident.building_id, year=year,
                         household_id=resident.household_id, score=score,
                         created_at=datetime.now(UTC))
    try:
        await SurveyResponse.insert(row)
    except Exception as exc:
        name = type(exc).__name__
        if name in ("IntegrityError", "UniqueViolationError") or "unique" in str(exc).lower():
            raise ApiError("CONFLICT", "本户今年已参与测评", "your household has already "
                           "answered this year's survey", "score") from exc
        raise
    await record("building_heads.survey.answer", account_id=None,
                 object_type="building_heads_survey", object_id=resident.building_id,
                 summary={"year": year})  # anonymous: no account, no household
    return await _result(resident.building_id, year)


async def _result(building_id: int, year: int) -> SurveyResult:
    scores = await survey_scores([building_id], year)
    households = await HOUSEHOLDS.count().where(HOUSEHOLDS.building_id == building_id)
    n, total = scores.get(building_id, (0, 0))
    return SurveyResult(building_id, year, int(households), n,
                        (total * 100 + n // 2) // n if n else None)


async def survey_scores(building_ids: list[int], year: int) -> dict[int, tuple[int, int]]:
    """``{building: (responses, sum of scores)}`` for a year, one statement."""
    rows = await SurveyResponse.select(
        SurveyResponse.building_id, Count(alias="n"), Sum(SurveyResponse.score, alias="total")
    ).where(SurveyResponse.building_id.is_in(sorted(set(building_ids)) or [-1])
            & (SurveyResponse.year == year)).group_by(SurveyResponse.building_id)
    return {int(r["building_id"]): (int(r["n"]), int(r["total"] or 0)) for r in rows}


async def survey_of(access: Access, building_id: int, year: int) -> SurveyResult:
    """A building's survey result (``building_heads.read`` there): counts and average only."""
    await authorize_building(access, "building_heads.read", building_id)
    return await _result(building_id, year)


