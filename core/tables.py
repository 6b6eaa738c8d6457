"""Every table of core, and of the loaded plugins, in creation order."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from piccolo.table import Table

__all__ = ["CORE_TABLE_MODULES", "all_tables", "core_tables"]

CORE_TABLE_MODULES = (
    "tenants.tables",
    "core.identity.tables",
    "core.people.tables",
    "core.audit",
    "core.rules",
    "core.events",
    "core.jobs",
    "core.notify",
)


def _tables_in(module_name: str) -> list[type[Table]]:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return []
        raise
    found = [obj for _, obj in inspect.getmembers(module, inspect.isclass)
             if issubclass(obj, Table) and obj.__module__ == module_name]
    return sorted(found, key=lambda t: inspect.getsourcelines(t)[1])


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
