"""Creating the embedded SQLite database from the table classes, and refusing a stale one.

piccolo cannot alter SQLite tables, so an embedded database is created from the table classes
and stamped with each table's signature and a fingerprint over them. Tables a file lacks (a plugin
installed since) are created in place; a file in which a table differs from the code is refused
with a clear message: export with the old version, start a new file, import again.
PostgreSQL, the engine for lasting deployments, is upgraded with real migrations (`linli migrate`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from piccolo.table import Table

from core.db import Database

__all__ = ["StaleDatabase", "ensure_sqlite_schema", "schema_fingerprint", "table_signature",
           "unique_index_sql"]


class StaleDatabase(RuntimeError):
    """The embedded database was made by another version of the schema."""


def table_signature(table: type[Table]) -> str:
    """What the embedded schema records of one table: columns (name, type, null, unique) and
    composite unique constraints."""
    cols = ",".join(
        f"{c._meta.db_column_name}:{type(c).__name__}:{int(c._meta.null)}:{int(c._meta.unique)}"
        for c in table._meta.columns)
    uniq = ";".join(",".join(u) for u in getattr(table, "unique_together", []))
    return f"{table._meta.tablename}({cols})[{uniq}]"


def _fingerprint(signatures: dict[str, str]) -> str:
    ordered = [signatures[name] for name in sorted(signatures)]
    return hashlib.sha256("\n".join(ordered).encode()).hexdigest()[:16]


def schema_fingerprint(tables: Sequence[type[Table]]) -> str:
    return _fingerprint({t._meta.tablename: table_signature(t) for t in tables})


def unique_index_sql(table: type[Table]) -> list[str]:
    """Composite unique constraints declared as ``unique_together`` on a table class."""
    out = []
    for cols in getattr(table, "unique_together", []):
        name = f"uq_{table._meta.tablename}_{'_'.join(cols)}"[:63]
        out.append(f'CREATE UNIQUE INDEX IF NOT EXISTS "{name}" ON "{table._meta.tablename}" '
                   f'({", ".join(cols)})')
    return out


_TABLE_KEY = "table:"


async def _meta(db: Database) -> dict[str, str] | None:
    rows = await db.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='linli_schema_meta'")
    if not rows:
        return None
    return {str(r["key"]): str(r["value"])
            for r in await db.execute("SELECT key, value FROM linli_schema_meta")}


async def _existing_tables(db: Database) -> set[str]:
    rows = await db.execute("SELECT name FROM sqlite_master WHERE type='table'")
    return {str(r["name"]) for r in rows}


async def _create(db: Database, tables: Sequence[type[Table]]) -> None:
    for table in tables:
        await table.create_table(if_not_exists=True).run()  # type: ignore[no-untyped-call]  # piccolo DDL.run is unannotated
        for sql in unique_index_sql(table):
            await db.execute(sql)


async def _stamp(db: Database, recorded: dict[str, str]) -> None:
    """Record every table's signature and the fingerprint over them, in one transaction."""
    async with db.transaction():
        await db.execute("CREATE TABLE IF NOT EXISTS linli_schema_meta (key TEXT PRIMARY KEY, "
                         "value TEXT NOT NULL)")
        await db.execute("DELETE FROM linli_schema_meta")
        await db.execute("INSERT INTO linli_schema_meta (key, value) VALUES ('fingerprint', {})",
                         _fingerprint(recorded))
        for name, signature in sorted(recorded.items()):
            await db.execute("INSERT INTO linli_schema_meta (key, value) VALUES ({}, {})",
                             _TABLE_KEY + name, signature)


def _stale(db: Database, have: str, wanted: str, changed: Sequence[str]) -> StaleDatabase:
    which = ", ".join(changed) if changed else "?"
    return StaleDatabase(
        f"嵌入式数据库 {db.url} 的结构落后于当前代码（{have} ≠ {wanted}；已变更的表：{which}）。"
        "请用旧版本执行 `linli export residents --all` 导出数据，移走该文件后重新启动，"
        "再用 `linli import residents` 导入。\n"
        f"The embedded database {db.url} was created by another schema version "
        f"({have} != {wanted}; changed tables: {which}). SQLite tables cannot be altered in "
        "place: export with the previous version (`linli export residents`), move the file away, "
        "start again and import (`linli import residents`). Use PostgreSQL for lasting "
        "deployments.")


async def ensure_sqlite_schema(db: Database, tables: Sequence[type[Table]]) -> str:
    """Create the tables of a new file; check an existing one.

    Tables the file lacks (a plugin installed since) are created in place, since creating a
    table alters nothing; a table whose columns differ from the code refuses the file
    (:class:`StaleDatabase`), because SQLite cannot alter it. Tables the file has but the code
    no longer loads (a plugin removed or blocked) are kept untouched. Returns ``"created"``,
    ``"current"`` or ``"extended"`` (tables were added)."""
    wanted = {t._meta.tablename: table_signature(t) for t in tables}
    meta = await _meta(db)
    if meta is None:
        await _create(db, tables)
        await _stamp(db, wanted)
        return "created"
    have = meta.get("fingerprint", "")
    recorded = {k[len(_TABLE_KEY):]: v for k, v in meta.items() if k.startswith(_TABLE_KEY)}
    if not recorded:
        # A file stamped before per-table signatures: only its fingerprint is known. If the
        # code's tables that the file has match it exactly, the rest are additions.
        present = await _existing_tables(db)
        recorded = {n: s for n, s in wanted.items() if n in present}
    if _fingerprint(recorded) != have:
        raise _stale(db, have, _fingerprint(wanted), [])
    changed = sorted(n for n, s in wanted.items() if n in recorded and recorded[n] != s)
    if changed:
        raise _stale(db, have, _fingerprint(wanted), changed)
    added = [t for t in tables if t._meta.tablename not in recorded]
    legacy = not any(k.startswith(_TABLE_KEY) for k in meta)
    if not added and not legacy:
        return "current"
    await _create(db, added)
    await _stamp(db, {**recorded, **wanted})
    return "extended" if added else "current"


async def create_tables_directly(db: Database, tables: Sequence[type[Table]]) -> None:
    """Create tables from the classes on any engine (tests of throwaway plugins)."""
    for table in tables:
        await table.create_table(if_not_exists=True).run()  # type: ignore[no-untyped-call]  # piccolo DDL.run is unannotated
        for sql in unique_index_sql(table):
            await db.execute(sql)


