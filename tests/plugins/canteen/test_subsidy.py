"""Brackets by age on the meal date: the 70th and 80th birthdays, leap-day births, extra
brackets by tag and age, a rule changed mid-month applying by meal date, self-pay never
negative, the same slot twice refused and a second meal in a day recorded without subsidy."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from core.errors import ApiError
from core.rules.service import RuleValue
from plugins.canteen.rules import AGE_BRACKETS_DEFAULT
from plugins.canteen.services.common import SubsidyRules, age_on, compute_subsidy
from tenants.service import scope_for

DEFAULT = SubsidyRules(brackets=AGE_BRACKETS_DEFAULT, extras=[], cap=1, version=0,
                       extra_version=0, cap_version=0)


@pytest.mark.parametrize(("birth", "day", "fen"), [
    (date(1954, 6, 10), date(2024, 6, 9), 0),       # the day before the 70th birthday
    (date(1954, 6, 10), date(2024, 6, 10), 200),    # the 70th birthday
    (date(1944, 6, 10), date(2024, 6, 9), 200),     # the day before the 80th birthday
    (date(1944, 6, 10), date(2024, 6, 10), 400),    # the 80th birthday
    (date(1944, 2, 29), date(2024, 2, 28), 200),    # leap-day birth, leap year: not yet 80
    (date(1944, 2, 29), date(2024, 2, 29), 400),    # … turns 80 on 29 February
    (date(1945, 2, 28), date(2025, 2, 28), 400),
    (date(1948, 2, 29), date(2018, 2, 28), 0),      # leap-day birth, common year: 1 March
    (date(1948, 2, 29), date(2018, 3, 1), 200),
    (date(1930, 1, 1), date(2024, 1, 1), 400),      # 94: the 80+ bracket
])
def test_age_brackets(birth, day, fen):
    assert compute_subsidy(DEFAULT, birth, set(), day).fen == fen


def test_extra_brackets_add_to_the_age_bracket():
    rules = SubsidyRules(AGE_BRACKETS_DEFAULT, [
        {"code": "dibao", "tag": "minimum_allowance", "fen": 100},
        {"code": "age_90_plus", "min_age": 90, "fen": 100}], 1, 3, 4, 0)
    day = date(2024, 5, 1)
    assert compute_subsidy(rules, date(1950, 1, 1), {"minimum_allowance"}, day).codes == ("age_70_79",
                                                                            "dibao")
    assert compute_subsidy(rules, date(1950, 1, 1), {"minimum_allowance"}, day).fen == 300
    assert compute_subsidy(rules, date(1934, 5, 1), set(), day).fen == 500
    assert compute_subsidy(rules, date(1934, 5, 2), set(), day).fen == 400
    assert compute_subsidy(rules, date(1960, 1, 1), {"extreme_poverty", "minimum_allowance"}, day).fen == 0
    assert age_on(date(2000, 2, 29), date(2001, 2, 28)) == 0


async def test_counter_meals(city):
    elder = await city.elder("王秀英", date(1944, 6, 10))
    before = await city.meal(city.a, elder, date(2024, 6, 9))
    assert (before["subsidy_fen"], before["self_pay_fen"], before["bracket"]) == (200, 800,
                                                                                "age_70_79")
    assert before["rule_version"] >= 1            # the seeded row
    birthday = await city.meal(city.a, elder, date(2024, 6, 10))
    assert (birthday["subsidy_fen"], birthday["bracket"]) == (400, "age_80_plus")
    dinner = await city.meal(city.a, elder, date(2024, 6, 10), slot="dinner")
    assert (dinner["subsidy_fen"], dinner["unsubsidised_reason"], dinner["self_pay_fen"]) == (
        0, "daily_cap", 1000)
    with pytest.raises(ApiError) as err:
        await city.meal(city.a, elder, date(2024, 6, 10), slot="dinner", price=900)
    assert err.value.code == "CONFLICT"
    again = await city.meal(city.a, elder, date(2024, 6, 10), slot="dinner")
    assert again["id"] == dinner["id"]          # the same meal again is not a second one
    cheap = await city.meal(city.a, elder, date(2024, 6, 11), price=300)
    assert (cheap["subsidy_fen"], cheap["self_pay_fen"]) == (300, 0)   # never negative
    # the cap is city-wide: another street office's canteen, same day, gets no subsidy
    other = await city.meal(city.b, elder, date(2024, 6, 11), slot="dinner")
    assert (other["subsidy_fen"], other["unsubsidised_reason"]) == (0, "daily_cap")
    young = await city.elder("李明", date(1960, 1, 1))
    assert (await city.meal(city.b, young, date(2024, 6, 11)))["unsubsidised_reason"] \
        == "not_eligible"


async def test_rule_changed_mid_month_applies_by_meal_date(city, linli_env):
    elder = await city.elder("赵桂兰", date(1950, 1, 1), tags=["低保"])
    raised = [{"code": "age_70_79", "min_age": 70, "max_age": 79, "fen": 300},
              {"code": "age_80_plus", "min_age": 80, "fen": 500}]
    async with linli_env.state.db.scoped(scope_for(city.city), write=True):
        row = RuleValue(tenant_id=city.city.id, key="canteen.age_brackets",
                        value=json.dumps(raised), effective_from=date(2024, 3, 15),
                        created_at=datetime.now(UTC))
        await RuleValue.insert(row)
        extra = RuleValue(tenant_id=city.city.id, key="canteen.extra_brackets",
                          value=json.dumps([{"code": "dibao", "tag": "minimum_allowance", "fen": 100}]),
                          effective_from=date(2024, 3, 20), created_at=datetime.now(UTC))
        await RuleValue.insert(extra)
    early = await city.meal(city.a, elder, date(2024, 3, 14))
    late = await city.meal(city.a, elder, date(2024, 3, 15))
    later = await city.meal(city.b, elder, date(2024, 3, 20))
    assert early["subsidy_fen"] == 200 and 1 <= early["rule_version"] < row.id   # the seeded row
    assert (late["subsidy_fen"], late["rule_version"]) == (300, row.id)
    assert (later["subsidy_fen"], later["bracket"], later["extra_rule_version"]) == (
        400, "age_70_79+dibao", extra.id)


async def test_counter_refusals(city, factory):
    from plugins.canteen.services import canteens, meals

    elder = await city.elder("孙玉兰", date(1940, 1, 1))
    operator = await factory.account(city.a.node, "canteen.operator")
    access = await _access(city, operator)
    with pytest.raises(ApiError) as err:      # an operator not linked to this canteen
        await city.meal(city.a, elder, date(2024, 5, 1), access=access)
    assert err.value.code == "FORBIDDEN"
    async with city.write(city.a):
        await canteens.link_operator(city.system(city.a), int(city.a.canteen["id"]),
                                     operator.id)
    meal = await city.meal(city.a, elder, date(2024, 5, 1), access=access)
    assert meal["recorded_by"] == operator.id
    with pytest.raises(ApiError) as err:      # the other street's canteen is not found here
        async with city.write(city.a):
            await meals.record_meal(city.system(city.a), int(city.b.canteen["id"]),
                                    served_on=date(2024, 5, 2), slot="lunch", price_fen=1000,
                                    elder_id=int(elder["id"]))
    assert err.value.code == "NOT_FOUND"
    for kwargs, code in (({"slot": "supper"}, "INVALID_ARGUMENT"),
                         ({"price": -1}, "INVALID_ARGUMENT"),
                         ({"day": date(2999, 1, 1)}, "INVALID_ARGUMENT")):
        with pytest.raises(ApiError) as err:
            await city.meal(city.a, elder, kwargs.get("day", date(2024, 5, 3)),
                            slot=kwargs.get("slot", "lunch"), price=kwargs.get("price", 1000))
        assert err.value.code == code


async def _access(city, account):
    from core.identity.auth import access_at, load_principal

    async with city.env.state.db.transaction(write=False):
        principal = await load_principal(account.id, city.env.state.rolebook)
        return await access_at(principal, city.a.node)


async def test_enablement_seeds_the_rules_so_a_meal_stores_a_real_version(city, seeded_rules):
    """Enabling the plugin writes every default as a dated row of the root region (the city
    here): a meal stores those rows' versions (≥ 1), never 0."""
    from plugins.canteen.rules import RULES, SINCE

    elder = await city.elder("李淑珍", date(1944, 6, 10))
    meal = await city.meal(city.a, elder, date(2024, 6, 3))
    got = await seeded_rules(city.a.node, RULES, SINCE, date(2024, 6, 3))
    assert meal["rule_version"] == got["canteen.age_brackets"].version
    assert meal["extra_rule_version"] == got["canteen.extra_brackets"].version
    assert meal["cap_rule_version"] == got["canteen.daily_cap"].version
    assert meal["cap_scope_rule_version"] == got["canteen.cap_scope"].version
