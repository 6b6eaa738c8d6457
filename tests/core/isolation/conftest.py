"""Helpers of the isolation suite: the kit's row builder (``core.testing.isolation``), a throwaway plugin with two scoped
tables (one shared downward, one reached from below), and a tally of the probes printed at the end of the run."""

from __future__ import annotations

import tempfile
from collections import Counter
from typing import Any

import pytest
from piccolo.columns import Date, ForeignKey, Integer, Text, Varchar
from piccolo.conf.apps import AppConfig
from piccolo.table import Table

from core.db import ScopedTable
from core.plugin import PluginMeta, hookimpl
from core.testing.isolation import build_row, changeable, sample

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


class ProbeLedger(ScopedTable, tablename="isoprobe_ledger"):
    """Throwaway plugin table a region keeps private but lets work below enter explicitly
    (``reached_from_below``: a county's library cards)."""

    reached_from_below = True
    title = Varchar(length=40, null=False)


class IsoProbePlugin:
    """A throwaway plugin contributing the two tables through ``linli_tables``."""

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="isoprobe", title_zh="隔离探针", title_en="Isolation probe",
                          version="0.0.1")

    @hookimpl
    def linli_tables(self) -> AppConfig:
        return AppConfig(app_name="isoprobe", migrations_folder_path=tempfile.gettempdir(),
                         table_classes=[ProbeNote, ProbeCatalogue, ProbeLedger],
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


@pytest.fixture(scope="session")
def iso() -> Any:
    """The helpers above, for the test modules (conftest modules are not importable)."""
    from types import SimpleNamespace

    return SimpleNamespace(ProbeNote=ProbeNote, ProbeCatalogue=ProbeCatalogue,
                           ProbeLedger=ProbeLedger,
                           build_row=build_row, changeable=changeable, sample=sample,
                           tally=tally)
