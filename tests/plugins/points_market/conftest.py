"""Fixtures for the points supermarket's tests: a tenant with the plugin enabled, a village with
two households (two residents in the first), a tenant administrator, a reviewer, a keeper and
helpers to write in the tenant's scope and to fund an account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from core.identity.tables import Account as CoreAccount
from core.plugin import today_shanghai
from tenants.service import scope_for

PLUGIN = "points_market"


@dataclass
class Market:
    env: Any
    node: Any
    place: Any
    other_household: Any
    spouse: Any
    neighbour: Any
    admin: Any
    reviewer: Any
    keeper: Any

    @property
    def resident(self) -> Any:
        return self.place.resident

    def write(self) -> Any:
        return self.env.state.db.scoped(scope_for(self.node), write=True)

    def read(self) -> Any:
        return self.env.state.db.scoped(scope_for(self.node))

    async def link(self, account: Any, resident: Any) -> None:
        """Link a core account to a resident (the self-approval check reads the link)."""
        async with self.env.state.db.transaction():
            await CoreAccount.update({CoreAccount.resident_id: resident.id,
                                      CoreAccount.resident_tenant_id: self.node.id}).where(
                CoreAccount.id == account.id)

    async def fund(self, resident_id: int, points: int, key: str | None = None) -> None:
        """Award ``points`` to a resident straight through the ledger."""
        from plugins.points_market.services import ledger

        async with self.write():
            issuance = await ledger.account_id(ledger.ISSUANCE)
            target = await ledger.account_id("resident", resident_id)
            await ledger.transfer(key or f"fund:{resident_id}:{points}", "award", issuance,
                                  target, points, to_earned=points)

    async def claim_through(self, resident_id: int, code: str = "C04", *,
                            reviewer_account_id: int | None = None) -> dict[str, Any]:
        """A claim reported, approved and noticed 10 days ago (due for posting)."""
        from plugins.points_market.services import claims

        past = today_shanghai() - timedelta(days=10)
        async with self.write():
            row = await claims.report_claim(item_code=code, occurred_on=past,
                                            resident_id=resident_id)
            return await claims.review_claim(int(row["id"]), True,
                                             reviewer_account_id=reviewer_account_id,
                                             today=past)


async def build_market(env: Any, factory: Any, enable_plugin: Any, *, enable: bool = True
                       ) -> Market:
    node = await factory.tenant()
    place = await factory.place(node)
    spouse = await factory.resident(place.household, "配偶", relation="配偶")
    other = await factory.household(place.building)
    neighbour = await factory.resident(other, "邻居")
    if enable:
        await enable_plugin(node, PLUGIN)
    admin = await factory.account(node, "tenant_admin")
    reviewer = await factory.account(node, "points_market.reviewer")
    keeper = await factory.account(node, "points_market.keeper")
    return Market(env=env, node=node, place=place, other_household=other, spouse=spouse,
                  neighbour=neighbour, admin=admin, reviewer=reviewer, keeper=keeper)


@pytest.fixture
async def market(linli_env: Any, factory: Any, enable_plugin: Any) -> Market:
    return await build_market(linli_env, factory, enable_plugin)
