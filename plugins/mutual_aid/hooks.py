"""Thin hook implementations of 红邻菜单 (the entry point names this module)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from piccolo.conf.apps import AppConfig

from core.plugin import (
    COMMUNITIES,
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
from plugins.mutual_aid import META, jobs, services
from plugins.mutual_aid import demo as demo_data
from plugins.mutual_aid.events import EVENT_TYPES
from plugins.mutual_aid.piccolo_app import APP_CONFIG
from plugins.mutual_aid.rules import RULES, SINCE
from plugins.mutual_aid.schema import mutations, nodes, queries, subscriptions, types

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
    """The console's 红邻菜单 pages (modules in ``console/``, documents next to them)."""
    return [
        ConsolePage("mutual-aid/boxes", "便民箱", "Neighbour boxes", "boxes.js",
                    permission="mutual_aid.read", icon="Box", order=10),
        ConsolePage("mutual-aid/menu", "红邻点单", "Needs menu", "menu.js",
                    permission="mutual_aid.read", icon="Food", order=20),
        ConsolePage("mutual-aid/dishes", "菜单与场次", "Dishes and sessions", "dishes.js",
                    permission="mutual_aid.read", icon="Calendar", order=25),
        ConsolePage("mutual-aid/projects", "4有项目", "Menu projects", "projects.js",
                    permission="mutual_aid.read", icon="Guide", order=30),
        ConsolePage("mutual-aid/notes", "红便签", "Red notes", "notes.js",
                    permission="mutual_aid.moderate", icon="ChatLineSquare", order=40),
        ConsolePage("mutual-aid/board", "红邻看板", "Mutual aid board", "board.js",
                    icon="Notification", public=True),
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
async def linli_tenant_enabled(tenant_id: int) -> None:
    """Seed the rule rows (the domain file's defaults, dated by their sources), then the
    menu's teams."""
    await seed_rules(RULES, SINCE)
    rows = await COMMUNITIES.select(COMMUNITIES.id).where(COMMUNITIES.tenant_id == tenant_id)
    await services.menu.seed_teams(tenant_id, [int(r["id"]) for r in rows])


@hookimpl
async def linli_on_event(event: Event) -> None:
    await services.menu.on_event(event)


@hookimpl
async def linli_personal_data(resident_id: int, action: str) -> Mapping[str, Any] | None:
    return await services.personal_data_of(resident_id, action)


@hookimpl
async def linli_demo_data(tenant_id: int) -> None:
    await demo_data.seed_demo(tenant_id)
