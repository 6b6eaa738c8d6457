"""Rule keys of the building-head system, with the defaults of G/DEZZ001-2020 and the
Liaocheng practice (domain/building-heads.md)."""

from __future__ import annotations

from datetime import date

from core.plugin import RuleKey

__all__ = ["GRADES_DEFAULT", "RULES", "SINCE", "SPECIAL_TAGS_DEFAULT", "WEIGHTS_DEFAULT"]

SPECIAL_TAGS_DEFAULT = ["widowed_orphaned_childless", "elderly_disabled", "long_term_empty_nest"]
"""鳏寡孤独 / 老加残 / 长期空巢: visited or contacted at least once per calendar month."""


WEIGHTS_DEFAULT = {"coverage": 40, "duties": 20, "matters": 20, "residents": 20}
"""Yearly evaluation weights: in-person coverage, duties recorded, matters closed, residents'
rating (服务评价)."""
GRADES_DEFAULT = [[90, "优秀"], [75, "良好"], [60, "合格"], [0, "待改进"]]
"""Grade names from the lowest score that earns them; the last one opens an improvement step."""


def _weights(value: object) -> str | None:
    if (not isinstance(value, dict) or set(value) != set(WEIGHTS_DEFAULT)
            or not all(isinstance(v, int) and 0 <= v <= 100 for v in value.values())
            or not sum(value.values())):
        return ("须为 coverage、duties、matters、residents 四项的非负整数权重 / must give "
                "non-negative integer weights for coverage, duties, matters and residents")
    return None


def _grades(value: object) -> str | None:
    ok = (isinstance(value, list) and value
          and all(isinstance(g, list) and len(g) == 2 and isinstance(g[0], int)
                  and isinstance(g[1], str) and 0 < len(g[1]) <= 16 for g in value)
          and [g[0] for g in value] == sorted((g[0] for g in value), reverse=True)
          and value[-1][0] == 0)
    return None if ok else ("须为 [最低分, 等级名] 列表，分数从高到低，最后一项为0 / must be a list "
                            "of [lowest score, grade name], highest first, the last at 0")


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
    RuleKey("building_heads.evaluation_weights", "json", WEIGHTS_DEFAULT,
            "年度考评权重（入户走访覆盖率、履职、事项办结、居民评价）",
            "Yearly evaluation weights (coverage, duties, matters closed, residents' rating)",
            validate=_weights),
    RuleKey("building_heads.evaluation_grades", "json", GRADES_DEFAULT,
            "年度考评等级（最低分与等级名，最后一级启动改进）",
            "Yearly evaluation grades (lowest score and name; the last opens an improvement "
            "step)", validate=_grades),
)


G_DEZZ001_2020 = date(2020, 1, 1)
"""东阿县《城市社区楼长管理与服务规范》G/DEZZ001-2020, the source domain/building-heads.md cites
for these defaults. The domain file names only the standard's year (2020), no day: the rows are
in force from 1 January 2020."""

SINCE: dict[str, date] = {k.key: G_DEZZ001_2020 for k in RULES}
"""The date each seeded rule row is in force from (``core.plugin.seed_rules``): the date of the
standard its default comes from."""
