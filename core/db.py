"""Engines, the scoped table base class, and transactions that apply a scope.

Every tenant-owned table subclasses :class:`ScopedTable`. Its query constructors read the scope
of the current context and filter by it (reads) or check against it (writes); without a scope
they raise :class:`UnscopedAccessError`. On PostgreSQL :func:`scoped` also sets the scope as
transaction-local settings that the row-level security policies read, the second wall.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from string import Formatter
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlparse

from asyncpg import PostgresError
from piccolo.columns import BigInt, Serial
from piccolo.columns.m2m import M2MSelect
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.engine.sqlite import dict_factory as _dict_factory
from piccolo.query import Delete, Insert, Objects, Select, Update
from piccolo.query.methods.count import Count
from piccolo.query.methods.exists import Exists
from piccolo.querystring import QueryString
from piccolo.table import Table

from tenants.scope import (
    Scope,
    UnscopedAccessError,
    current_scope,
    peek_scope,
    reset_scope,
    use_scope,
)

__all__ = [
    "AUTH_EPOCH_TABLE",
    "AuthEpoch",
    "AuthStateTable",
    "BaseTable",
    "Database",
    "ScopedTable",
    "SharedTransaction",
    "bind_tables",
    "bump_auth_epoch",
    "fetch_rows",
    "fetch_shaped",
    "get_db",
    "make_engine",
    "observe_shared_epoch",
    "request_reads",
    "scoped",
    "set_db",
    "unscoped_tables",
]


log = logging.getLogger("linli.db")

AfterCommit = Callable[[], Awaitable[None]]
_after_commit: ContextVar[list[AfterCommit] | None] = ContextVar("linli_after_commit",
                                                                 default=None)


async def _run_after_commit(callbacks: list[AfterCommit]) -> None:
    for callback in callbacks:
        try:
            await callback()
        except Exception:  # a fast path: the committed rows are the truth
            log.exception("after-commit callback %r failed", callback)


class AuthEpoch:
    """A number that changes whenever who-may-do-what may have changed: a write to an
    account, membership, refresh token, revoked token, API key, node or plugin setting
    (tables mixing in :class:`AuthStateTable`) bumps it, once when the write is built and once
    more after its transaction commits. Caches of principals, accesses, nodes by code and
    enabled plugins (:mod:`core.identity.cache`) keep what they read under the value seen
    before reading and drop everything when it moves.

    Across processes: the same writes bump a counter row in the database
    (:data:`AUTH_EPOCH_TABLE`) in their own transaction, and every scoped transaction reads it
    in the statement that sets its scope (no extra statement on PostgreSQL; one on SQLite). A
    scoped transaction on PostgreSQL sends its scope with ``BEGIN`` and, instead of reading the
    counter, has that statement fail when the counter is not ``shared``; it then begins again
    the long way, which reads it (:meth:`Database._begin_scoped`).
    When the row differs from what this process saw last (``shared``), ``value`` moves here
    too, and the request that saw it checks its caller again in the transaction it just opened
    (``core.schema.context``): a revocation in one process is refused on the next request in
    every other."""

    value = 0
    shared: int | None = None
    """The database's epoch as this process last read it (None: not read yet)."""


AUTH_EPOCH_TABLE = "linli_auth_epoch"
_BUMP_SHARED = (f"INSERT INTO {AUTH_EPOCH_TABLE} (id, value) VALUES (1, 1) ON CONFLICT (id) "
                f"DO UPDATE SET value = {AUTH_EPOCH_TABLE}.value + 1 RETURNING value")
_READ_SHARED = f"(SELECT value FROM {AUTH_EPOCH_TABLE} WHERE id = 1)"
_SCOPE_SETTINGS = ("linli.read_nodes", "linli.shared_nodes", "linli.write_node",
                   "statement_timeout")
"""What a scoped transaction sets (transaction-local) on PostgreSQL, in this order."""
_SCOPE_SQL = ("SELECT " + ", ".join(f"set_config('{name}', ${i}, true)"
                                    for i, name in enumerate(_SCOPE_SETTINGS, 1))
              + f", {_READ_SHARED} AS auth_epoch")
"""The scope statement (:meth:`Database._apply_scope`): the settings, and the shared auth
epoch."""
_EPOCH_MOVED = "linli-auth-epoch-moved:"


def _scope_values(scope: Scope, timeout_ms: int) -> list[str]:
    """The values of :data:`_SCOPE_SETTINGS` for ``scope``: integers only (so also safe as the
    literals of :func:`_begin_scoped_sql`)."""
    return [",".join(str(int(n)) for n in sorted(scope.read_nodes)),
            ",".join(str(int(n)) for n in sorted(scope.shared_nodes)),
            "" if scope.write_node is None else str(int(scope.write_node)),
            str(int(timeout_ms))]


def _begin_scoped_sql(scope: Scope, timeout_ms: int, known_epoch: int) -> str:
    """``BEGIN`` and the scope as one simple query (one round trip instead of two) for a
    process that knows the shared auth epoch: the values are integers written by us (never
    client text), and instead of returning the epoch the statement fails — with
    :data:`_EPOCH_MOVED` and the new value in the message — when it is not ``known_epoch``
    (the raise depends on the row read, so the planner cannot fold it into a constant)."""
    settings = ", ".join(f"set_config('{name}', '{value}', true)" for name, value in
                         zip(_SCOPE_SETTINGS, _scope_values(scope, timeout_ms), strict=True))
    return (f"BEGIN; SELECT {settings},"
            f" CASE WHEN e.v <> {int(known_epoch)} THEN CAST('{_EPOCH_MOVED}' || e.v AS int) END"
            f" FROM (SELECT COALESCE({_READ_SHARED}, 0) AS v) AS e")


class _ScopedBegin(PostgresTransaction):
    """piccolo's transaction, begun with :func:`_begin_scoped_sql` and ended with plain
    ``COMMIT``/``ROLLBACK`` (asyncpg's transaction object is never started). A begin that
    fails ends what it began and gives the connection back before it raises."""

    __slots__ = ("begin_sql",)

    def __init__(self, engine: PostgresEngine, begin_sql: str) -> None:
        super().__init__(engine)
        self.begin_sql = begin_sql

    async def begin(self) -> None:
        try:
            await self.connection.execute(self.begin_sql)
        except BaseException:
            with contextlib.suppress(Exception):
                await self.connection.execute("ROLLBACK")
            pool = self.engine.pool
            if pool is not None:
                await pool.release(self.connection)
            raise

    async def commit(self) -> None:
        await self.connection.execute("COMMIT")
        self._committed = True

    async def rollback(self) -> None:
        await self.connection.execute("ROLLBACK")
        self._rolled_back = True


class _Begun:
    """``async with`` for a transaction already entered: leaving it is the transaction's."""

    def __init__(self, tx: PostgresTransaction) -> None:
        self.tx = tx

    async def __aenter__(self) -> PostgresTransaction:
        return self.tx

    async def __aexit__(self, *exc: object) -> bool:
        return await self.tx.__aexit__(*exc)


_shared_bump: ContextVar[list[bool] | None] = ContextVar("linli_shared_bump", default=None)
"""Set in an outermost transaction: holds ``True`` once an auth-state write was built in it,
so the counter row is bumped before it commits."""


def observe_shared_epoch(value: Any) -> bool:
    """Note the database's epoch (read with a scope); moves :class:`AuthEpoch` when it differs
    from the last one seen — the first sighting included, since caches filled before it were
    never compared. Whether it moved."""
    seen = int(value or 0)
    if AuthEpoch.shared == seen:
        return False
    AuthEpoch.shared = seen
    AuthEpoch.value += 1
    return True


def _saw_own_bump(rows: list[dict[str, Any]]) -> None:
    """After committing a bump of the shared counter: this process already dropped its caches
    (:func:`bump_auth_epoch`), so its next scope statement need not take the new value for
    someone else's change (a value another process set meanwhile still differs, and moves)."""
    if rows:
        AuthEpoch.shared = int(rows[0]["value"])


def bump_auth_epoch() -> None:
    AuthEpoch.value += 1
    pending = _after_commit.get()
    if pending is not None and _bump_after_commit not in pending:
        pending.append(_bump_after_commit)
    marks = _shared_bump.get()
    if marks is not None:
        if not marks:
            marks.append(True)
    elif _db is not None:
        # a write outside any transaction of ours (piccolo autocommits it): bump the shared
        # counter right after, on its own; not atomic with the write, so logged
        log.warning("auth-state write outside a transaction: shared epoch bumped apart")
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to share with
            asyncio.get_running_loop().create_task(_db.execute(_BUMP_SHARED))


async def _bump_after_commit() -> None:
    AuthEpoch.value += 1


class AuthStateTable:
    """Mixed into a table whose rows decide authentication or authorisation (listed first in
    the bases): every insert, update and delete built on it bumps :class:`AuthEpoch`."""

    @classmethod
    def insert(cls, *rows: Any) -> Any:
        bump_auth_epoch()
        return super().insert(*rows)  # type: ignore[misc]

    @classmethod
    def update(cls, values: Any = None, force: bool = False, use_auto_update: bool = True,
               **kwargs: Any) -> Any:
        bump_auth_epoch()
        return super().update(values, force=force,  # type: ignore[misc]
                              use_auto_update=use_auto_update, **kwargs)

    @classmethod
    def delete(cls, force: bool = False) -> Any:
        bump_auth_epoch()
        return super().delete(force=force)  # type: ignore[misc]


MAX_PK = 2**31 - 1
"""Primary keys are 32-bit serials: a larger id cannot exist (and PostgreSQL rejects it)."""


class CrossTenantWriteError(PermissionError):
    """A write named a tenant other than the scope's write node."""


_shared_locks: dict[int, asyncio.Lock] = {}
"""The lock of each open :class:`SharedTransaction`, by ``id()`` of its piccolo transaction:
the engines take it around every statement, so concurrent resolvers queue on the request's one
connection (asyncpg refuses a second operation in progress on a connection)."""


def _statement_lock(engine: Engine[Any]) -> asyncio.Lock | None:
    tx = engine.current_transaction.get()
    return None if tx is None or not _shared_locks else _shared_locks.get(id(tx))


_template_prefixes: dict[str, tuple[str, ...]] = {}
"""The text before each ``{}`` of a QueryString template (and after the last), by template."""


def _prefixes(template: str) -> tuple[str, ...]:
    prefixes = _template_prefixes.get(template)
    if prefixes is None:
        prefixes = tuple(part[0] for part in Formatter().parse(template))
        if len(_template_prefixes) < 10_000:  # templates are code; bounded all the same
            _template_prefixes[template] = prefixes
    return prefixes


def _compile_into(querystring: QueryString, parts: list[str], args: list[Any]) -> None:
    values = querystring.args
    count = len(values)
    for index, prefix in enumerate(_prefixes(querystring.template)):
        parts.append(prefix)
        if index < count:
            value = values[index]
            if isinstance(value, QueryString):
                _compile_into(value, parts, args)
            else:
                args.append(value)
                parts.append(f"${len(args)}")


def compile_postgres(querystring: QueryString) -> tuple[str, list[Any]]:
    """What ``querystring.compile_string("postgres")`` returns (piccolo 1.38), built without
    its per-call template parsing and a ``Fragment`` per placeholder: about a fifth of the
    time for a page query's 25 nested QueryStrings. ``tests/core/test_db_compile.py`` compares
    the two over every table's queries."""
    frozen = querystring._frozen_compiled_strings
    if frozen is not None:
        return frozen
    parts: list[str] = []
    args: list[Any] = []
    _compile_into(querystring, parts, args)
    return "".join(parts), args


class LinliPostgresEngine(PostgresEngine):
    """piccolo's PostgreSQL engine; a statement in a :class:`SharedTransaction` waits its turn
    on the request's connection, and statements compile through :func:`compile_postgres`."""

    async def run_querystring(self, querystring: QueryString, in_pool: bool = True) -> Any:
        lock = _statement_lock(self)
        if lock is None:
            return await self._run_compiled(querystring, in_pool)
        async with lock:
            return await self._run_compiled(querystring, in_pool)

    async def _run_compiled(self, querystring: QueryString, in_pool: bool) -> Any:
        """piccolo's ``PostgresEngine.run_querystring`` (1.38) with :func:`compile_postgres`."""
        query, query_args = compile_postgres(querystring)
        query_id = self.get_query_id()
        if self.log_queries:
            self.print_query(query_id=query_id, query=str(querystring))
        current_transaction = self.current_transaction.get()
        if current_transaction:
            response = await current_transaction.connection.fetch(query, *query_args)
        elif in_pool and self.pool:
            response = await self._run_in_pool(query, query_args)
        else:
            response = await self._run_in_new_connection(query, query_args)
        if self.log_responses:
            self.print_response(query_id=query_id, response=response)
        return response


class _Compiled(QueryString):
    """A statement whose SQL was built before (:func:`fetch_shaped`): the engine runs it as it
    runs any QueryString (the request's connection and lock, statement counts), without
    building it again."""

    def __init__(self, sql: str, args: list[Any], table: type[Table] | None) -> None:
        super().__init__("", query_type="select", table=table)
        self._frozen_compiled_strings = (sql, args)

    def __str__(self) -> str:
        return self._frozen_compiled_strings[0]  # type: ignore[index]  # set above


_SHAPES: dict[Hashable, str] = {}
SHAPES_MAX = 1024
CHECK_SHAPES = os.environ.get("LINLI_CHECK_SHAPES", "") == "1"
"""Build every shaped select again and compare it with the kept SQL (``core.testing`` sets it
for every test run)."""


class ShapeMismatch(RuntimeError):
    """A shaped select's key does not decide its SQL, or its arguments are not its parameters."""


async def fetch_shaped(table: type[Table], key: Hashable, args: Sequence[Any],
                       build: Callable[[], Select[Any]]) -> Sequence[Any]:
    """The rows of ``build()``, a plain select whose SQL text depends on ``key`` alone and
    whose parameters are ``args``, in order (a page query: the key names what changes its text
    — which filters, the page size — the args the values). On PostgreSQL the SQL is built and
    compiled once per key; later calls hand the kept text and the new ``args`` to the engine,
    and get asyncpg's records back (read by column name, as :func:`fetch_rows` says). The first
    build checks that ``args`` are exactly the compiled parameters; with ``CHECK_SHAPES`` (the
    test suite; ``LINLI_CHECK_SHAPES=1``) every call builds again and checks the text too. On
    SQLite: what :func:`fetch_rows` gives for ``build()``."""
    engine = table._meta.db
    if not isinstance(engine, LinliPostgresEngine):
        return await fetch_rows(build())
    if issubclass(table, ScopedTable):  # select() filters by the scope's tenants first
        scope_ids = table._read_ids()
        key, args = (key, len(scope_ids)), [*scope_ids, *args]
    sql = _SHAPES.get(key)
    if sql is None or CHECK_SHAPES:
        query = build()
        if not _plain_select(query) or len(query.querystrings) != 1:
            raise ShapeMismatch(f"{key!r}: not a plain select")
        text, built = compile_postgres(query.querystrings[0])
        if list(built) != list(args):
            raise ShapeMismatch(f"{key!r}: parameters {built!r}, given {list(args)!r}")
        if sql is not None and sql != text:
            raise ShapeMismatch(f"{key!r}: the key does not decide the SQL:\n{sql}\n{text}")
        if len(_SHAPES) >= SHAPES_MAX:
            _SHAPES.clear()
        _SHAPES[key] = sql = text
    return await engine.run_querystring(  # type: ignore[no-any-return]
        _Compiled(sql, list(args), table))


async def fetch_rows(query: Select[Any]) -> Sequence[Any]:
    """The rows of a plain ``select`` (no ``output(...)``, M2M column or callback), read by
    column name like piccolo's dicts (``row["id"]``, ``row.get("title_en")``): on PostgreSQL
    asyncpg's ``Record`` objects as the driver returns them, without piccolo's ``dict(record)``
    per row (a page's hot read); on SQLite, and for any other select, piccolo's own result.
    The statement still runs through the engine (the request's connection, its lock). Records
    are read-only, and iterating one gives its values, not its keys: for code that reads
    columns by name only."""
    engine = query.table._meta.db
    if not isinstance(engine, LinliPostgresEngine) or not _plain_select(query):
        return await query
    querystrings = query.querystrings
    if len(querystrings) != 1:
        return await query
    return await engine.run_querystring(querystrings[0])  # type: ignore[no-any-return]


def _plain_select(query: Select[Any]) -> bool:
    """Whether piccolo would hand back its dicts of the rows unchanged (no output option, no
    M2M column, no callback)."""
    output = query.output_delegate._output
    if output.as_json or output.as_list or output.as_objects or output.load_json \
            or output.nested:
        return False
    if any(query.callback_delegate._callbacks.values()):
        return False
    return not any(isinstance(c, M2MSelect) for c in query.columns_delegate.selected_columns)


class LinliSQLiteEngine(SQLiteEngine):
    """piccolo's SQLite engine, minus one round trip per statement inside a transaction.

    piccolo runs ``PRAGMA foreign_keys = 1`` before *every* statement of a transaction (an extra
    hop to aiosqlite's thread); the pragma sticks to the connection, so once per connection is
    enough (measured: outbox dispatch with one insert per event, 2,293 → 2,539 events/s)."""

    async def _run_in_existing_connection(self, connection: Any, query: str,
                                          args: list[Any] | None = None,
                                          query_type: str = "generic",
                                          table: type[Table] | None = None) -> Any:
        if not getattr(connection, "_linli_fk_on", False):
            await connection.execute("PRAGMA foreign_keys = 1")
            connection._linli_fk_on = True
        connection.row_factory = _dict_factory
        lock = _statement_lock(self)
        if lock is None:
            async with connection.execute(query, args or []) as cursor:
                return await cursor.fetchall()
        async with lock, connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()


def make_engine(url: str, *, pool: bool = True) -> Engine[Any]:
    """An engine for ``sqlite:///path`` or ``postgresql://…``."""
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[1] if "sqlite:///" in url else "linli.sqlite3"
        if sqlite3.sqlite_version_info < (3, 35):
            raise ValueError("需要 SQLite 3.35 或更高版本 / SQLite 3.35+ is required (RETURNING)")
        return LinliSQLiteEngine(path=path, timeout=30)
    if url.startswith(("postgres://", "postgresql://")):
        parsed = urlparse(url)
        config: dict[str, Any] = {"dsn": url}
        del parsed
        return LinliPostgresEngine(config=config, log_queries=False)
    raise ValueError(f"不支持的数据库地址 / unsupported database URL: {url.split('@')[-1]}")


if TYPE_CHECKING:
    class BaseTable(Table):
        """piccolo's ``Table`` with its implicit primary key declared for type checkers."""

        id: Serial
else:
    # piccolo adds ``id`` (a ``Serial``) in ``__init_subclass__`` when a table declares no
    # primary key, so mypy cannot see it; tables subclass this name to get ``Row.id`` (the
    # column) and ``row.id`` (an int) typed. At run time it is piccolo's ``Table`` itself: a real
    # intermediate class would be set up by piccolo too, hand its ``id`` down as an explicit
    # column and change every table's migration state.
    BaseTable = Table


class ScopedTable(BaseTable):
    """Base of every tenant-owned table: ``tenant_id`` is never defaulted and always scoped.

    Subclasses set ``shared_downward = True`` when rows owned by a region are readable by the
    tenants below it (writable only by the region's own staff), or ``reached_from_below = True``
    when a region's rows stay private to the region yet work of a tenant below may enter them
    explicitly through :meth:`Database.as_region` (a county's library cards: a reader of a street
    office registers and reads *their own* card; the plugin filters to it).
    """

    tenant_id = BigInt(null=False, default=None, index=True)
    shared_downward: ClassVar[bool] = False
    reached_from_below: ClassVar[bool] = False

    # -- reads ------------------------------------------------------------
    @classmethod
    def _read_filter(cls) -> Any:
        return cls.tenant_id.is_in(cls._read_ids())

    @classmethod
    def _read_ids(cls) -> list[int]:
        """The tenants the current scope reads in this table (the filter every read carries)."""
        return list(current_scope().read_ids(cls.shared_downward) or [-1])

    @classmethod
    def select(cls, *columns: Any, exclude_secrets: bool = False) -> Select[Any]:
        return super().select(*columns, exclude_secrets=exclude_secrets).where(cls._read_filter())

    @classmethod
    def objects(cls, *prefetch: Any) -> Objects[Any]:
        return super().objects(*prefetch).where(cls._read_filter())

    @classmethod
    def count(cls, column: Any = None, distinct: Any = None) -> Count:
        return super().count(column=column, distinct=distinct).where(cls._read_filter())

    @classmethod
    def exists(cls) -> Exists[Any]:
        return super().exists().where(cls._read_filter())

    # -- writes -----------------------------------------------------------
    @classmethod
    def _write_node(cls) -> int:
        scope = current_scope()
        if scope.write_node is None:
            raise CrossTenantWriteError("此范围只读 / this scope is read-only")
        return scope.write_node

    @classmethod
    def insert(cls, *rows: Any) -> Insert[Any]:
        node = cls._write_node()
        for row in rows:
            if row.tenant_id is None:
                row.tenant_id = node
            elif row.tenant_id != node:
                raise CrossTenantWriteError(
                    f"不能为其他租户写入 / cannot write rows of node {row.tenant_id} from node {node}"
                )
        return super().insert(*rows)

    @classmethod
    def update(cls, values: Any = None, force: bool = False, use_auto_update: bool = True,
               **kwargs: Any) -> Update[Any]:
        node = cls._write_node()
        if values:
            for key in values:
                name = key if isinstance(key, str) else key._meta.name
                if name == "tenant_id":
                    raise CrossTenantWriteError("tenant_id 不可修改 / tenant_id cannot change")
        return super().update(values, force=force, use_auto_update=use_auto_update,
                              **kwargs).where(cls.tenant_id == node)

    @classmethod
    def delete(cls, force: bool = False) -> Delete:
        node = cls._write_node()
        return super().delete(force=force).where(cls.tenant_id == node)

    @classmethod
    def raw(cls, sql: str, *args: Any) -> Any:
        raise UnscopedAccessError(
            f"{cls.__name__}: raw SQL bypasses the scope; use Database.scoped_raw"
        )


def unscoped_tables(tables: Iterable[type[Table]]) -> list[type[Table]]:
    return [t for t in tables if not issubclass(t, ScopedTable)]


def bind_tables(tables: Iterable[type[Table]], engine: Engine[Any]) -> None:
    """Point every table at ``engine`` explicitly (piccolo caches a table's engine)."""
    for table in tables:
        table._meta.db = engine


def read_slot_count(pool_max: int) -> int:
    """Query requests' shared transactions allowed at once with a pool of ``pool_max``: a
    quarter of the pool (at least two connections) stays for everything else. Measured with
    16 requests in flight on a pool of 10 (``CONCURRENCY=16 bench_request_split.py 3200
    notifications100``, six alternating pairs): 8 slots took 1.58–1.82 ms of CPU per request
    where no gate (10) took 1.65–2.15 ms — waiting on a semaphore is cheaper than in asyncpg's
    pool queue — and in the side by side at most 8 connections sat idle in transaction."""
    return max(1, pool_max - max(2, pool_max // 4))


class Database:
    """The application's engine plus the tables bound to it."""

    def __init__(self, url: str, tables: Sequence[type[Table]] = ()) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.tables: list[type[Table]] = []
        self.statement_timeout_ms = 0
        """PostgreSQL ``statement_timeout`` of every scoped transaction (0: none); a request's
        reads and writes all run in scoped transactions, so one slow statement is cut off
        there rather than holding a pooled connection for minutes."""
        self.read_slots: asyncio.Semaphore | None = None
        """On PostgreSQL, how many query requests may hold their shared transaction at once
        (:func:`read_slot_count` of the pool): the rest wait here, holding no connection, so
        a burst of reads leaves connections for writes, jobs and sign-ins."""
        self.add_tables(tables)

    @property
    def is_postgres(self) -> bool:
        return isinstance(self.engine, PostgresEngine)

    def add_tables(self, tables: Iterable[type[Table]]) -> None:
        for table in tables:
            if table not in self.tables:
                self.tables.append(table)
        bind_tables(self.tables, self.engine)

    @property
    def scoped_tables(self) -> list[type[ScopedTable]]:
        return [t for t in self.tables if issubclass(t, ScopedTable)]

    async def start(self, pool_max: int = 10) -> None:
        """Open the PostgreSQL pool (``pool_max`` connections) or prepare the SQLite file.

        A connection going back to the pool is not reset (asyncpg's default sends ``SELECT
        pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`` each time, a statement
        per checkout): nothing here leaves session state behind — scope settings and advisory
        locks are transaction-local, there are no cursors outside transactions and no LISTEN
        on pooled connections."""
        if isinstance(self.engine, PostgresEngine):
            await self.engine.start_connection_pool(min_size=1, max_size=pool_max,
                                                    reset=_no_reset)
            self.read_slots = asyncio.Semaphore(read_slot_count(pool_max))
        else:
            await self.engine.run_ddl("PRAGMA journal_mode=WAL")

    async def stop(self) -> None:
        if isinstance(self.engine, PostgresEngine):
            await self.engine.close_connection_pool()
            self.read_slots = None

    async def execute(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        """Run SQL on the current transaction (or a fresh connection)."""
        result = await self.engine.run_querystring(QueryString(sql, *args))
        return list(result or [])

    @asynccontextmanager
    async def scoped(self, scope: Scope, *, write: bool = False) -> AsyncIterator[None]:
        """A transaction carrying ``scope``; nested calls with the same scope reuse it."""
        outer = peek_scope()
        current = self.engine.current_transaction.get()
        if outer == scope and current is not None:
            yield
            return
        detached = None
        if current is not None and id(current) in _shared_locks:
            # another scope inside a request's shared transaction gets a transaction of its
            # own: the shared one keeps the request's scope for every other resolver
            detached = self.engine.current_transaction.set(None)
        try:
            async with self._scoped(scope, write=write):
                yield
        finally:
            if detached is not None:
                self.engine.current_transaction.reset(detached)

    @asynccontextmanager
    async def _scoped(self, scope: Scope, *, write: bool) -> AsyncIterator[None]:
        token = use_scope(scope)
        pending: list[AfterCommit] = []
        outermost = self.engine.current_transaction.get() is None
        pending_token = _after_commit.set(pending) if outermost else None
        marks: list[bool] = []
        marks_token = _shared_bump.set(marks) if outermost else None
        try:
            begun = await self._begin_scoped(scope) if outermost else None
            tx: Any
            if begun is not None:
                tx = _Begun(begun)
            elif isinstance(self.engine, SQLiteEngine):
                tx = self.engine.transaction(
                    transaction_type=TransactionType.immediate if write else TransactionType.deferred
                )
            else:
                tx = self.engine.transaction()
            bumped: list[dict[str, Any]] = []
            async with tx:
                if begun is None:
                    await self._apply_scope(scope)
                yield
                if marks:
                    bumped = await self.execute(_BUMP_SHARED)
        finally:
            reset_scope(token)
            if pending_token is not None:
                _after_commit.reset(pending_token)
            if marks_token is not None:
                _shared_bump.reset(marks_token)
        _saw_own_bump(bumped)
        await _run_after_commit(pending)

    def shared(self, scope: Scope) -> SharedTransaction:
        """A transaction that a request's resolvers share (see :class:`SharedTransaction`)."""
        return SharedTransaction(self, scope)

    async def _begin_scoped(self, scope: Scope) -> PostgresTransaction | None:
        """An outermost transaction begun with ``scope`` set in one round trip
        (:func:`_begin_scoped_sql`), entered as piccolo enters one; None on SQLite, before
        this process has read the shared auth epoch, or when that statement finds the epoch
        moved (nothing is left open): the caller then begins the long way, ``BEGIN`` and
        :meth:`_apply_scope`, which reads the epoch."""
        known = AuthEpoch.shared
        if not isinstance(self.engine, PostgresEngine) or known is None:
            return None
        tx = _ScopedBegin(self.engine, _begin_scoped_sql(scope, self.statement_timeout_ms,
                                                         known))
        try:
            await tx.__aenter__()
        except PostgresError as exc:
            if _EPOCH_MOVED in str(exc):
                return None
            raise
        return tx

    async def _apply_scope(self, scope: Scope) -> None:
        """Hand ``scope`` to row-level security for the rest of the transaction (PostgreSQL);
        one statement sets the scope and the statement timeout (transaction-local both) and
        reads the shared auth epoch (:class:`AuthEpoch`). SQLite has no scope to set: the
        epoch is read on its own."""
        if isinstance(self.engine, PostgresEngine):  # the statement's text built once
            rows = await self.engine.run_querystring(_Compiled(
                _SCOPE_SQL, _scope_values(scope, self.statement_timeout_ms), None))
        else:
            rows = await self.execute(f"SELECT {_READ_SHARED} AS auth_epoch")
        observe_shared_epoch(rows[0]["auth_epoch"] if rows else None)

    @asynccontextmanager
    async def as_region(self, region_id: int,
                        tables: Iterable[type[ScopedTable]]) -> AsyncIterator[Scope]:
        """Inside the current scoped write transaction, read and write the rows that the
        ancestor region ``region_id`` owns in ``tables`` (each declared *shared downward* or
        *reached from below*), then
        return to the outer scope. For a tenant's work that must record into a region's table
        (a canteen recording into the city's once-a-day table): the region must be an ancestor
        of the outer scope's write node, and the inner scope reads and writes that region only
        (row-level security is switched with it on PostgreSQL, so policies still decide).
        Refused (``CrossTenantWriteError``) outside a write transaction, for a node that is not
        an ancestor, or for a table neither shared downward nor reached from below. The caller
        audits what it writes (and, for a table reached from below, reads only the rows that
        belong to the caller: nothing else limits it inside)."""
        outer = current_scope()
        if self.engine.current_transaction.get() is None or outer.write_node is None:
            raise CrossTenantWriteError(
                "须在租户写事务中使用 / as_region needs a tenant's write transaction")
        if region_id not in outer.shared_nodes:
            raise CrossTenantWriteError(
                f"节点 {region_id} 不是上级区域 / node {region_id} is not a region above "
                f"node {outer.write_node}")
        for table in tables:
            if not (table.shared_downward or table.reached_from_below):
                raise CrossTenantWriteError(
                    f"{table.__name__} 未声明向下共享 / {table.__name__} is neither shared "
                    "downward nor reached from below")
        inner = Scope(read_nodes=frozenset({region_id}), write_node=region_id,
                      acting_node=outer.acting_node, account_id=outer.account_id,
                      label=f"{outer.label}:as-region")
        token = use_scope(inner)
        await self._apply_scope(inner)
        failed = False
        try:
            yield inner
        except BaseException:
            failed = True  # on PostgreSQL the transaction is aborted: nothing more runs in it
            raise
        finally:
            reset_scope(token)
            if not failed:
                await self._apply_scope(outer)

    @asynccontextmanager
    async def beside(self, tenant_id: int, tenant_ancestors: Iterable[int],
                     region_id: int) -> AsyncIterator[Scope]:
        """Inside the current scoped write transaction of one tenant, read and write the rows
        of another tenant ``tenant_id`` below the same region ``region_id``, then return to the
        outer scope — for work a region runs across its tenants (a city's blood drive: a donor
        of one street office books a session of another). The inner scope is the tenant's own
        (its rows, its ancestors' shared rows; row-level security switched with it on
        PostgreSQL), in the same transaction, so both sides commit or neither. Refused
        (``CrossTenantWriteError``) outside a write transaction, or when ``region_id`` is not
        above both tenants. The caller decides that the work belongs there and audits it
        there."""
        outer = current_scope()
        ancestors = frozenset(tenant_ancestors)
        if self.engine.current_transaction.get() is None or outer.write_node is None:
            raise CrossTenantWriteError(
                "须在租户写事务中使用 / beside needs a tenant's write transaction")
        if region_id not in outer.shared_nodes or region_id not in ancestors:
            raise CrossTenantWriteError(
                f"节点 {region_id} 不是两者共同的上级区域 / node {region_id} is not a region above "
                f"both node {outer.write_node} and node {tenant_id}")
        inner = Scope(read_nodes=frozenset({tenant_id}), write_node=tenant_id,
                      shared_nodes=ancestors, acting_node=outer.acting_node,
                      account_id=outer.account_id, label=f"{outer.label}:beside")
        token = use_scope(inner)
        await self._apply_scope(inner)
        failed = False
        try:
            yield inner
        except BaseException:
            failed = True  # on PostgreSQL the transaction is aborted: nothing more runs in it
            raise
        finally:
            reset_scope(token)
            if not failed:
                await self._apply_scope(outer)

    def after_commit(self, callback: AfterCommit) -> None:
        """Run ``callback`` once the current outermost transaction (opened by :meth:`scoped` or
        :meth:`transaction`) has committed; never if it rolls back. Failures are logged, not
        raised: use it for fast paths (wake a job, publish a live update) whose truth is
        already in the committed rows."""
        pending = _after_commit.get()
        if pending is None or self.engine.current_transaction.get() is None:
            raise RuntimeError("after_commit needs an open transaction")
        pending.append(callback)

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[None]:
        """A transaction with no tenant scope (tenant tree, identity, outbox). A read during a
        query request that already has its shared transaction runs in that one: a request
        never waits for a second pooled connection while holding one."""
        if self.engine.current_transaction.get() is not None:
            yield
            return
        shares = request_reads.get()
        shared = shares() if shares is not None and not write else None
        if shared is not None:
            async with shared.use():
                yield
            return
        if isinstance(self.engine, SQLiteEngine):
            tx = self.engine.transaction(
                transaction_type=TransactionType.immediate if write else TransactionType.deferred
            )
        else:
            tx = self.engine.transaction()
        pending: list[AfterCommit] = []
        pending_token = _after_commit.set(pending)
        marks: list[bool] = []
        marks_token = _shared_bump.set(marks)
        bumped: list[dict[str, Any]] = []
        try:
            async with tx:
                yield
                if marks:
                    bumped = await self.execute(_BUMP_SHARED)
        finally:
            _after_commit.reset(pending_token)
            _shared_bump.reset(marks_token)
        _saw_own_bump(bumped)
        await _run_after_commit(pending)


async def _no_reset(connection: Any) -> None:
    """asyncpg's pool reset, left out (see :meth:`Database.start`)."""


class SharedTransaction:
    """The one scoped transaction of a GraphQL query request, opened on first use.

    Every resolver and DataLoader batch of the request reads through it
    (:meth:`use`): the statements of concurrent resolvers queue on its connection (a lock the
    engines take per statement, never across a resolver's own awaits, so nesting cannot
    deadlock). :meth:`close` commits and hands the connection back; a statement that fails
    ends the transaction (PostgreSQL refuses anything more in it) and the next use opens a
    fresh one. Round trips per request on PostgreSQL: ``BEGIN`` with the scope and the auth
    epoch check (one simple query, :meth:`Database._begin_scoped`), the data, ``COMMIT``. Before it
    takes a connection, opening waits for one of the database's ``read_slots`` (PostgreSQL),
    which it gives back with the connection.

    Opening runs in a task of its own that a cancelled resolver cannot interrupt halfway (a
    connection acquired and never given back would stall the pool), and :meth:`close` waits
    for an opening in flight: resolvers left running after an error ended the operation get
    no transaction once it is closed."""

    def __init__(self, db: Database, scope: Scope) -> None:
        self.db = db
        self.scope = scope
        self._tx: Any = None
        self._lock = asyncio.Lock()
        self._opening: asyncio.Future[Any] | None = None
        self._closed = False
        self._pending: list[AfterCommit] = []
        self._slot: asyncio.Semaphore | None = None
        self.opened = 0
        """How many transactions this request opened (1 unless a statement failed)."""

    async def _open(self) -> Any:
        if self._opening is None:
            self._opening = asyncio.ensure_future(self._do_open())
        return await asyncio.shield(self._opening)

    async def _do_open(self) -> Any:
        try:
            if self._closed:
                raise RuntimeError("the request's transaction is closed")
            slots = self.db.read_slots
            if slots is not None:
                await slots.acquire()
                self._slot = slots
            return await self._begin()
        except BaseException:
            self._opening = None
            self._give_slot_back()
            raise

    async def _begin(self) -> Any:
        """Begin the transaction with the request's scope: in one round trip where
        :meth:`Database._begin_scoped` can, otherwise ``BEGIN`` and the scope statement."""
        engine = self.db.engine
        outside = engine.current_transaction.set(None)
        try:
            tx: Any = await self.db._begin_scoped(self.scope)
            begun = tx is not None
            if tx is None:
                tx = (engine.transaction(transaction_type=TransactionType.deferred)
                      if isinstance(engine, SQLiteEngine) else engine.transaction())
                await tx.__aenter__()
            # piccolo bound the transaction to this task's context: undo that, each use
            # binds it for its own block
            engine.current_transaction.reset(tx.context)
        finally:
            engine.current_transaction.reset(outside)
        _shared_locks[id(tx)] = self._lock
        self._tx = tx
        self.opened += 1
        if not begun:
            try:
                await self._bound(tx, self.db._apply_scope(self.scope))
            except BaseException:
                async with self._lock:
                    await self._end(failed=True)
                raise
        return tx

    def _give_slot_back(self) -> None:
        slots, self._slot = self._slot, None
        if slots is not None:
            slots.release()

    async def _bound(self, tx: Any, work: Awaitable[Any]) -> Any:
        token = self.db.engine.current_transaction.set(tx)
        try:
            return await work
        finally:
            self.db.engine.current_transaction.reset(token)

    @asynccontextmanager
    async def use(self) -> AsyncIterator[None]:
        """Run the block in the shared transaction under the request's scope."""
        tx = self._tx or await self._open()
        engine = self.db.engine
        token = engine.current_transaction.set(tx)
        scope_token = use_scope(self.scope)
        pending_token = _after_commit.set(self._pending)
        failed = False
        try:
            yield
        except PostgresError:
            failed = True  # the server aborted the transaction: nothing more runs in it
            raise
        finally:
            _after_commit.reset(pending_token)
            reset_scope(scope_token)
            engine.current_transaction.reset(token)
            if failed and self._tx is tx:
                async with self._lock:
                    if self._tx is tx:
                        await self._end(failed=True)

    async def _end(self, *, failed: bool) -> None:
        tx, self._tx = self._tx, None
        self._opening = None
        if tx is None:
            return
        _shared_locks.pop(id(tx), None)
        engine = self.db.engine
        token = engine.current_transaction.set(None)
        try:
            tx.context = engine.current_transaction.set(tx)
            if failed:
                await tx.__aexit__(RuntimeError, RuntimeError("rolled back"), None)
            else:
                await tx.__aexit__(None, None, None)
        except BaseException:
            # commit or rollback failed (a cancelled statement, a dropped connection): give
            # the connection back all the same (asyncpg rolls back or terminates it)
            log.warning("ending a request's shared transaction failed", exc_info=True)
            pool = getattr(engine, "pool", None)
            if pool is not None:
                with contextlib.suppress(Exception):
                    await pool.release(tx.connection)
        finally:
            engine.current_transaction.reset(token)
            self._give_slot_back()

    async def close(self) -> None:
        """Commit (if anything was opened) and give the connection back; then run what was
        registered with :meth:`Database.after_commit`. Later uses are refused."""
        self._closed = True
        if self._opening is not None and not self._opening.done():
            await asyncio.gather(self._opening, return_exceptions=True)
        async with self._lock:
            await self._end(failed=False)
        pending, self._pending = self._pending, []
        await _run_after_commit(pending)


request_reads: ContextVar[Callable[[], SharedTransaction | None] | None] = ContextVar(
    "linli_request_reads", default=None)
"""Set while a query operation executes: gives the request's shared transaction (or None
before the caller's access is known) to unscoped reads (:meth:`Database.transaction`)."""


_db: Database | None = None


def set_db(db: Database | None) -> Database | None:
    """Make ``db`` the process's database; returns the one it replaces."""
    global _db
    previous, _db = _db, db
    return previous


def get_db() -> Database:
    if _db is None:
        raise RuntimeError("数据库未初始化 / the database is not configured")
    return _db


def scoped(scope: Scope, *, write: bool = False) -> Any:
    """Shorthand for ``get_db().scoped(scope, write=write)``."""
    return get_db().scoped(scope, write=write)


__all__ += ["CrossTenantWriteError", "UnscopedAccessError"]
