"""core.db compiles PostgreSQL statements itself (``compile_postgres``, without piccolo's
per-call template parsing): the SQL and arguments are exactly piccolo's, for every table's
queries, and piccolo is the version whose ``compile_string`` and ``run_querystring`` it
mirrors."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

from piccolo.columns import Column
from piccolo.querystring import QueryString

from core.db import AuthStateTable, ScopedTable, compile_postgres, fetch_rows
from core.tables import all_tables
from tenants.scope import Scope, reset_scope, use_scope

PICCOLO = "1.38.0"


def test_piccolo_is_the_pinned_version():
    assert version("piccolo") == PICCOLO, (
        f"piccolo {version('piccolo')} installed, {PICCOLO} pinned: check core.db."
        "compile_postgres against QueryString.compile_string and LinliPostgresEngine."
        "_run_compiled against PostgresEngine.run_querystring, then update the pins in "
        "pyproject.toml and here")


def _same(query: Any) -> int:
    strings = query.querystrings if hasattr(query, "querystrings") else [query]
    for qs in strings:
        assert compile_postgres(qs) == qs.compile_string(engine_type="postgres"), str(qs)
    return len(strings)


def _sample(column: Column) -> Any:
    kind = type(column).__name__
    if kind in ("Varchar", "Text", "Secret", "Email"):
        return "值 {} $1 ' x"
    if kind in ("Timestamptz", "Timestamp"):
        return datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    if kind == "Boolean":
        return True
    if kind in ("Integer", "BigInt", "SmallInt", "Serial", "ForeignKey"):
        return 7
    return None


async def test_every_tables_queries_compile_as_piccolo_compiles_them(linli_env):
    scope = Scope(read_nodes=frozenset({3, 4}), write_node=3, shared_nodes=frozenset({1}),
                  acting_node=3, account_id=1, label="compile")
    token = use_scope(scope)
    compiled = 0
    try:
        for table in all_tables(linli_env.state.registry):
            columns = table._meta.columns
            compiled += _same(table.select())
            compiled += _same(table.count())
            compiled += _same(table.exists())
            for column in columns:
                value = _sample(column)
                if value is None:
                    continue
                compiled += _same(table.select(column).where(column == value)
                                  .order_by(column, ascending=False).limit(5).offset(2))
                compiled += _same(table.select().where((column != value) | column.is_null())
                                  .where(column.is_in([value, value])))
                compiled += _same(table.objects().where(column.not_in([value])).first())
                if not issubclass(table, ScopedTable | AuthStateTable):  # (writes bump epochs)
                    compiled += _same(table.delete(force=True).where(column == value))
                    compiled += _same(table.update({column: value}, force=True)
                                      .where(table._meta.primary_key == 1))
            if not issubclass(table, AuthStateTable):
                compiled += _same(table.insert(table(_ignore_missing=True)))
    finally:
        reset_scope(token)
    assert compiled > 1000


def test_nested_querystrings_with_placeholders_and_literal_text():
    rng = random.Random(10)

    def make(depth: int) -> QueryString:
        args: list[Any] = []
        template = ""
        for i in range(rng.randint(0, 4)):
            template += rng.choice(["a", " AND ", "(", ")", "'{{}}'", ", ", ""]) + "{}"
            args.append(make(depth + 1) if depth < 3 and rng.random() < 0.4
                        else rng.choice([1, "x", None, 2.5, [1, 2]]))
        template += rng.choice(["", " end", "{{literal}}"])
        return QueryString(template, *args)

    for _ in range(500):
        qs = make(0)
        assert compile_postgres(qs) == qs.compile_string(engine_type="postgres")
    frozen = QueryString("SELECT {}", 1)
    frozen.freeze()
    assert compile_postgres(frozen) is frozen._frozen_compiled_strings


async def test_fetch_rows_reads_what_piccolo_returns(linli_env, factory):
    """``fetch_rows`` (a page's hot read): on PostgreSQL asyncpg's records as the driver gives
    them, the same columns and values as piccolo's dicts, read the same way (``row[name]``,
    ``row.get(name)``); on SQLite piccolo's own dicts. A select piccolo post-processes (an
    output option) is piccolo's answer."""
    from core.notify.service import Notification

    tenant = await factory.tenant()
    account = await factory.account(tenant)
    db = linli_env.state.db
    async with db.scoped(factory.scope(tenant), write=True):
        await Notification.insert(*[Notification(
            tenant_id=tenant.id, account_id=account.id, kind="test", title=f"标题 {i}",
            title_en="" if i % 2 else f"title {i}", body="正文", created_at=datetime.now(UTC))
            for i in range(5)])
    async with db.scoped(factory.scope(tenant)):
        query = Notification.select().where(Notification.account_id == account.id).order_by(
            Notification.id)
        piccolo = await query
        rows = await fetch_rows(query)
        assert len(rows) == len(piccolo) == 5
        if linli_env.engine == "postgres":
            assert type(rows[0]).__name__ == "Record"
        for row, expected in zip(rows, piccolo, strict=True):
            assert dict(row) == expected
            assert list(row.keys()) == list(expected)
            assert row["title"] == expected["title"] and row.get("link") is None
            assert row.get("no_such_column") is None
        as_list = Notification.select(Notification.id).where(
            Notification.account_id == account.id).output(as_list=True)
        assert await fetch_rows(as_list) == [r["id"] for r in piccolo]  # type: ignore[arg-type]
        assert await fetch_rows(query.limit(0)) == []
