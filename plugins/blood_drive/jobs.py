"""Jobs and cron entries of the plugin; the work lives in the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.plugin import CronSpec, JobSpec
from plugins.blood_drive.services.reminders import send_reminders

__all__ = ["CRONS", "JOBS", "remind"]


async def remind(ctx: dict[str, Any], tenant_id: int) -> int:
    """Tell opted-in donors who may donate again (once per donor and eligible date)."""
    return await send_reminders(tenant_id)


JOBS: list[JobSpec | Callable[..., Any]] = []

CRONS: list[CronSpec] = [
    # 09:00 Shanghai: a reminder read in the morning can still book that day's sessions. The
    # (donor, eligible date) key makes a second firing or a retry tell no one twice.
    CronSpec("remind", remind, hour=9, minute=0, second=0, once_per="day"),
]
