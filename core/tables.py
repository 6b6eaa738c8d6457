"""Every table of core, and of the loaded plugins, in creation order."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from piccolo.table import Table

from core.audit import service as audit
from core.events import service as events
from core.identity import tables as identity_tables
from core.jobs import service as jobs
from core.notify import service as notify
from core.people import tables as people_tables
from core.rules import service as rules
from tenants import tables as tenant_tables

__all__ = ["CORE_TABLE_MODULES", "all_tables", "core_tables"]

CORE_TABLE_MODULES: tuple[ModuleType, ...] = (
    tenant_tables, identity_tables, people_tables, audit, rules, events, jobs, notify,
)
"""Modules holding core's tables, in creation order."""


def _tables_in(module: ModuleType) -> list[type[Table]]:
    """The module's own tables in the order they are defined: a module's namespace keeps the
    order its classes were bound (reading their source lines instead cost ~0.1 s a start)."""
    return list(dict.fromkeys(obj for obj in vars(module).values()
                              if isinstance(obj, type) and issubclass(obj, Table)
                              and obj.__module__ == module.__name__))


def core_tables() -> list[type[Table]]:
    tables: list[type[Table]] = []
    for name in CORE_TABLE_MODULES:
        tables += _tables_in(name)
    return tables


def all_tables(registry: Any) -> list[type[Table]]:
    tables = core_tables()
    if registry is not None:
        for _, app in registry.tables():
            tables += [t for t in app.table_classes if t not in tables]
    return tables
