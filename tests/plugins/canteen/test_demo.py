"""Demo data: 柳园街道 gets its six canteens (two elderly-service centres, four enterprise-listed;
馨颐颐养中心幸福食堂 operating, 东关国际幸福食堂 fitting out), elders in the city registry and a
month of meals; a second run adds nothing; other tenants get no canteens."""

from __future__ import annotations

import time

from canteen_kit import enable, liuyuan

from plugins.canteen.demo import seed_demo
from plugins.canteen.tables import (
    AbsenceAlert,
    Canteen,
    Elder,
    Meal,
    MenuItem,
    Payment,
    Settlement,
    StatusChange,
)
from tenants.service import scope_for


async def test_demo(linli_env, factory):
    node = await liuyuan(linli_env, factory)
    started = time.perf_counter()
    async with linli_env.state.db.scoped(scope_for(node), write=True):
        await seed_demo(node.id)
    elapsed = time.perf_counter() - started
    async with linli_env.state.db.scoped(scope_for(node)):
        canteens = {r["name"]: r for r in await Canteen.select()}
        meals = await Meal.count()
        elders = await Elder.count()
        unversioned = await Meal.count().where(Meal.rule_version == 0)
    assert len(canteens) == 6
    assert sum(bool(c["elderly_centre"]) for c in canteens.values()) == 2
    assert sum(c["kind"] == "enterprise_listed" for c in canteens.values()) == 4
    assert canteens["馨颐颐养中心幸福食堂"]["status"] == "operating"
    assert canteens["东关国际幸福食堂"]["status"] == "fitting_out"
    assert elders > 0 and meals > 100, (elders, meals)
    assert unversioned == 0      # the demo seeds the rule rows: every meal stores a version ≥ 1
    async with linli_env.state.db.scoped(scope_for(node)):
        claims = await Settlement.select()
        statuses = {r["status"] for r in claims}
        reasons = {r["unsubsidised_reason"] for r in await Meal.select(
            Meal.unsubsidised_reason)}
        sources = {r["source"] for r in await Meal.select(Meal.source)}
        adjustments = await Meal.count().where(Meal.adjustment == True)
        paid = await Payment.count()
        alerts = await AbsenceAlert.count()
        menu = await MenuItem.count()
        history = {r["status"] for r in await StatusChange.select(StatusChange.status)}
    assert {"generated", "approved", "returned"} <= statuses, statuses
    assert reasons == {"", "daily_cap", "not_eligible"}, reasons
    assert sources == {"counter", "batch", "import"}, sources
    assert (adjustments, paid, alerts) == (1, 1, 1) and menu > 0, (adjustments, paid, alerts)
    assert {"planned", "signed", "fitting_out", "ready", "operating", "suspended"} <= history
    assert elapsed < 30, elapsed   # the whole demo must stay under 30 s
    async with linli_env.state.db.scoped(scope_for(node), write=True):
        await seed_demo(node.id)
    async with linli_env.state.db.scoped(scope_for(node)):
        assert await Meal.count() == meals
    other = await factory.tenant()
    await enable(linli_env, other)
    async with linli_env.state.db.scoped(scope_for(other), write=True):
        await seed_demo(other.id)
        assert await Canteen.count() == 0
