"""Helpers of the isolation suite: a generic row builder, a throwaway plugin with two scoped
tables (one shared downward), and a tally of the probes printed at the end of the run."""

from __future__ import annotations

import secrets
import tempfile
from collections import Counter
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from piccolo.columns import (JSON, JSONB, UUID, Array, BigInt, Boolean, Date, DoublePrecision,
                             ForeignKey, Integer, Numeric, Real, SmallInt, Text, Timestamp,
                             Timestamptz, Varchar)
from piccolo.conf.apps import AppConfig
from piccolo.table import Table

from core.db import ScopedTable
from core.plugin import PluginMeta, hookimpl

PROBES: Counter[str] = Counter()
"""``engine:kind`` → number of probes run (printed in the terminal summary)."""
TABLES: dict[str, set[str]] = {}


def tally(engine: str, kind: str, table: type[Table], n: int = 1) -> None:
    PROBES[f"{engine}:{kind}"] += n
    TABLES.setdefault(f"{engine}:{kind}", set()).add(table._meta.tablename)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not PROBES:
        return
    terminalreporter.write_sep("-", "tenant isolation probes")
    for key in sorted(PROBES):
        terminalreporter.write_line(
            f"{key}: {len(TABLES[key])} tables, {PROBES[key]} probes")


class ProbeNote(ScopedTable, tablename="isoprobe_note"):
    """Throwaway plugin table (tenant-owned, not shared)."""

    title = Varchar(length=40, null=False)
    body = Text(null=False, default=None)
    amount = Integer(null=False, default=None)
    on_day = Date(null=False, default=None)


class ProbeCatalogue(ScopedTable, tablename="isoprobe_catalogue"):
    """Throwaway plugin table shared downward (a region's catalogue read by its tenants)."""

    shared_downward = True
    title = Varchar(length=40, null=False)
    note_ref = ForeignKey(ProbeNote, null=False)
    """A required foreign key: the row builder inserts the parent in the same tenant."""


class IsoProbePlugin:
    """A throwaway plugin contributing the two tables through ``linli_tables``."""

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="isoprobe", title_zh="隔离探针", title_en="Isolation probe",
                          version="0.0.1")

    @hookimpl
    def linli_tables(self) -> AppConfig:
        return AppConfig(app_name="isoprobe", migrations_folder_path=tempfile.gettempdir(),
                         table_classes=[ProbeNote, ProbeCatalogue],
                         migration_dependencies=["core.piccolo_app"])


@pytest.fixture(scope="session")
async def probe_tables(linli_env: Any) -> list[type[Table]]:
    """Register the throwaway plugin in a registry of its own and create its tables."""
    from core.registry import Registry
    from core.tables import all_tables

    registry = Registry()
    registry.register(IsoProbePlugin())
    added = [t for t in all_tables(registry) if t not in linli_env.state.db.tables]
    await linli_env.create_tables(added)
    return added


def sample(column: Any, n: int | None = None) -> Any:
    """A valid value for ``column`` by its type (unique enough for unique columns)."""
    if column._meta.choices:
        return next(iter(column._meta.choices)).value  # type: ignore[union-attr]
    token = secrets.token_hex(8)
    if isinstance(column, Varchar):
        return ("p" + token)[: max(1, min(column.length, 17))]
    if isinstance(column, Text):
        return "probe " + token
    if isinstance(column, (BigInt, Integer, SmallInt)):
        return secrets.randbelow(30000) + 1 if isinstance(column, SmallInt) else \
            secrets.randbelow(2**31 - 2) + 1
    if isinstance(column, Boolean):
        return bool(secrets.randbelow(2))
    if isinstance(column, Timestamptz):
        return datetime.now(timezone.utc)
    if isinstance(column, Timestamp):
        return datetime.now()
    if isinstance(column, Date):
        return date(1990, 1, 1 + secrets.randbelow(28))
    if isinstance(column, Numeric):
        return Decimal(secrets.randbelow(1000))
    if isinstance(column, (Real, DoublePrecision)):
        return float(secrets.randbelow(1000))
    if isinstance(column, UUID):
        return uuid4()
    if isinstance(column, (JSON, JSONB)):
        return "{}"
    if isinstance(column, Array):
        return []
    raise TypeError(f"no sample for {type(column).__name__} ({column._meta.name})")


def fillable(table: type[Table]) -> list[Any]:
    """Columns a probe row fills: every non-key column but ``tenant_id``."""
    return [c for c in table._meta.columns
            if not c._meta.primary_key and c._meta.name != "tenant_id"]


async def build_row(table: type[Table]) -> Table:
    """Insert-ready row of ``table`` for the current scope's write node: required columns
    filled by type, foreign-key parents inserted first (same scope, so the same tenant)."""
    from tenants.scope import current_scope

    values: dict[str, Any] = {"tenant_id": current_scope().write_node}
    for column in fillable(table):
        if isinstance(column, ForeignKey):
            if column._meta.null:
                continue
            parent_table = column._foreign_key_meta.resolved_references
            parent = await build_row(parent_table)
            await parent_table.insert(parent)
            values[column._meta.name] = parent.id  # type: ignore[attr-defined]
        elif not column._meta.null or column._meta.unique:
            values[column._meta.name] = sample(column)
    return table(**values)


def changeable(table: type[Table]) -> Any:
    """A column a probe update may set (not a key, not a foreign key)."""
    for column in fillable(table):
        if not isinstance(column, ForeignKey) and not column._meta.unique:
            return column
    return fillable(table)[0]


@pytest.fixture(scope="session")
def iso() -> Any:
    """The helpers above, for the test modules (conftest modules are not importable)."""
    from types import SimpleNamespace

    return SimpleNamespace(ProbeNote=ProbeNote, ProbeCatalogue=ProbeCatalogue,
                           build_row=build_row, changeable=changeable, sample=sample,
                           tally=tally)
