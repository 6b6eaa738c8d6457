"""Event types this plugin emits (``linli_event_types``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.plugin import EventType

__all__ = ["EVENT_TYPES", "ClaimsPosted"]


@dataclass(frozen=True)
class ClaimsPosted:
    """积分入账 A run of the posting job posted claims whose notice ended (v1): how many, and
    the range of their ids (read the claims for the detail)."""

    posted_on: date
    claims: int
    first_claim_id: int
    last_claim_id: int


EVENT_TYPES = (
    EventType("points_market.claims_posted", 1, ClaimsPosted,
              "公示期满的积分事项已入账（数量、申报编号范围）",
              "claims whose notice ended were posted to the ledger (count, claim id range)"),
)
