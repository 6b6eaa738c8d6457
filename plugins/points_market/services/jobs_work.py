"""The work behind the plugin's hooks and cron entries (each runs in the tenant's scope)."""

from __future__ import annotations

from typing import Any

from plugins.points_market.services.catalogue import seed_catalogue
from plugins.points_market.services.claims import post_due
from plugins.points_market.services.expiry import expire_year
from plugins.points_market.services.ledger import ISSUANCE, PENALTY, SHOP, account_id

__all__ = ["expire_year_end", "post_noticed", "seed_tenant"]


async def seed_tenant(tenant_id: int) -> None:
    """On enablement: the seed catalogue and the tenant's issuance, shop and penalty accounts
    (idempotent)."""
    await seed_catalogue(tenant_id)
    for kind in (ISSUANCE, SHOP, PENALTY):
        await account_id(kind)


async def post_noticed(ctx: dict[str, Any], tenant_id: int) -> int:
    """Cron work: post every claim whose notice has ended (the runner opened the scope; a
    second or concurrent run posts nothing twice)."""
    return await post_due()


async def expire_year_end(ctx: dict[str, Any], tenant_id: int) -> int:
    """Cron work (1 January, Shanghai): expire last year's unspent points where the tenant's
    rule says so (a second or concurrent run expires nothing twice)."""
    return await expire_year()
