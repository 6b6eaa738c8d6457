"""Demo data: 柳园街道 gets its six canteens (two elderly-service centres, four enterprise-listed;
馨颐颐养中心幸福食堂 operating, 东关国际幸福食堂 fitting out), elders in the city registry and a
month of meals; a second run adds nothing; other tenants get no canteens."""

from __future__ import annotations

import time
from typing import Any

from canteen_kit import enable

from core.demo.people import demo_rows
from core.demo.places import DEMO_COMPOUNDS
from core.people.excel import import_rows
from plugins.canteen.demo import seed_demo
from plugins.canteen.tables import Canteen, Elder, Meal
from tenants.service import scope_for


async def _liuyuan(env: Any, factory: Any) -> Any:
    city = await factory.region("city", name="聊城市")
    district = await factory.region("district", parent=city, name="东昌府区")
    node = await factory.tenant(district, name="柳园街道")
    rows = demo_rows(node.code, ("水韵社区", "育新社区"), DEMO_COMPOUNDS, count=150, seed=node.id)
    report = await import_rows(env.state.db, node, ((i + 2, r) for i, r in enumerate(rows)),
                               None, pii_key=env.settings.pii_key, progress=False)
    assert report.ok, report.errors[:3]
    await enable(env, node)
    return node


async def test_demo(linli_env, factory):
    node = await _liuyuan(linli_env, factory)
    started = time.perf_counter()
    async with linli_env.state.db.scoped(scope_for(node), write=True):
        await seed_demo(node.id)
    elapsed = time.perf_counter() - started
    async with linli_env.state.db.scoped(scope_for(node)):
        canteens = {r["name"]: r for r in await Canteen.select()}
        meals = await Meal.count()
        elders = await Elder.count()
    assert len(canteens) == 6
    assert sum(bool(c["elderly_centre"]) for c in canteens.values()) == 2
    assert sum(c["kind"] == "enterprise_listed" for c in canteens.values()) == 4
    assert canteens["馨颐颐养中心幸福食堂"]["status"] == "operating"
    assert canteens["东关国际幸福食堂"]["status"] == "fitting_out"
    assert elders > 0 and meals > 100, (elders, meals)
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
