"""The tenant-isolation probe, reusable by any plugin's tests on its own scoped tables.

``await probe_isolation(env, factory, [MyTable])`` inserts a row of each table as tenant A (its
required columns filled by type, foreign-key parents inserted first in the same tenant) and
checks that tenant B can neither read, list, count, update, delete nor write it as A's. Core's
own suite (``tests/core/isolation/``) runs the same probe over every scoped table installed.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

from piccolo.columns import (
    JSON,
    JSONB,
    UUID,
    Array,
    BigInt,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Numeric,
    Real,
    SmallInt,
    Text,
    Timestamp,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from core.db import CrossTenantWriteError
from tenants.scope import current_scope

__all__ = ["build_row", "changeable", "fillable", "probe_isolation", "sample"]


def sample(column: Any, n: int | None = None) -> Any:
    """A valid value for ``column`` by its type (unique enough for unique columns)."""
    if column._meta.choices:
        return next(iter(column._meta.choices)).value
    token = secrets.token_hex(8)
    if isinstance(column, Varchar):
        return ("p" + token)[: max(1, min(column.length or 17, 17))]
    if isinstance(column, Text):
        return "probe " + token
    if isinstance(column, (BigInt, Integer, SmallInt)):
        return secrets.randbelow(30000) + 1 if isinstance(column, SmallInt) else \
            secrets.randbelow(2**31 - 2) + 1
    if isinstance(column, Boolean):
        return bool(secrets.randbelow(2))
    if isinstance(column, Timestamptz):
        return datetime.now(UTC)
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


async def probe_isolation(env: Any, factory: Any, tables: list[type[Table]]) -> int:
    """Tenant B (another region) can neither read, list, count, check, update, delete, nor
    insert as tenant A, any row of ``tables``; A still reads its row. Returns the number of
    probes run; an ``AssertionError`` names the table that leaked."""
    import pytest


    db = env.state.db
    a, b = await factory.tenant(), await factory.tenant()
    sa, sb = factory.scope(a), factory.scope(b)
    probes = 0
    for table in tables:
        assert "tenant_id" in {c._meta.name for c in table._meta.columns}, \
            f"{table.__name__} is not a ScopedTable"
        async with db.scoped(sa, write=True):
            row = await build_row(table)
            await table.insert(row)
            found = await table.select().where(table.id == row.id).first()  # type: ignore[attr-defined]
        assert found is not None, table
        rid, col = found["id"], changeable(table)
        async with db.scoped(sb, write=True):
            assert await table.select().where(table.id == rid) == [], table  # type: ignore[attr-defined]
            assert await table.objects().where(table.id == rid) == [], table  # type: ignore[attr-defined]
            listed = await table.select(table.id, table.tenant_id)  # type: ignore[attr-defined]
            assert all(r["tenant_id"] != a.id for r in listed), table
            assert await table.count().where(table.id == rid) == 0, table  # type: ignore[attr-defined]
            assert await table.exists().where(table.id == rid) is False, table  # type: ignore[attr-defined]
            changed = await table.update({col: sample(col)}).where(
                table.id == rid).returning(table.id)  # type: ignore[attr-defined]
            assert changed == [], table
            deleted = await table.delete().where(table.id == rid).returning(table.id)  # type: ignore[attr-defined]
            assert deleted == [], table
            foreign = table(**{c._meta.name: found[c._meta.name] for c in table._meta.columns
                               if not c._meta.primary_key})
            with pytest.raises(CrossTenantWriteError):
                await table.insert(foreign)
        async with db.scoped(sa):
            assert await table.select().where(table.id == rid).first() == found, table  # type: ignore[attr-defined]
        probes += 9
    return probes
