"""Jobs and cron entries of the plugin (``linli_jobs``, ``linli_cron_jobs``); the work itself
lives in the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.plugin import CronSpec, JobSpec
from plugins.points_market.services.jobs_work import expire_year_end, post_noticed

__all__ = ["CRONS", "JOBS"]

JOBS: list[JobSpec | Callable[..., Any]] = []

CRONS: list[CronSpec] = [
    # Every day at 00:30 Shanghai: claims whose notice ended yesterday are posted. The day key
    # (``once_per="day"``) makes a second firing do nothing; the per-claim transfer key makes
    # even two truly concurrent runs post each claim once.
    CronSpec("post_noticed", post_noticed, hour=0, minute=30, second=0, once_per="day",
             per_tenant=True),
    # 1 January at 00:10 Shanghai: last year's unspent points expire where the rule
    # ``points_market.expiry`` is ``year_end`` (the year key and the per-account transfer keys
    # ``expiry:<year>:<account>`` make it once).
    CronSpec("expire_year_end", expire_year_end, month=1, day=1, hour=0, minute=10, second=0,
             once_per="year", per_tenant=True),
]
