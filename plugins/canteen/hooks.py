"""Thin hook implementations of the canteen plugin (the entry point names this module). Each
hands over to the module that owns the work; nothing is decided here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from piccolo.conf.apps import AppConfig

from core.plugin import (
    ConsolePage,
    CronSpec,
    JobSpec,
    NodeType,
    PluginMeta,
    RuleKey,
    hookimpl,
    seed_rules,
)
from plugins.canteen import META, cli, jobs, services
from plugins.canteen import demo as demo_data
from plugins.canteen.piccolo_app import APP_CONFIG
from plugins.canteen.rules import RULES, SINCE
from plugins.canteen.schema import mutations, nodes, queries, subscriptions, types

__all__ = [
    "linli_cli_commands",
    "linli_console_pages",
    "linli_cron_jobs",
    "linli_demo_data",
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
    """``linli canteen import-meals`` (a long meals file in batches, with progress)."""
    return cli.COMMANDS


@hookimpl
def linli_console_pages() -> Sequence[ConsolePage]:
    """The console's 幸福食堂 pages (modules in ``console/``, documents next to them)."""
    return [
        ConsolePage("canteen/counter", "就餐柜台", "Meal counter", "counter.js",
                    permission="canteen.serve", icon="Bowl", order=10),
        ConsolePage("canteen/live", "今日实时", "Today, live", "live.js",
                    permission="canteen.read", icon="DataAnalysis", order=20),
        ConsolePage("canteen/canteens", "幸福食堂", "Canteens", "canteens.js",
                    permission="canteen.read", icon="House", order=30),
        ConsolePage("canteen/upload", "批量上传", "Upload meals", "upload.js",
                    permission="canteen.serve", icon="Upload", order=15),
        ConsolePage("canteen/dishes", "编辑菜单", "Edit the menu", "dishes.js",
                    permission="canteen.serve", icon="KnifeFork", order=25),
        ConsolePage("canteen/manage", "食堂状态", "Canteen status", "manage.js",
                    permission="canteen.manage", icon="Flag", order=35),
        ConsolePage("canteen/elders", "老人登记", "Register elders", "elders.js",
                    permission="canteen.elders", icon="User", order=38),
        ConsolePage("canteen/settlements", "月度结算", "Monthly claims", "settlements.js",
                    permission="canteen.settle", icon="Checked", order=40),
        ConsolePage("canteen/payments", "结算拨付", "Claims to pay", "settlements.js",
                    permission="canteen.pay", icon="Wallet", order=50),
        ConsolePage("canteen/menu", "本周菜单", "This week's menu", "menu.js",
                    icon="Food", public=True),
    ]


@hookimpl
def linli_tables() -> AppConfig:
    return APP_CONFIG


@hookimpl
def linli_rules() -> Sequence[RuleKey]:
    return RULES


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
    """Seed the rule rows (the domain file's defaults, dated by their sources)."""
    await seed_rules(RULES, SINCE)


@hookimpl
async def linli_personal_data(resident_id: int, action: str) -> Mapping[str, Any] | None:
    return await services.personal_data.personal_data(resident_id, action)


@hookimpl
async def linli_demo_data(tenant_id: int) -> None:
    await demo_data.seed_demo(tenant_id)
