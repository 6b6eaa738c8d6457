"""Rule keys of the blood-drive plugin with the defaults of domain/blood-drive.md: the blood
donation law and GB 18467-2011 (pre-check), 全国无偿献血表彰奖励办法 (2022 edition: counts and
awards) and Shandong's 2024 free clinical blood rules. A revised standard is a data change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from core.plugin import RuleKey

__all__ = ["RULES", "SINCE"]

GB = "GB 18467-2011、献血法（domain/blood-drive.md）"
GB_EN = "GB 18467-2011 and the blood donation law (domain/blood-drive.md)"
AWARD = "全国无偿献血表彰奖励办法（domain/blood-drive.md）"
AWARD_EN = "national voluntary blood donation award rules (domain/blood-drive.md)"
SD = "山东省2024年临床用血费用减免规定（domain/blood-drive.md）"
SD_EN = "Shandong 2024 free clinical blood rules (domain/blood-drive.md)"

INTERVALS_DEFAULT = {
    "whole_blood>whole_blood": {"months": 6},
    "platelets>platelets": {"days": 14},
    "platelets>whole_blood": {"days": 28},
    "whole_blood>platelets": {"months": 3},
}
"""Interval from the last donation (kind before ``>``) to the next one (kind after)."""

COUNT_DEFAULT = {"ml_per_count": 200, "platelet_unit_count": 1,
                 "legacy_platelets_before": "2010-01-01", "legacy_platelet_unit_count": 4}
HONOURS_DEFAULT = {"bronze": 20, "silver": 30, "gold": 40, "lifetime_gold_awards": 3}
UNIT_AWARD_DEFAULT = {"window_years": 2, "visits": 200, "staff_share_pct": 50,
                      "visits_alone": 1000}
BENEFITS_DEFAULT = {"threshold_ml": 1000, "multiple": 5, "years": 5}


def _intervals(value: Any) -> str | None:
    if not isinstance(value, dict) or set(value) != set(INTERVALS_DEFAULT):
        return "须给出四种间隔 / all four intervals are needed"
    for item in value.values():
        if not isinstance(item, dict) or len(item) != 1 or next(iter(item)) not in (
                "days", "months") or not isinstance(next(iter(item.values())), int) \
                or next(iter(item.values())) < 0:
            return "间隔为 {days: n} 或 {months: n} / an interval is {days: n} or {months: n}"
    return None


def _ints(keys: tuple[str, ...]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not isinstance(value, dict) or any(
                not isinstance(value.get(k), int) or isinstance(value.get(k), bool)
                or value[k] < 0 for k in keys):
            return f"须为非负整数：{', '.join(keys)} / non-negative integers: {', '.join(keys)}"
        return None
    return check


def _volumes(value: Any) -> str | None:
    if not isinstance(value, list) or not value or any(
            not isinstance(v, int) or not 100 <= v <= 400 for v in value):
        return "全血量为 100–400 mL 的整数列表 / volumes are integers of 100–400 mL"
    return None


def _count(value: Any) -> str | None:
    problem = _ints(("ml_per_count", "platelet_unit_count", "legacy_platelet_unit_count"))(value)
    if problem:
        return problem
    try:
        date.fromisoformat(str(value.get("legacy_platelets_before")))
    except ValueError:
        return "legacy_platelets_before 须为日期 / legacy_platelets_before is a date"
    return None


RULES = (
    RuleKey("blood_drive.age_min", "int", 18, f"献血最低年龄（周岁）。来源：{GB}",
            f"Minimum donor age. Source: {GB_EN}", minimum=16, maximum=25),
    RuleKey("blood_drive.age_max", "int", 55, f"献血最高年龄（周岁）。来源：{GB}",
            f"Maximum donor age. Source: {GB_EN}", minimum=45, maximum=70),
    RuleKey("blood_drive.age_max_repeat", "int", 60,
            f"既往无献血反应的多次献血者最高年龄。来源：{GB}", "Maximum age of repeat donors "
            f"with no past adverse reaction. Source: {GB_EN}", minimum=45, maximum=70),
    RuleKey("blood_drive.weight_min_male_kg", "int", 50, f"男性最低体重（kg）。来源：{GB}",
            f"Minimum weight, men (kg). Source: {GB_EN}", minimum=40, maximum=80),
    RuleKey("blood_drive.weight_min_female_kg", "int", 45, f"女性最低体重（kg）。来源：{GB}",
            f"Minimum weight, women (kg). Source: {GB_EN}", minimum=40, maximum=80),
    RuleKey("blood_drive.intervals", "json", INTERVALS_DEFAULT,
            f"两次献血间隔（上次>本次：全血、血小板）。来源：{GB}", "Intervals between "
            f"donations (last>next: whole blood, platelets). Source: {GB_EN}",
            validate=_intervals),
    RuleKey("blood_drive.platelets_per_year", "int", 24, f"每年单采血小板最多次数。来源：{GB}",
            f"Platelet donations per calendar year at most. Source: {GB_EN}",
            minimum=1, maximum=52),
    RuleKey("blood_drive.whole_blood_volumes", "json", [200, 300, 400],
            f"全血献血量（mL，一般200，最多400）。来源：{GB}", "Whole-blood volumes (mL; 200 "
            f"normal, 400 at most). Source: {GB_EN}", validate=_volumes),
    RuleKey("blood_drive.platelet_units_max", "int", 2,
            f"单采血小板每次最多治疗单位。来源：{GB}",
            f"Therapeutic platelet units per donation at most. Source: {GB_EN}",
            minimum=1, maximum=3),
    RuleKey("blood_drive.donation_count", "json", COUNT_DEFAULT,
            "表彰献血次数折算（全血每200mL计1次，血小板每治疗单位计1次，2010年1月1日前的血小板"
            f"每治疗单位计4次）。来源：{AWARD}", "Honours count (200 mL whole blood = 1, 1 "
            "platelet unit = 1, a platelet unit donated before 2010-01-01 = 4). Source: "
            f"{AWARD_EN}", validate=_count),
    RuleKey("blood_drive.honours", "json", HONOURS_DEFAULT,
            "奉献奖门槛（铜奖≥20次、银奖≥30次、金奖≥40次；获金奖3次以上为终身荣誉奖）。"
            f"来源：{AWARD}", "Award thresholds (bronze ≥ 20, silver ≥ 30, gold ≥ 40 "
            f"donations; three gold awards: lifetime). Source: {AWARD_EN}",
            validate=_ints(("bronze", "silver", "gold", "lifetime_gold_awards"))),
    RuleKey("blood_drive.unit_award", "json", UNIT_AWARD_DEFAULT,
            "单位促进奖（2年内献血≥200人次且≥在岗职工50%，或2年内≥1000人次）。"
            f"来源：{AWARD}", "Unit promotion award (≥ 200 donation visits in 2 years and ≥ 50% "
            f"of serving staff, or ≥ 1,000 in 2 years). Source: {AWARD_EN}",
            validate=_ints(("window_years", "visits", "staff_share_pct", "visits_alone"))),
    RuleKey("blood_drive.benefits", "json", BENEFITS_DEFAULT,
            "用血优惠（累计<1000mL：每次献血量的5倍5年内免费、此后等量终身；≥1000mL：终身不限量；"
            f"家属不超过献血总量）。来源：{SD}", "Free clinical blood (< 1,000 mL: 5× each "
            "donation for 5 years, then equal volume for life; ≥ 1,000 mL: unlimited; family up "
            f"to the total). Source: {SD_EN}",
            validate=_ints(("threshold_ml", "multiple", "years"))),
)

GB_18467_IN_FORCE = date(2012, 7, 1)
"""GB 18467-2011 《献血者健康检查要求》 took effect on 1 July 2012."""
BLOOD_LAW_IN_FORCE = date(1998, 10, 1)
"""The blood donation law took effect on 1 October 1998: every donation the honours count
since then is counted under the award rules' conversion (the pre-2010 platelet factor
included), so the count rule is in force from that day."""

SINCE: dict[str, date] = {
    **{k.key: GB_18467_IN_FORCE for k in RULES},
    "blood_drive.donation_count": BLOOD_LAW_IN_FORCE,
    "blood_drive.honours": BLOOD_LAW_IN_FORCE,
    "blood_drive.unit_award": BLOOD_LAW_IN_FORCE,
    "blood_drive.benefits": date(2024, 1, 1),
}
"""The date each seeded rule row is in force from (``core.plugin.seed_rules``): the date of the
standard its default comes from."""
