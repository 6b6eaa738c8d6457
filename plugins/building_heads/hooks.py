"""Thin hook implementations of the building-head plugin (the entry point names this module)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from piccolo.conf.apps import AppConfig

from core.plugin import NodeType, PluginMeta, hookimpl
from plugins.building_heads import META


@hookimpl
def linli_plugin_meta() -> PluginMeta:
    return META


@hookimpl
def linli_tables() -> AppConfig:
    from plugins.building_heads.piccolo_app import APP_CONFIG

    return APP_CONFIG


@hookimpl
def linli_rules() -> Sequence[Any]:
    from plugins.building_heads.rules import RULES

    return RULES


@hookimpl
def linli_event_types() -> Sequence[Any]:
    from plugins.building_heads.events import EVENT_TYPES

    return EVENT_TYPES


@hookimpl
def linli_graphql_types() -> Sequence[type]:
    from plugins.building_heads.schema.types import types

    return types()


@hookimpl
def linli_query_fields() -> Sequence[Any]:
    from plugins.building_heads.schema.queries import query_fields

    return query_fields()


@hookimpl
def linli_mutation_fields() -> Sequence[Any]:
    from plugins.building_heads.schema.mutations import mutation_fields

    return mutation_fields()


@hookimpl
def linli_subscription_fields() -> Sequence[Any]:
    from plugins.building_heads.schema.mutations import subscription_fields

    return subscription_fields()


@hookimpl
def linli_node_types() -> Sequence[NodeType]:
    from plugins.building_heads.schema.types import gather

    return gather("NODE_TYPES")


@hookimpl
def linli_jobs() -> Sequence[Any]:
    from plugins.building_heads.jobs import jobs

    return jobs()


@hookimpl
def linli_cron_jobs() -> Sequence[Any]:
    from plugins.building_heads.jobs import cron_jobs

    return cron_jobs()


@hookimpl
async def linli_on_event(event: Any) -> None:
    from plugins.building_heads.visits import on_event

    await on_event(event)


@hookimpl
async def linli_responsible_accounts(resident_id: int, tenant_id: int) -> Sequence[int]:
    from plugins.building_heads.visits import responsible_accounts

    return await responsible_accounts(resident_id, tenant_id)


@hookimpl
async def linli_personal_data(resident_id: int, action: str) -> Mapping[str, Any] | None:
    from plugins.building_heads.personal_data import personal_data

    return await personal_data(resident_id, action)


@hookimpl
async def linli_demo_data(tenant_id: int) -> None:
    from plugins.building_heads.demo import seed_demo

    await seed_demo(tenant_id)
