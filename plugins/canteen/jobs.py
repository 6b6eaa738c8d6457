"""Jobs and cron entries of the plugin (``linli_jobs``, ``linli_cron_jobs``); the work itself
lives in the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.plugin import CronSpec, JobSpec
from plugins.canteen.services.settlement import generate_month
from plugins.canteen.services.signals import raise_absences

__all__ = ["CRONS", "JOBS", "settle_month"]


async def settle_month(ctx: dict[str, Any], tenant_id: int) -> int:
    """The claims of the month just closed (``month`` in the job's context overrides)."""
    month = ctx.get("month")
    return await generate_month(tenant_id, str(month) if month else None)


JOBS: list[JobSpec | Callable[..., Any]] = []

CRONS: list[CronSpec] = [
    # 00:05 on the 1st, Shanghai: canteens advance subsidy money for months, so the claim must
    # be ready the morning the month closes. Regenerating is idempotent anyway (approved claims
    # are never touched); ``once_per="month"`` keeps a second worker's firing from doing it twice.
    CronSpec("settle", settle_month, day=1, hour=0, minute=5, second=0, once_per="month"),
    # 07:30 daily: after breakfast service would have shown the elder, before building heads
    # start their rounds. One concern per absence is the AbsenceAlert key.
    CronSpec("absence", raise_absences, hour=7, minute=30, second=0, once_per="day"),
]
