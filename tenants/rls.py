"""Row-level security on PostgreSQL: the second wall behind the scoped data layer.

Every scoped table gets ``ENABLE`` and ``FORCE ROW LEVEL SECURITY`` (the owner is bound too) and
four policies reading the transaction-local settings ``core.db.Database.scoped`` sets:

- read: ``tenant_id`` among ``linli.read_nodes`` (plus ``linli.shared_nodes`` for tables declared
  ``shared_downward``);
- insert / update / delete: ``tenant_id`` equal to ``linli.write_node``.

Each setting is read as ``(select NULLIF(current_setting(…, true), ''))`` (a scalar subquery,
cast to ``bigint[]`` outside it so ``= ANY`` takes an array, not a subquery) so it is evaluated
once per statement and an unset or empty scope denies everything. Applying is idempotent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from core.db import ScopedTable

__all__ = ["POLICY_NAMES", "apply_rls", "rls_statements"]

POLICY_NAMES = ("linli_read", "linli_insert", "linli_update", "linli_delete")

_READ = ("tenant_id = ANY((select string_to_array(NULLIF(current_setting('linli.read_nodes', true),"
         " ''), ','))::bigint[])")
_SHARED = ("tenant_id = ANY((select string_to_array(NULLIF(current_setting('linli.shared_nodes',"
           " true), ''), ','))::bigint[])")
_WRITE = "tenant_id = (select NULLIF(current_setting('linli.write_node', true), '')::bigint)"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def rls_statements(tablename: str, *, shared_downward: bool = False) -> list[str]:
    """The SQL that (re)creates the policies of one scoped table."""
    t = _quote(tablename)
    read = f"({_READ}) OR ({_SHARED})" if shared_downward else _READ
    out = [f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
           f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY"]
    out += [f"DROP POLICY IF EXISTS {name} ON {t}" for name in POLICY_NAMES]
    out += [
        f"CREATE POLICY linli_read ON {t} FOR SELECT USING ({read})",
        f"CREATE POLICY linli_insert ON {t} FOR INSERT WITH CHECK ({_WRITE})",
        f"CREATE POLICY linli_update ON {t} FOR UPDATE USING ({_WRITE}) WITH CHECK ({_WRITE})",
        f"CREATE POLICY linli_delete ON {t} FOR DELETE USING ({_WRITE})",
    ]
    return out


async def apply_rls(execute: Callable[[str], Awaitable[Any]], tables: Iterable[Any]) -> int:
    """Apply the policies to every scoped table class in ``tables``; returns how many.

    ``execute`` runs one SQL statement as the tables' owner (e.g. ``asyncpg.Connection.execute``).
    """

    count = 0
    for table in tables:
        if not issubclass(table, ScopedTable):
            continue
        for sql in rls_statements(table._meta.tablename,
                                  shared_downward=bool(getattr(table, "shared_downward", False))):
            await execute(sql)
        count += 1
    return count
