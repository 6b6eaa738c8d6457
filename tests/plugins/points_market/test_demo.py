"""The demo seeds a village with claims at every stage and a stocked shop, once."""

from __future__ import annotations

import time

from plugins.points_market import demo
from plugins.points_market.services import ledger
from plugins.points_market.tables import Claim, Good, Objection, Redemption


async def test_demo_seeds_once(market, factory):
    for i in range(6):
        await factory.resident(market.place.household, f"村民{i}")
    async with market.write():
        start = time.perf_counter()
        await demo.seed_demo(market.node.id)
        print(f"points_market demo seeded in {time.perf_counter() - start:.2f} s")
        claims = await Claim.count()
        await demo.seed_demo(market.node.id)
        assert await Claim.count() == claims >= 30
        statuses = {r["status"] for r in await Claim.select(Claim.status)}
        assert {"pending", "noticed", "posted"} <= statuses
        assert await Good.count() == len(demo.GOODS)
        assert await Redemption.count() == 6
        assert await Objection.count().where(Objection.status == "open") == 1
        assert (await ledger.check_books()).ok
