"""Thin hook implementations of the building-head plugin (the entry point names this module).
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
from plugins.building_heads import META, jobs, services
from plugins.building_heads import demo as demo_data
from plugins.building_heads.events import EVENT_TYPES
from plugins.building_heads.piccolo_app import APP_CONFIG
from plugins.building_heads.rules import RULES, SINCE
from plugins.building_heads.schema import mutations, nodes, queries, subscriptions, types

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
    "linli_responsible_accounts",
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
    """The console's 楼长制 pages (modules in ``console/``, documents next to them)."""
    return [
        ConsolePage("building-heads/coverage", "楼长走访覆盖", "Visit coverage", "coverage.js",
                    permission="building_heads.read", icon="DataAnalysis", order=10),
        ConsolePage("building-heads/visits", "登记走访", "Log a visit", "visits.js",
                    permission="building_heads.visit", icon="Checked", order=20),
        ConsolePage("building-heads/board", "议事栏", "Matters board", "board.js",
                    permission="building_heads.matter", icon="ChatDotRound", order=30),
        ConsolePage("building-heads/handoffs", "转交事项", "Hand-offs", "handoffs.js",
                    icon="Switch", order=35),
        ConsolePage("building-heads/appointments", "楼长任命", "Appointments",
                    "appointments.js", permission="building_heads.manage", icon="Medal",
                    order=40),
        ConsolePage("building-heads/rota", "红旗驿站排班", "Station rota", "rota.js",
                    permission="building_heads.rota", icon="Calendar", order=50),
        ConsolePage("building-heads/public-board", "红旗驿站议事公开栏", "Station matters board", "board.js",
                    icon="ChatDotRound", public=True),
    ]


@hookimpl
def linli_tables() -> AppConfig:
    return APP_CONFIG


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
def linli_subscription_fields() -> Sequence[Any]:
    return subscriptions.SUBSCRIPTIONS


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
async def linli_on_event(event: Event) -> None:
    await services.on_event(event)


@hookimpl
async def linli_responsible_accounts(resident_id: int, tenant_id: int) -> Sequence[int]:
    return await services.responsible_accounts(resident_id, tenant_id)


@hookimpl
async def linli_tenant_enabled(tenant_id: int) -> None:
    """Seed the rule rows (the domain file's defaults, dated by their sources)."""
    await seed_rules(RULES, SINCE)


@hookimpl
async def linli_personal_data(resident_id: int, action: str) -> Mapping[str, Any] | None:
    return await services.personal_data_of(resident_id, action)


@hookimpl
async def linli_demo_data(tenant_id: int) -> None:
    await demo_data.seed_demo(tenant_id)
