"""Creating the embedded SQLite database from the table classes, and refusing a stale one.

piccolo cannot alter SQLite tables, so an embedded database is created once from the table
classes and stamped with a fingerprint of the schema. A file whose stamp differs from the code is
refused with a clear message: export with the old version, start a new file, import again.
PostgreSQL, the engine for lasting deployments, is upgraded with real migrations (`linli migrate`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from piccolo.table import Table

from core.db import Database

__all__ = ["StaleDatabase", "ensure_sqlite_schema", "schema_fingerprint", "unique_index_sql"]


class StaleDatabase(RuntimeError):
    """The embedded database was made by another version of the schema."""


def schema_fingerprint(tables: Sequence[type[Table]]) -> str:
    parts = []
    for table in sorted(tables, key=lambda t: t._meta.tablename):
        cols = ",".join(
            f"{c._meta.db_column_name}:{type(c).__name__}:{int(c._meta.null)}:{int(c._meta.unique)}"
            for c in table._meta.columns)
        uniq = ";".join(",".join(u) for u in getattr(table, "unique_together", []))
        parts.append(f"{table._meta.tablename}({cols})[{uniq}]")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def unique_index_sql(table: type[Table]) -> list[str]:
    """Composite unique constraints declared as ``unique_together`` on a table class."""
    out = []
    for cols in getattr(table, "unique_together", []):
        name = f"uq_{table._meta.tablename}_{'_'.join(cols)}"[:63]
        out.append(f'CREATE UNIQUE INDEX IF NOT EXISTS "{name}" ON "{table._meta.tablename}" '
                   f'({", ".join(cols)})')
    return out


async def _meta_row(db: Database) -> str | None:
    rows = await db.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='linli_schema_meta'")
    if not rows:
        return None
    found = await db.execute("SELECT value FROM linli_schema_meta WHERE key='fingerprint'")
    return str(found[0]["value"]) if found else ""


async def ensure_sqlite_schema(db: Database, tables: Sequence[type[Table]]) -> str:
    """Create the tables of a new file; check the fingerprint of an existing one.
    Returns ``"created"`` or ``"current"``; raises :class:`StaleDatabase`."""
    wanted = schema_fingerprint(tables)
    have = await _meta_row(db)
    if have is not None:
        if have != wanted:
            raise StaleDatabase(
                f"嵌入式数据库 {db.url} 的结构落后于当前代码（{have} ≠ {wanted}）。"
                "请用旧版本执行 `linli export residents --all` 导出数据，移走该文件后重新启动，"
                "再用 `linli import residents` 导入。\n"
                f"The embedded database {db.url} was created by another schema version "
                f"({have} != {wanted}). SQLite tables cannot be altered in place: export with the "
                "previous version (`linli export residents`), move the file away, start again and "
                "import (`linli import residents`). Use PostgreSQL for lasting deployments.")
        return "current"
    for table in tables:
        await table.create_table(if_not_exists=True).run()  # type: ignore[no-untyped-call]  # piccolo DDL.run is unannotated
        for sql in unique_index_sql(table):
            await db.execute(sql)
    await db.execute("CREATE TABLE IF NOT EXISTS linli_schema_meta (key TEXT PRIMARY KEY, "
                     "value TEXT NOT NULL)")
    await db.execute("INSERT INTO linli_schema_meta (key, value) VALUES ('fingerprint', {})",
                     wanted)
    return "created"


async def create_tables_directly(db: Database, tables: Sequence[type[Table]]) -> None:
    """Create tables from the classes on any engine (tests of throwaway plugins)."""
    for table in tables:
        await table.create_table(if_not_exists=True).run()  # type: ignore[no-untyped-call]  # piccolo DDL.run is unannotated
        for sql in unique_index_sql(table):
            await db.execute(sql)


