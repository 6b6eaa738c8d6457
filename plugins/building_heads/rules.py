"""Rule keys of the building-head system, with the defaults of G/DEZZ001-2020 and the
Liaocheng practice (domain/building-heads.md)."""

from __future__ import annotations

from core.plugin import RuleKey

__all__ = ["RULES", "SPECIAL_TAGS_DEFAULT"]

SPECIAL_TAGS_DEFAULT = ["widowed_orphaned_childless", "elderly_disabled", "long_term_empty_nest"]
"""鳏寡孤独 / 老加残 / 长期空巢: visited or contacted at least once per calendar month."""


def _tags(value: object) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        return "必须是标签代码列表 / must be a list of tag codes"
    return None


RULES = (
    RuleKey("building_heads.max_age", "int", 65,
            "任职时年龄上限（原则上，可说明理由后适当放宽）",
            "Maximum age at appointment (in principle; staff may override with a reason)",
            minimum=18, maximum=100),
    RuleKey("building_heads.special_tags", "json", SPECIAL_TAGS_DEFAULT,
            "需每月走访的住户标签", "Household tags that need a visit every calendar month",
            validate=_tags),
    RuleKey("building_heads.notice_days", "int", 5, "楼长人选公示天数",
            "Days a selection is publicly noticed before approval", minimum=1, maximum=60),
    RuleKey("building_heads.term_years", "int", 3, "楼长任期（年）", "Default term in years",
            minimum=1, maximum=10),
    RuleKey("building_heads.welfare_visit_days", "int", 3,
            "收到关怀提醒后楼长走访的期限（天）",
            "Days within which the head visits after a welfare concern", minimum=1, maximum=60),
)
