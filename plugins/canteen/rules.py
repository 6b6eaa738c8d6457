"""Rule keys of the canteen plugin with the defaults of domain/canteen.md (Liaocheng, 2023)."""

from __future__ import annotations

from datetime import date

from core.plugin import RuleKey

__all__ = ["AGE_BRACKETS_DEFAULT", "CAP_SCOPES", "RULES", "SINCE"]

CAP_SCOPES = ("city", "district", "tenant", "canteen")
"""Where the daily cap of subsidised meals counts, widest first."""

AGE_BRACKETS_DEFAULT = [
    {"code": "age_70_79", "min_age": 70, "max_age": 79, "fen": 200},
    {"code": "age_80_plus", "min_age": 80, "fen": 400},
]
"""Base subsidy per subsidised meal by age on the meal date (fen)."""


def _brackets(value: object, *, extra: bool) -> str | None:
    if not isinstance(value, list):
        return "必须是档位列表 / must be a list of brackets"
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("code"), str) \
                or not item["code"] or not isinstance(item.get("fen"), int) \
                or isinstance(item.get("fen"), bool) or item["fen"] < 0:
            return "每档需有 code 和非负整数 fen / each bracket needs a code and fen ≥ 0"
        ages = [item.get(k) for k in ("min_age", "max_age") if k in item]
        if any(not isinstance(a, int) or isinstance(a, bool) or a < 0 for a in ages):
            return "年龄须为非负整数 / ages must be non-negative integers"
        if extra and "tag" not in item and "min_age" not in item:
            return "附加档需有 tag 或 min_age / an extra bracket needs a tag or a min_age"
        if not extra and "min_age" not in item:
            return "年龄档需有 min_age / an age bracket needs a min_age"
    return None


RULES = (
    RuleKey("canteen.age_brackets", "json", AGE_BRACKETS_DEFAULT,
            "按就餐当日年龄的补贴档位（分/餐）",
            "Subsidy brackets by age on the meal date (fen per meal)",
            validate=lambda v: _brackets(v, extra=False)),
    RuleKey("canteen.extra_brackets", "json", [],
            "附加补贴档（按居民标签代码如 minimum_allowance 低保、extreme_poverty 特困，"
            "或年龄如90岁以上，分/餐，与年龄档相加）",
            "Extra brackets by resident tag code (minimum_allowance 低保, extreme_poverty 特困) "
            "or age (90+), fen added to the age bracket", validate=lambda v: _brackets(v, extra=True)),
    RuleKey("canteen.daily_cap", "int", 1, "每位老人每日补贴餐次上限",
            "Subsidised meals per elder per calendar day", minimum=1, maximum=3),
    RuleKey("canteen.cap_scope", "str", "city",
            "每日上限的适用范围：city 全市所有食堂（默认）、district 所在区县的食堂、"
            "tenant 本街道或乡镇的食堂、canteen 单个食堂",
            "Where the daily cap counts: city, every canteen of the city (default); district, the "
            "canteens of the district or county; tenant, of the street office or town; canteen, "
            "each canteen on its own",
            validate=lambda v: None if v in CAP_SCOPES else
            "须为 city、district、tenant 或 canteen / one of city, district, tenant, canteen"),
    RuleKey("canteen.regular_meals", "int", 8, "认定为常客的就餐次数（统计窗口内）",
            "Meals within the window that make a regular diner", minimum=1, maximum=100),
    RuleKey("canteen.regular_window_days", "int", 30, "常客统计窗口（天）",
            "Window in days for counting a regular's meals", minimum=7, maximum=120),
    RuleKey("canteen.absent_days", "int", 7, "常客连续未就餐多少天发出关怀提醒",
            "Days without a meal before a regular raises a welfare concern",
            minimum=2, maximum=60),
)


LIAOCHENG_2023 = date(2023, 1, 1)
"""domain/canteen.md takes these defaults from Liaocheng's 2023 happiness-canteen policy (the
70–79 and 80+ meal subsidies, one subsidised meal per elder per day). It names only the year,
no day: the rows are in force from 1 January 2023."""

SINCE: dict[str, date] = {k.key: LIAOCHENG_2023 for k in RULES}
"""The date each seeded rule row is in force from (``core.plugin.seed_rules``): the date of the
policy its default comes from."""
