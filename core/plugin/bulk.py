"""Set-based inserts for a plugin's scoped tables: thousands of rows in one statement without
building one piccolo row object (and one placeholder per value) each.

On PostgreSQL the rows travel as one array per column (``INSERT … SELECT … FROM unnest($1::
bigint[], …)``) in the current scoped write transaction, so row-level security still decides;
on SQLite (tests, the demo) the rows go through the table's ordinary scoped insert."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from piccolo.columns import Column
from piccolo.engine.postgres import PostgresEngine

from core.db import ScopedTable
from tenants.scope import current_scope

__all__ = ["bulk_insert"]


def _name(column: Column | str) -> str:
    return column if isinstance(column, str) else column._meta.db_column_name


async def bulk_insert(table: type[ScopedTable], columns: Sequence[Column], rows: Sequence[
        Sequence[Any]], *, returning: Sequence[Column] = (),
        on_conflict_do_nothing: bool = False) -> list[dict[str, Any]]:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table`` for the scope's write
    node (``tenant_id`` is set here, never taken from the rows), in one statement; the
    ``returning`` columns of the rows inserted (with ``on_conflict_do_nothing``, a row whose
    unique key is taken is skipped and not returned). Needs a scoped write transaction."""
    node = table._write_node()
    if not rows:
        return []
    names = [_name(c) for c in columns]
    if "tenant_id" in names:
        raise ValueError("bulk_insert sets tenant_id itself")
    engine = table._meta.db
    transaction = engine.current_transaction.get()
    if isinstance(engine, PostgresEngine) and transaction is not None:
        types = [c.column_type for c in columns]
        arrays = [[row[i] for row in rows] for i in range(len(columns))]
        unnest = ", ".join(f"${i + 2}::{t}[]" for i, t in enumerate(types))
        sql = (f'INSERT INTO "{table._meta.tablename}" (tenant_id, '
               + ", ".join(f'"{n}"' for n in names)
               + f") SELECT $1, * FROM unnest({unnest})"
               + (" ON CONFLICT DO NOTHING" if on_conflict_do_nothing else "")
               + (" RETURNING " + ", ".join(f'"{_name(c)}"' for c in returning)
                  if returning else ""))
        assert current_scope().write_node == node
        records = await transaction.connection.fetch(sql, node, *arrays)
        return [dict(r) for r in records]
    query: Any = table.insert(*[table(tenant_id=node, **dict(zip(names, row, strict=True)))
                                for row in rows])
    if on_conflict_do_nothing:
        query = query.on_conflict(action="DO NOTHING")
    if returning:
        query = query.returning(*returning)
    out: list[dict[str, Any]] = list(await query or []) if returning else []
    if not returning:
        await query
    return out
