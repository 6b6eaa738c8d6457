"""Thin hook implementations of the reading-rooms plugin (the entry point names this module).
Each hands over to the module that owns the work; nothing is decided here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from piccolo.conf.apps import AppConfig

from core.plugin import (
    ConsolePage,
    CronSpec,
    EventType,
    JobSpec,
    NodeType,
    PluginMeta,
    RuleKey,
    hookimpl,
    seed_rules,
)
from plugins.reading_rooms import META, cli, jobs
from plugins.reading_rooms import demo as demo_data
from plugins.reading_rooms.events import EVENT_TYPES
from plugins.reading_rooms.piccolo_app import APP_CONFIG
from plugins.reading_rooms.rules import RULES, SINCE
from plugins.reading_rooms.schema import mutations, nodes, queries, subscriptions, types

__all__ = [
    "linli_cli_commands",
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
def linli_cli_commands() -> Sequence[Any]:
    """``linli reading-rooms import-catalogue`` (a long catalogue sheet in batches, with
    progress)."""
    return cli.COMMANDS


@hookimpl
def linli_console_pages() -> Sequence[ConsolePage]:
    """The console's 城市书房 pages (modules in ``console/``, documents next to them)."""
    return [
        ConsolePage("reading-rooms/desk", "借还台", "Circulation desk", "desk.js",
                    permission="reading_rooms.circulate", icon="Reading", order=10),
        ConsolePage("reading-rooms/holds", "预约与配送", "Holds and transfers", "holds.js",
                    permission="reading_rooms.circulate", icon="Van", order=15),
        ConsolePage("reading-rooms/catalogue", "馆藏检索", "Catalogue", "catalogue.js",
                    permission="reading_rooms.read", icon="Search", order=20),
        ConsolePage("reading-rooms/my-card", "我的读者证", "My reader's card", "card.js",
                    icon="Postcard", order=30),
        ConsolePage("reading-rooms/register", "办理读者证", "Get a reader's card", "register.js",
                    icon="CreditCard", order=31),
        ConsolePage("reading-rooms/seats", "自习座位预约", "Book a study seat", "seats.js",
                    icon="Calendar", order=32),
        ConsolePage("reading-rooms/activities", "书房活动", "Reading-room activities",
                    "activities.js", icon="Star", order=33),
        ConsolePage("reading-rooms/reports", "书房统计", "Network report", "reports.js",
                    permission="reading_rooms.report", icon="DataAnalysis", order=40),
        ConsolePage("reading-rooms/find-a-book", "城市书房 · 找书", "Find a book", "catalogue.js",
                    icon="Search", public=True),
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
async def linli_on_event(event: Any) -> None:
    from plugins.reading_rooms.services.holds import deliver_notice

    if event.type == "reading_rooms.reader_notice":
        await deliver_notice(event)


@hookimpl
async def linli_tenant_enabled(tenant_id: int) -> None:
    """Seed the rule rows (the domain file's defaults, dated by their sources)."""
    await seed_rules(RULES, SINCE)


@hookimpl
async def linli_personal_data(resident_id: int, action: str) -> Mapping[str, Any] | None:
    from core.plugin import personal_cipher
    from plugins.reading_rooms.services.personal_data import personal_data

    return await personal_data(resident_id, action, personal_cipher())


@hookimpl
async def linli_demo_data(tenant_id: int) -> None:
    await demo_data.seed_demo(tenant_id)
