"""Thin hook implementations of the points supermarket (the entry point names this module).
Each hands over to the module that owns the work; nothing is decided here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from piccolo.conf.apps import AppConfig

from core.plugin import (
    ConsolePage,
    CronSpec,
    Event,
    EventType,
    JobSpec,
    NodeType,
    PluginMeta,
    RuleKey,
    hookimpl,
    seed_rules,
)
from plugins.points_market import META, jobs, routes, services
from plugins.points_market import demo as demo_data
from plugins.points_market.events import EVENT_TYPES
from plugins.points_market.piccolo_app import APP_CONFIG
from plugins.points_market.rules import RULES, SINCE
from plugins.points_market.schema import mutations, nodes, queries, subscriptions, types

__all__ = [
    "linli_console_pages",
    "linli_cron_jobs",
    "linli_demo_data",
    "linli_event_types",
    "linli_graphql_types",
    "linli_jobs",
    "linli_mutation_fields",
    "linli_node_types",
    "linli_on_event",
    "linli_personal_data",
    "linli_plugin_meta",
    "linli_query_fields",
    "linli_routes",
    "linli_rules",
    "linli_subscription_fields",
    "linli_tables",
    "linli_tenant_enabled",
]


@hookimpl
def linli_plugin_meta() -> PluginMeta:
    return META


@hookimpl
def linli_console_pages() -> Sequence[ConsolePage]:
    """The console's 积分超市 pages (modules in ``console/``, documents next to them)."""
    return [
        ConsolePage("points-market/claims", "积分评议", "Claims to review", "claims.js",
                    permission="points_market.review", icon="Checked", order=10),
        ConsolePage("points-market/notices", "积分公示", "On notice", "notices.js",
                    permission="points_market.review", icon="Bell", order=20),
        ConsolePage("points-market/account", "居民积分", "A resident's points", "account.js",
                    permission="points_market.read", icon="Wallet", order=30),
        ConsolePage("points-market/counter", "兑换柜台", "Shop counter", "counter.js",
                    permission="points_market.redeem", icon="ShoppingCart", order=40),
        ConsolePage("points-market/goods", "货架管理", "Goods and stock", "goods.js",
                    permission="points_market.manage", icon="Goods", order=50),
        ConsolePage("points-market/ranking", "积分榜", "Points ranking", "public.js",
                    icon="Trophy", public=True),
    ]


@hookimpl
def linli_subscription_fields() -> Sequence[Any]:
    return subscriptions.SUBSCRIPTIONS


@hookimpl
def linli_tables() -> AppConfig:
    return APP_CONFIG


@hookimpl
def linli_routes() -> Sequence[Any]:
    return routes.ROUTES


@hookimpl
def linli_rules() -> Sequence[RuleKey]:
    return RULES


@hookimpl
def linli_event_types() -> Sequence[EventType]:
    return EVENT_TYPES


@hookimpl
def linli_graphql_types() -> Sequence[type]:
    return types.TYPES


@hookimpl
def linli_query_fields() -> Sequence[Any]:
    return queries.QUERIES


@hookimpl
def linli_mutation_fields() -> Sequence[Any]:
    return mutations.MUTATIONS


@hookimpl
def linli_node_types() -> Sequence[NodeType]:
    return nodes.NODE_TYPES


@hookimpl
def linli_jobs() -> Sequence[JobSpec | Any]:
    return jobs.JOBS


@hookimpl
def linli_cron_jobs() -> Sequence[CronSpec]:
    return jobs.CRONS


@hookimpl
async def linli_tenant_enabled(tenant_id: int) -> None:
    """Seed the rule rows (the domain file's defaults, dated by their sources), then the
    tenant's catalogue and accounts."""
    await seed_rules(RULES, SINCE)
    await services.seed_tenant(tenant_id)


@hookimpl
async def linli_on_event(event: Event) -> None:
    await services.on_event(event)


@hookimpl
async def linli_personal_data(resident_id: int, action: str) -> Mapping[str, Any] | None:
    return await services.personal_data_of(resident_id, action)


@hookimpl
async def linli_demo_data(tenant_id: int) -> None:
    await demo_data.seed_demo(tenant_id)
