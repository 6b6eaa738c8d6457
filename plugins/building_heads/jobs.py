"""Jobs and cron entries of the plugin (``linli_jobs``, ``linli_cron_jobs``); the work itself
lives in the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.plugin import CronSpec, JobSpec
from plugins.building_heads.services.evaluation import yearly_evaluation
from plugins.building_heads.services.visits import send_visit_reminders

__all__ = ["CRONS", "JOBS"]

JOBS: list[JobSpec | Callable[..., Any]] = []
"""No queued jobs: everything the plugin does in the background is scheduled."""

CRONS: list[CronSpec] = [
    # On the 25th at 09:00 Shanghai: late enough that most heads have done their round, early
    # enough to leave six days before the month ends, and in the morning, when elderly heads
    # read their messages. ``once_per="month"`` guarantees one reminder per head per month.
    CronSpec("visit_reminder", send_visit_reminders, day=25, hour=9, minute=0, second=0,
             once_per="month", per_tenant=True),
    # On 1 January at 02:00, the year just ended; ``once_per="year"`` makes a second firing
    # (several workers) do nothing.
    CronSpec("evaluate_year", yearly_evaluation, month=1, day=1, hour=2, minute=0,
             once_per="year"),
]
