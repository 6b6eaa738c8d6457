"""The daily cap's scope (rule ``canteen.cap_scope``): city (default), district, tenant or
canteen — enforced by the unique key of the city's once-a-day record, which names the scope;
sequentially on both engines, and with truly concurrent counters on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from canteen_kit import enable, operating_canteen

from core.errors import ApiError
from core.rules.service import RuleValue
from plugins.canteen.services import meals
from plugins.canteen.tables import DailySubsidy, Meal
from tenants.service import scope_for

EXPECTED = {"city": 1, "district": 2, "tenant": 2, "canteen": 3}
"""Subsidised meals of one elder on one day, three slots (the same slot twice is refused
city-wide): at a1 (street A), c1 (street C, A's district) and b1 (street B, another district)
for the city and district scopes (a district cap would give 2, a tenant cap 3); at a1, a2 (both
street A) and c1 for the tenant and canteen scopes (a district cap would give 1, a canteen cap
3)."""


@dataclass
class Street:
    """A counter: the street office (node) and its canteen (like conftest's ``Street``)."""

    node: Any
    household: Any = None
    canteen: dict[str, Any] = field(default_factory=dict)


@dataclass
class Counters:
    a1: Street
    a2: Street
    c1: Street
    b1: Street

    def all(self, scope: str) -> list[tuple[Street, str]]:
        if scope in ("city", "district"):
            return [(self.a1, "breakfast"), (self.c1, "lunch"), (self.b1, "dinner")]
        return [(self.a1, "breakfast"), (self.a2, "lunch"), (self.c1, "dinner")]


async def _counters(city: Any, linli_env: Any, factory: Any, scope: str) -> Counters:
    parent = await _node(city.a.node.parent_id)
    c_node = await factory.tenant(parent, name="街道C")
    await enable(linli_env, c_node)
    c = Street(node=c_node)
    c.canteen = await operating_canteen(linli_env, c, "丙食堂")
    a2 = Street(node=city.a.node, household=city.a.household)
    a2.canteen = await operating_canteen(linli_env, city.a, "甲二食堂")
    async with linli_env.state.db.scoped(scope_for(city.city), write=True):
        await RuleValue.insert(RuleValue(
            tenant_id=city.city.id, key="canteen.cap_scope", value=json.dumps(scope),
            effective_from=date(2024, 1, 1), created_at=datetime.now(UTC)))
    return Counters(a1=city.a, a2=a2, c1=c, b1=city.b)


async def _node(node_id: int) -> Any:
    from core.plugin import get_node

    node = await get_node(node_id)
    assert node is not None
    return node


async def _subsidised(city: Any, elder: dict[str, Any], streets: list[Street]) -> int:
    total = 0
    for node in {s.node.id: s.node for s in streets}.values():
        async with city.env.state.db.scoped(scope_for(node)):
            total += await Meal.count().where((Meal.elder_id == elder["id"])
                                              & (Meal.subsidy_fen > 0))
    return total


@pytest.mark.parametrize("scope", list(EXPECTED))
async def test_the_cap_counts_in_its_scope(city, linli_env, factory, scope):
    counters = await _counters(city, linli_env, factory, scope)
    elder = await city.elder("孙玉芳", date(1938, 8, 8))
    day = date(2024, 6, 3)
    got = []
    for street, slot in counters.all(scope):
        meal = await city.meal(street, elder, day, slot=slot)
        got.append(meal["subsidy_fen"] > 0)
        assert meal["cap_scope"] == scope
        assert meal["cap_scope_rule_version"] > 0
    assert sum(got) == EXPECTED[scope], got
    assert got[0]  # the first meal of the day is always subsidised
    assert await _subsidised(city, elder, [s for s, _ in counters.all(scope)]) == EXPECTED[scope]


def test_an_unknown_scope_is_refused():
    from plugins.canteen.rules import RULES

    key = next(r for r in RULES if r.key == "canteen.cap_scope")
    assert key.validate is not None
    assert key.validate("province") is not None
    assert all(key.validate(s) is None for s in EXPECTED)


@pytest.mark.postgres_only
@pytest.mark.parametrize("scope", list(EXPECTED))
async def test_concurrent_counters_respect_the_scope(city, linli_env, factory, scope):
    """100 meals of one elder on one day at the scope's three counters at once (every request
    its own transaction and connection): exactly as many subsidised as the scope allows."""
    counters = await _counters(city, linli_env, factory, scope)
    elder = await city.elder("钱秀英", date(1939, 9, 9))
    day = date(2024, 6, 4)
    plan = counters.all(scope)

    async def one(i: int) -> str:
        street, slot = plan[i % 3]
        try:
            async with city.write(street):
                done = await meals.record_meal(
                    city.system(street), int(street.canteen["id"]), served_on=day, slot=slot,
                    price_fen=1000, elder_id=int(elder["id"]))
            if not done.created:
                return "same"
            return "subsidised" if done.meal["subsidy_fen"] else "plain"
        except ApiError as err:
            return err.code

    assert linli_env.state.db.is_postgres
    outcomes = await asyncio.gather(*(one(i) for i in range(100)))
    assert outcomes.count("subsidised") == EXPECTED[scope], outcomes
    assert outcomes.count("subsidised") + outcomes.count("plain") == 3, outcomes
    async with city.read(city.a):
        claims = await DailySubsidy.count().where(DailySubsidy.elder_id == elder["id"])
    assert claims == EXPECTED[scope]
    assert await _subsidised(city, elder, [s for s, _ in plan]) == EXPECTED[scope]
