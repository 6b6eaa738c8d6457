"""Jobs of the reading-rooms plugin: one daily cron entry (07:30 Asia/Shanghai) that, for each
tenant, sends due-soon and overdue notices, expires hold-shelf holds and declares long-overdue
items lost for the rooms placed in that tenant. Guarded once per day by core's period key, and
idempotent row by row besides."""

from __future__ import annotations

from typing import Any

from core.plugin import CronSpec
from plugins.reading_rooms.services import notices

__all__ = ["CRONS", "JOBS", "daily"]


async def daily(ctx: dict[str, Any], tenant_id: int) -> dict[str, int]:
    outcome = await notices.daily_for_tenant(tenant_id)
    return {"due_soon": outcome.due_soon, "overdue": outcome.overdue,
            "holds_expired": outcome.holds_expired, "lost": outcome.lost}


JOBS: list[Any] = []
CRONS = [CronSpec("daily", daily, hour=7, minute=30, once_per="day")]
