"""Thin hook implementations of the blood-drive plugin (the entry point names this module).
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
from plugins.blood_drive import META, cli, jobs, services
from plugins.blood_drive import demo as demo_data
from plugins.blood_drive.events import EVENT_TYPES
from plugins.blood_drive.piccolo_app import APP_CONFIG
from plugins.blood_drive.rules import RULES, SINCE
from plugins.blood_drive.schema import mutations, nodes, queries, subscriptions, types

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
    """``linli blood-drive import-results FILE --node CODE --session ID``."""
    return cli.COMMANDS


@hookimpl
def linli_console_pages() -> Sequence[ConsolePage]:
    """The console's 无偿献血 pages (modules in ``console/``, documents next to them)."""
    return [
        ConsolePage("blood-drive/campaigns", "献血活动进度", "Campaign progress", "campaigns.js",
                    permission="blood_drive.read", icon="DataAnalysis", order=10),
        ConsolePage("blood-drive/sessions", "采血场次与签到", "Sessions and check-in",
                    "sessions.js", permission="blood_drive.health", icon="Calendar", order=20),
        ConsolePage("blood-drive/precheck", "献血前健康征询", "Pre-donation check", "precheck.js",
                    permission="blood_drive.health", icon="FirstAidKit", order=30),
        ConsolePage("blood-drive/import", "导入献血结果", "Import results", "import.js",
                    permission="blood_drive.import", icon="Upload", order=40),
        ConsolePage("blood-drive/book", "跨街镇预约献血", "Book at another street office",
                    "book.js", permission="blood_drive.mobilise", icon="Calendar", order=25),
        ConsolePage("blood-drive/mine", "我的献血", "My blood donations", "mine.js",
                    icon="FirstAidKit", order=5),
        ConsolePage("blood-drive/call", "献血倡议", "Blood drive: the call", "call.js",
                    icon="FirstAidKit", public=True),
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
    """Seed the rule rows (the domain file's defaults, dated by their standards)."""
    await seed_rules(RULES, SINCE)


@hookimpl
async def linli_personal_data(resident_id: int, action: str) -> Mapping[str, Any] | None:
    return await services.personal_data.personal_data(resident_id, action)


@hookimpl
async def linli_demo_data(tenant_id: int) -> None:
    await demo_data.seed_demo(tenant_id)
