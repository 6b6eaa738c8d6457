"""Domain logic of the points supermarket (no strawberry, no Litestar)."""

from __future__ import annotations

from plugins.points_market.services import (
    access,
    catalogue,
    claims,
    consent,
    expiry,
    ledger,
    pages,
    reports,
    shop,
)
from plugins.points_market.services.claims import on_event
from plugins.points_market.services.jobs_work import post_noticed, seed_tenant
from plugins.points_market.services.personal_data import personal_data_of

__all__ = [
           "access",
           "catalogue",
           "claims",
           "consent",
           "expiry",
           "ledger",
           "on_event",
           "pages",
           "personal_data_of",
           "post_noticed",
           "reports",
           "seed_tenant",
           "shop",
]
