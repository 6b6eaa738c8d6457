"""Event types this plugin emits (``linli_event_types``)."""

from __future__ import annotations

from dataclasses import dataclass

from core.plugin import EventType

__all__ = ["EVENT_TYPES", "EvaluationCompleted"]


@dataclass(frozen=True)
class EvaluationCompleted:
    """楼长年度考评完成 A head's yearly evaluation was completed (v1)."""

    resident_id: int
    building_id: int
    year: int
    score: int
    grade: str
    coverage_pct: int
    matters_closed: int


EVENT_TYPES = (
    EventType("building_heads.evaluation_completed", 1, EvaluationCompleted,
              "楼长年度考评完成（得分、等级、走访覆盖率、办结事项数）",
              "a building head's yearly evaluation was completed (score, grade, coverage, "
              "matters closed)"),
)
