"""Rule keys of the points supermarket, with the defaults of the domain file
(domain/points-market.md): a 7-day notice, 30-minute minimum service, monthly review, notice
per batch, exchange any time, no expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from core.plugin import RuleKey

__all__ = ["EVENT_ITEMS_DEFAULT", "RULES", "SINCE", "STAR_THRESHOLDS_DEFAULT"]

EVENT_ITEMS_DEFAULT = {
    "volunteer.service_recorded": "C01",
    "blood_drive.donation_completed": "C02",
    "building_heads.evaluation_completed": "C03",
}
"""Event type → catalogue item code of the claim the event becomes."""

STAR_THRESHOLDS_DEFAULT = [20, 40, 60, 80, 100]
"""Cumulative earned points for 1–5 stars (星级文明户)."""


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value not in choices:
            return f"必须是 {'/'.join(choices)} 之一 / must be one of {', '.join(choices)}"
        return None
    return check


def _event_items(value: Any) -> str | None:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in value.items()):
        return "必须是 事件类型→事项代码 的映射 / must map event types to item codes"
    return None


def _thresholds(value: Any) -> str | None:
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
            or value != sorted(value)):
        return "必须是递增的正整数列表 / must be an increasing list of positive integers"
    return None


RULES = (
    RuleKey("points_market.notice_days", "int", 7, "审核通过事项的公示天数",
            "Days approved claims stay on public notice", minimum=1, maximum=90),
    RuleKey("points_market.min_service_minutes", "int", 30, "志愿服务计分的最短时长（分钟）",
            "Minimum minutes of volunteer service that earns points", minimum=1, maximum=600),
    RuleKey("points_market.event_items", "json", EVENT_ITEMS_DEFAULT,
            "其他模块事件对应的积分事项代码", "Catalogue item code for each event type",
            validate=_event_items),
    RuleKey("points_market.review_cadence", "str", "monthly", "评议周期：daily/weekly/monthly",
            "Review cadence: daily, weekly or monthly",
            validate=_one_of("daily", "weekly", "monthly")),
    RuleKey("points_market.notice_cadence", "str", "per_batch", "公示周期：per_batch/yearly",
            "Notice cadence: per batch or once a year (until 31 December)",
            validate=_one_of("per_batch", "yearly")),
    RuleKey("points_market.exchange_mode", "str", "always",
            "兑换方式：always 随时 / windows 每季度最后几天 / quarterly_meeting 季度兑换表彰会",
            "Exchange: always, in windows (last days of each quarter), or at quarterly meetings",
            validate=_one_of("always", "windows", "quarterly_meeting")),
    RuleKey("points_market.exchange_window_days", "int", 7, "兑换窗口：每季度最后几天",
            "Exchange window: the last N days of each quarter", minimum=1, maximum=31),
    RuleKey("points_market.expiry", "str", "none", "积分有效期：none 不过期 / year_end 年底清零",
            "Expiry: none, or year_end (unspent points expire on 31 December)",
            validate=_one_of("none", "year_end")),
    RuleKey("points_market.star_thresholds", "json", STAR_THRESHOLDS_DEFAULT,
            "星级文明户累计积分门槛（1–5星）",
            "Cumulative earned points for 1 to 5 stars (star households)",
            validate=_thresholds),
)


PRACTICE_REPORTS = date(2020, 1, 1)
"""domain/points-market.md names no date for these defaults; the module's source is the Liaocheng and
Jinan practice reports that domain/README.md dates 2020–2023 (no day given). The rows are in force
from the start of that span, 1 January 2020."""

SINCE: dict[str, date] = {k.key: PRACTICE_REPORTS for k in RULES}
"""The date each seeded rule row is in force from (``core.plugin.seed_rules``): the date of the
source its default comes from."""
