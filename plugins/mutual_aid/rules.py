"""Rule keys of 红邻菜单 with the defaults of domain/mutual-aid.md."""

from __future__ import annotations

from datetime import date

from core.plugin import RuleKey

__all__ = ["RULES", "SINCE"]

RULES = (
    RuleKey("mutual_aid.loan_days", "int", 3, "便民箱借用归还期限（天）",
            "Days a returnable item may be kept", minimum=1, maximum=60),
    RuleKey("mutual_aid.response_hours", "int", 48, "点单响应时限（小时），超时上报社区",
            "Hours within which an order must be accepted before it escalates to staff",
            minimum=1, maximum=720),
    RuleKey("mutual_aid.notes_per_day", "int", 5, "每人每天可发红便签数（限流，不记身份）",
            "Notes one device or account may post a day (kept without identity)",
            minimum=1, maximum=100),
)


PRACTICE_REPORTS = date(2020, 1, 1)
"""domain/mutual-aid.md names no date for these defaults; the module's source is the Liaocheng and
Jinan practice reports that domain/README.md dates 2020–2023 (no day given). The rows are in force
from the start of that span, 1 January 2020."""

SINCE: dict[str, date] = {k.key: PRACTICE_REPORTS for k in RULES}
"""The date each seeded rule row is in force from (``core.plugin.seed_rules``): the date of the
source its default comes from."""
