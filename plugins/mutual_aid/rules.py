"""Rule keys of 红邻菜单 with the defaults of domain/mutual-aid.md."""

from __future__ import annotations

from core.plugin import RuleKey

__all__ = ["RULES"]

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
