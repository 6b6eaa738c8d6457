"""Event types this plugin emits (``linli_event_types``)."""

from __future__ import annotations

from dataclasses import dataclass

from core.plugin import EventType

__all__ = ["EVENT_TYPES", "ClaimPosted"]


@dataclass(frozen=True)
class ClaimPosted:
    """积分入账 A claim passed review and notice and was posted to the ledger (v1)."""

    claim_id: int
    subject_kind: str
    """resident | household."""
    subject_id: int
    item_code: str
    points: int


EVENT_TYPES = (
    EventType("points_market.claim_posted", 1, ClaimPosted,
              "积分事项经评议和公示后入账（居民或家庭、事项代码、分值）",
              "a claim passed review and notice and was posted (resident or household, item "
              "code, points)"),
)
