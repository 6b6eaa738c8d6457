"""The pre-check, honours and benefits rules on their own (pure functions with the default
rule values): ages on birthdays, interval ends at month ends, thresholds at their edges."""

from __future__ import annotations

from datetime import date

import pytest

from plugins.blood_drive.rules import RULES
from plugins.blood_drive.services.common import add_months, age_on
from plugins.blood_drive.services.honours import compute_benefits, compute_honours
from plugins.blood_drive.services.precheck import Answers, PastDonation, assess
from plugins.blood_drive.services.results import count_x100

DEFAULTS = {r.key: r.default for r in RULES}
OK = Answers(weight_kg=60)


def check(birth: date, on: date, answers: Answers = OK, history=(), gender: str = "male"):
    return assess(DEFAULTS, birth=birth, gender=gender, answers=answers, history=list(history),
                  on=on)


def test_month_arithmetic_clamps_to_month_ends():
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)      # leap year
    assert add_months(date(2022, 8, 31), 6) == date(2023, 2, 28)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert add_months(date(2023, 12, 31), 3) == date(2024, 3, 31)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert age_on(date(2004, 2, 29), date(2022, 2, 28)) == 17
    assert age_on(date(2004, 2, 29), date(2022, 3, 1)) == 18


def test_age_limits_on_birthdays():
    birth = date(2005, 3, 5)
    before = check(birth, date(2023, 3, 4))
    assert before.outcome == "eligible_from" and before.eligible_on == date(2023, 3, 5)
    assert before.reasons == ("age_below_minimum",)
    assert check(birth, date(2023, 3, 5)).outcome == "eligible"
    old = date(1968, 3, 5)
    assert check(old, date(2024, 3, 4)).outcome == "eligible"          # 55 until the day before
    assert check(old, date(2024, 3, 5)).outcome == "not_eligible"      # 56 today, first-timer
    repeat = [PastDonation(date(2023, 1, 10), "whole_blood")]
    assert check(old, date(2024, 3, 5), history=repeat).outcome == "eligible"
    assert check(old, date(2028, 3, 4), history=repeat).outcome == "eligible"   # still 59
    assert check(old, date(2029, 3, 4), history=repeat).outcome == "eligible"   # 60
    assert check(old, date(2029, 3, 5), history=repeat).reasons == ("age_above_maximum",)
    reacted = Answers(weight_kg=60, adverse_reaction_before=True)
    assert check(old, date(2024, 3, 5), reacted, repeat).outcome == "not_eligible"


def test_weight_by_sex():
    birth = date(1990, 1, 1)
    on = date(2024, 1, 1)
    assert check(birth, on, Answers(weight_kg=49)).reasons == ("weight_below_minimum",)
    assert check(birth, on, Answers(weight_kg=50)).outcome == "eligible"
    assert check(birth, on, Answers(weight_kg=45), gender="female").outcome == "eligible"
    assert check(birth, on, Answers(weight_kg=44), gender="female").outcome == "not_eligible"


@pytest.mark.parametrize(("last_kind", "last_on", "planned", "eligible_on"), [
    ("whole_blood", date(2023, 8, 31), "whole_blood", date(2024, 2, 29)),   # 6 months, leap
    ("whole_blood", date(2022, 8, 31), "whole_blood", date(2023, 2, 28)),
    ("platelets", date(2024, 1, 31), "platelets", date(2024, 2, 14)),       # 2 weeks
    ("platelets", date(2024, 1, 31), "whole_blood", date(2024, 2, 28)),     # 4 weeks
    ("whole_blood", date(2023, 11, 30), "platelets", date(2024, 2, 29)),    # 3 months
])
def test_intervals(last_kind, last_on, planned, eligible_on):
    birth = date(1990, 1, 1)
    history = [PastDonation(last_on, last_kind)]
    answers = Answers(weight_kg=60, planned_kind=planned)
    from datetime import timedelta

    day_before = check(birth, eligible_on - timedelta(days=1), answers, history)
    assert day_before.outcome == "eligible_from" and day_before.eligible_on == eligible_on
    assert day_before.reasons == ("interval",)
    assert check(birth, eligible_on, answers, history).outcome == "eligible"


def test_platelets_at_most_24_a_year():
    birth = date(1990, 1, 1)
    history = [PastDonation(date(2024, m, 1), "platelets") for m in range(1, 12)] * 2 + \
        [PastDonation(date(2024, 11, 1), "platelets"), PastDonation(date(2024, 11, 2),
                                                                    "platelets")]
    platelets = Answers(weight_kg=60, planned_kind="platelets")
    result = check(birth, date(2024, 12, 20), platelets, history)
    assert result.outcome == "eligible_from" and result.eligible_on == date(2025, 1, 1)
    assert "platelets_per_year" in result.reasons
    assert check(birth, date(2024, 12, 20), platelets, history[:23]).outcome == "eligible"


def test_not_eligible_wins_and_lists_every_reason():
    result = check(date(1960, 1, 1), date(2024, 1, 1), Answers(weight_kg=40, feeling_well=False))
    assert result.outcome == "not_eligible"
    assert set(result.reasons) == {"age_above_maximum", "weight_below_minimum", "unwell"}


def test_donation_counts():
    rule = DEFAULTS["blood_drive.donation_count"]
    assert count_x100(rule, "whole_blood", 200, 0, date(2024, 1, 1)) == 100
    assert count_x100(rule, "whole_blood", 300, 0, date(2024, 1, 1)) == 150
    assert count_x100(rule, "whole_blood", 400, 0, date(2024, 1, 1)) == 200
    assert count_x100(rule, "platelets", 0, 2, date(2024, 1, 1)) == 200
    assert count_x100(rule, "platelets", 0, 1, date(2009, 12, 31)) == 400    # before 2010
    assert count_x100(rule, "platelets", 0, 1, date(2010, 1, 1)) == 100


def test_honours_thresholds():
    rule = DEFAULTS["blood_drive.honours"]
    assert compute_honours(rule, 1950, 0).tier is None
    h = compute_honours(rule, 1950, 0)
    assert (h.next_tier, h.next_at, h.remaining_x100) == ("bronze", 20, 50)
    assert compute_honours(rule, 2000, 0).tier == "bronze"
    assert compute_honours(rule, 2999, 0).tier == "bronze"
    assert compute_honours(rule, 3000, 0).tier == "silver"
    gold = compute_honours(rule, 4000, 2)
    assert (gold.tier, gold.next_tier, gold.lifetime) == ("gold", None, False)
    assert compute_honours(rule, 4000, 3).lifetime      # three gold awards (2022 edition)


def test_benefits():
    rule = DEFAULTS["blood_drive.benefits"]
    small = compute_benefits(rule, [(date(2020, 6, 1), 400)], date(2024, 1, 1))
    assert (small.unlimited, small.donor_limit_ml, small.family_limit_ml) == (False, 2000, 400)
    assert small.five_fold_until == date(2025, 5, 31)
    later = compute_benefits(rule, [(date(2020, 6, 1), 400)], date(2025, 6, 1))
    assert later.donor_limit_ml == 400                  # equal volume for life after 5 years
    big = compute_benefits(rule, [(date(2020, 1, 1), 400)] * 2 + [(date(2021, 1, 1), 200)],
                           date(2024, 1, 1))
    assert big.unlimited and big.donor_limit_ml is None and big.family_limit_ml == 1000


async def test_enablement_seeds_dated_rule_rows_citing_their_source(linli_env, factory,
                                                                   enable_plugin):
    """Enabling the plugin writes every rule's default as a row of the root region, in force
    from its standard's date (so a 2023 result stores version ≥ 1); a second enablement adds
    nothing; a street office still overrides; each description cites its source."""
    from datetime import date

    from core.rules.service import RuleValue
    from plugins.blood_drive.rules import RULES, SINCE
    from plugins.blood_drive.services.common import OWN_RULES
    from tenants.service import scope_for

    for key in RULES:
        assert "domain/blood-drive.md" in key.description_zh
        assert "domain/blood-drive.md" in key.description_en
    count = next(k for k in RULES if k.key == "blood_drive.donation_count")
    assert count.default["legacy_platelet_unit_count"] == 4
    assert count.default["legacy_platelets_before"] == "2010-01-01"
    unit = next(k for k in RULES if k.key == "blood_drive.unit_award")
    assert unit.default == {"window_years": 2, "visits": 200, "staff_share_pct": 50,
                            "visits_alone": 1000}
    city = await factory.region("city", name="聊城市")
    street = await factory.tenant(city, name="新区街道")
    other = await factory.tenant(city, name="柳园街道")
    await enable_plugin(street, "blood_drive")
    await enable_plugin(other, "blood_drive")
    async with linli_env.state.db.scoped(scope_for(other)):
        rows = [r for r in await RuleValue.select() if r["key"].startswith("blood_drive.")]
    assert len(rows) == len(RULES)
    assert {r["key"] for r in rows} == {k.key for k in RULES}
    assert all(int(r["tenant_id"]) == city.id for r in rows)
    async with linli_env.state.db.scoped(scope_for(street)):
        got = await OWN_RULES.get("blood_drive.donation_count", street, date(2023, 2, 18))
        assert got.version >= 1 and got.value["legacy_platelet_unit_count"] == 4
        assert got.effective_from == SINCE["blood_drive.donation_count"]
        gb = await OWN_RULES.get("blood_drive.age_max", street, date(2023, 2, 18))
        assert gb.version >= 1 and gb.effective_from == date(2012, 7, 1)
        assert (await OWN_RULES.get("blood_drive.age_max", street,
                                    date(2012, 6, 30))).version == 0
    async with linli_env.state.db.scoped(scope_for(street), write=True):
        mine = await OWN_RULES.set("blood_drive.age_max", 58, street)
    async with linli_env.state.db.scoped(scope_for(street)):
        assert (await OWN_RULES.get("blood_drive.age_max", street)).version == mine.version
