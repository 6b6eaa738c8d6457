"""Jobs and cron entries (``linli_jobs``, ``linli_cron_jobs``); the work is in the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.plugin import CronSpec, JobSpec
from plugins.mutual_aid.services.boxes import remind_overdue
from plugins.mutual_aid.services.menu import escalate_overdue
from plugins.mutual_aid.services.notes import forget_old_buckets
from plugins.mutual_aid.services.sessions import recur_sessions

__all__ = ["CRONS", "JOBS"]

JOBS: list[JobSpec | Callable[..., Any]] = []

CRONS: list[CronSpec] = [
    # Every 15 minutes: orders past their response time escalate; each one only once (the
    # conditional update on escalated_at), so overlapping runs change nothing.
    CronSpec("escalate_orders", escalate_overdue, minute={0, 15, 30, 45}, second=0),
    # 09:00 Shanghai, when elderly borrowers read their messages: overdue loans, once a day
    # (the day key, and reminded_on per loan).
    CronSpec("remind_overdue_loans", remind_overdue, hour=9, minute=0, second=0,
             once_per="day"),
    # 06:00 Shanghai: recurring group dishes (the monthly 义诊/义剪) get their sessions planned
    # 35 days ahead; the (dish, occurrence) key makes a second run add nothing.
    CronSpec("recur_sessions", recur_sessions, hour=6, minute=0, second=0, once_per="day"),
    # 00:05 Shanghai: yesterday's rate-limit buckets of 红便签 are deleted.
    CronSpec("forget_note_buckets", forget_old_buckets, hour=0, minute=5, second=0,
             once_per="day"),
]
