"""Asia/Shanghai time: every day, month and year boundary and every schedule is reckoned there;
timestamps are stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

__all__ = ["SHANGHAI", "now_utc", "today_shanghai"]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today_shanghai() -> date:
    """Today's calendar date in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()


def now_utc() -> datetime:
    return datetime.now(UTC)
