"""Event types this plugin declares (``linli_event_types``)."""

from __future__ import annotations

from dataclasses import dataclass

from core.plugin import EventType

__all__ = ["EVENT_TYPES", "MATTER_REQUESTED", "MatterRequested"]

MATTER_REQUESTED = "mutual_aid.matter_requested"


@dataclass(frozen=True)
class MatterRequested:
    """红便签或需求转议事 Staff asked that a note or an open need become a deliberation matter
    (v1). Carries no author: a note's poster is unknown, a need's resident is not passed on."""

    source_kind: str
    """note | need."""
    source_id: int
    title: str
    description: str
    community_id: int
    building_id: int | None = None


EVENT_TYPES = (
    EventType(MATTER_REQUESTED, 1, MatterRequested,
              "红便签或需求转为议事事项（楼长制议事厅处理）",
              "a note or open need should become a deliberation matter (building heads)"),
)
