"""Machinery of the fast-path proof (issue 10, item 4): every GraphQL request a test sends is
run twice, through an app whose schema executes with the stock ``LinliExecutionContext``
(``build_schema(..., fast_path=False)``) and through one whose schema uses
``FastExecutionContext`` (``fast_path=True``), on the same data, and the HTTP bodies — the bytes
``core.schema.http.encode_response`` wrote — must be identical.

Same data: before the stock request the database is snapshotted; after it, the snapshot is
restored and the fast request runs on exactly the rows the stock one saw (SQLite: the backup
API into memory and back; PostgreSQL: every table copied into a snapshot schema as the
administrator, then deleted and re-inserted with triggers off, and every sequence set back).
The test goes on with the fast path's database (the default engine).

Same caller, node, headers and body: the one ``httpx.Request`` is handed to both apps. Same
randomness: ``secrets`` and ``uuid.uuid4`` are seeded alike for the two runs of a pair (access
and refresh tokens, serials, request ids come out the same). Time is not frozen (no clock
injection exists: ``datetime.now`` is called directly in ~45 modules); instead an ISO
timestamp that differs between the two bodies is accepted only when each side's value lies
inside the wall-clock window of its own request (so it was read from the clock during that
request) — :func:`clock_normalised` — and the number of such values is reported.
"""

from __future__ import annotations

import base64
import json
import random
import re
import secrets
import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Self

import httpx

from core.app import create_app
from core.errors import ApiError
from core.plugin import decode_global_id
from core.schema.compose import build_schema
from core.schema.execution import FastExecutionContext, LinliExecutionContext
from core.testing import GraphQLClient
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse

FAST_FIELDS = [0]
"""Fields the fast path planned to complete itself (its ``_field`` gave a completer), over
every request of the fast apps: a proof whose fast side never took the fast path proves
nothing, so the tests report and check it."""


def _counting(context_class: type[Any]) -> type[Any]:
    plan: Any = getattr(context_class, "_field", None)
    if plan is None:
        return context_class

    class Counting(context_class):  # type: ignore[misc]
        def _field(self, *args: Any, **kwargs: Any) -> Any:
            complete = plan(self, *args, **kwargs)
            FAST_FIELDS[0] += complete is not None
            return complete

    return Counting


def dual_apps(env: Any) -> tuple[Any, Any]:
    """(stock app, fast app): the session's state (database, services, settings) with a
    schema built each way, as ``build_state`` builds it."""

    state = env.state
    apps = []
    for fast in (False, True):
        schema = build_schema(state.registry, production=state.settings.is_production,
                              fast_path=fast)
        assert schema.execution_context_class is (
            FastExecutionContext if fast else LinliExecutionContext)
        if fast:
            schema.execution_context_class = _counting(schema.execution_context_class)
        apps.append(create_app(state=replace(state, schema=schema), manage_db=False))
    return apps[0], apps[1]


# -- same data ---------------------------------------------------------------------------------


class SqliteSnapshots:
    def __init__(self, path: str) -> None:
        self.path = path

    async def take(self) -> Any:
        mem = sqlite3.connect(":memory:")
        src = sqlite3.connect(self.path)
        try:
            src.backup(mem)
        finally:
            src.close()
        return mem

    async def restore(self, snap: Any) -> None:
        dst = sqlite3.connect(self.path, timeout=30)
        try:
            snap.backup(dst)
        finally:
            dst.close()
            snap.close()

    async def close(self) -> None:
        return None


class PostgresSnapshots:
    """A copy of every table of the test database in schema ``fastproof_snap`` (tables made
    once, ``LIKE`` the originals), through one administrator connection (a superuser:
    row-level security does not apply), kept current table by table: a table has changed
    since the copy was last brought up to date when a row carries a newer transaction id
    (``xmin``: inserted or updated since) or its row count moved (deleted since). Taking a
    snapshot copies the changed tables into the copy and reads the sequences; restoring
    copies the tables the stock request changed back, with triggers off, and sets the
    sequences back. So the cost follows what changed, not every row of the session's
    database each time. (The requests are sequential: no transaction older than the last
    copy commits after it.)"""

    SCHEMA = "fastproof_snap"

    def __init__(self, pg: Any) -> None:
        self.pg = pg
        self.conn: Any = None
        self.tables: list[str] = []
        self.sequences: list[str] = []
        self.counts: dict[str, int] = {}
        self.since = 0
        """Rows with an ``xmin`` at or past this are newer than the copy."""

    async def _connect(self) -> Any:
        if self.conn is not None:
            return self.conn
        self.conn = conn = await self.pg._admin(self.pg.name)
        self.tables = [r["tablename"] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        self.sequences = [r["sequencename"] for r in await conn.fetch(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1")]
        s = self.SCHEMA
        await conn.execute(";\n".join(
            [f"DROP SCHEMA IF EXISTS {s} CASCADE", f"CREATE SCHEMA {s}"]
            + [f'CREATE TABLE {s}."{t}" (LIKE public."{t}")' for t in self.tables]))
        await self._copy(conn, self.tables, into_copy=True)
        return conn

    async def _changed(self, conn: Any) -> list[str]:
        if not self.tables:
            return []
        rows = await conn.fetch(" UNION ALL ".join(
            f"SELECT '{t}' AS t, (SELECT count(*) FROM public.\"{t}\") AS n, EXISTS (SELECT 1 "
            f"FROM public.\"{t}\" WHERE xmin::text::bigint >= {self.since}) AS newer"
            for t in self.tables))
        return [r["t"] for r in rows if r["newer"] or r["n"] != self.counts.get(r["t"])]

    async def _copy(self, conn: Any, tables: list[str], *, into_copy: bool) -> None:
        s = self.SCHEMA
        async with conn.transaction():
            if into_copy:
                sql = [f'DELETE FROM {s}."{t}";INSERT INTO {s}."{t}" SELECT * FROM public."{t}"'
                       for t in tables]
            else:
                sql = ["SET LOCAL session_replication_role = replica"] + [
                    f'DELETE FROM public."{t}";INSERT INTO public."{t}" OVERRIDING SYSTEM VALUE '
                    f'SELECT * FROM {s}."{t}"' for t in tables]
            if sql:
                await conn.execute(";\n".join(sql))
            if tables:
                self.counts.update({r["t"]: r["n"] for r in await conn.fetch(" UNION ALL ".join(
                    f"SELECT '{t}' AS t, count(*) AS n FROM {s}.\"{t}\"" for t in tables))})
            # this transaction's own id (32 bits, as xmin shows it), plus one when it wrote the
            # restored rows itself
            xid = int(await conn.fetchval("SELECT txid_current() % 4294967296"))
            self.since = xid + (0 if into_copy else 1)

    async def take(self) -> Any:
        conn = await self._connect()
        await self._copy(conn, await self._changed(conn), into_copy=True)
        seqs = await conn.fetch(" UNION ALL ".join(
            f"SELECT '{q}' AS q, last_value, is_called FROM public.\"{q}\""
            for q in self.sequences)) if self.sequences else []
        return [(r["q"], r["last_value"], r["is_called"]) for r in seqs]

    async def restore(self, snap: Any) -> None:
        conn = await self._connect()
        await self._copy(conn, await self._changed(conn), into_copy=False)
        if snap:
            await conn.execute(";\n".join(
                f"SELECT setval('public.\"{q}\"', {last}, {'true' if called else 'false'})"
                for q, last, called in snap))

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.execute(f"DROP SCHEMA IF EXISTS {self.SCHEMA} CASCADE")
            await self.conn.close()
            self.conn = None


def snapshots_for(env: Any) -> SqliteSnapshots | PostgresSnapshots:
    if env.pg is not None:
        return PostgresSnapshots(env.pg)
    return SqliteSnapshots(env.settings.database_url.split("sqlite:///", 1)[1])


# -- same randomness ---------------------------------------------------------------------------


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """``secrets`` and ``uuid.uuid4`` drawn from ``random.Random(seed)`` inside."""
    rng = random.Random(seed)

    def token_bytes(nbytes: int | None = None) -> bytes:
        return rng.randbytes(32 if nbytes is None else nbytes)

    def token_hex(nbytes: int | None = None) -> str:
        return token_bytes(nbytes).hex()

    def token_urlsafe(nbytes: int | None = None) -> str:
        return base64.urlsafe_b64encode(token_bytes(nbytes)).rstrip(b"=").decode("ascii")

    patched: dict[tuple[Any, str], Any] = {
        (secrets, "token_bytes"): token_bytes, (secrets, "token_hex"): token_hex,
        (secrets, "token_urlsafe"): token_urlsafe, (secrets, "randbelow"): rng.randrange,
        (secrets, "choice"): rng.choice, (secrets, "randbits"): rng.getrandbits,
        (uuid, "uuid4"): lambda: uuid.UUID(bytes=rng.randbytes(16), version=4),
    }
    saved = {key: getattr(*key) for key in patched}
    for (module, name), value in patched.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for (module, name), value in saved.items():
            setattr(module, name, value)


# -- time --------------------------------------------------------------------------------------

_ISO = re.compile(rb'"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?'
                  rb'(?:Z|[+-]\d{2}:?\d{2})?)"')


def _instant(text: bytes) -> float | None:
    try:
        value = datetime.fromisoformat(text.decode())
    except ValueError:
        return None
    if value.tzinfo is None:  # naive: read as UTC and as local time, either may be meant
        return None
    return value.timestamp()


def _within(a: bytes, window_a: tuple[float, float], b: bytes,
            window_b: tuple[float, float]) -> bool:
    """Both timestamps read from the clock during their own request, plus the same duration
    on both sides (``dueAt`` = now + 2 days): some offset ``d`` puts ``a - d`` inside
    ``window_a`` and ``b - d`` inside ``window_b`` (``d`` = 0: the clock itself). A value
    without fractional seconds may have been truncated: its window starts at the whole
    second."""
    at_a, at_b = _instant(a), _instant(b)
    if at_a is None or at_b is None:
        return False

    def start(text: bytes, window: tuple[float, float]) -> float:
        return window[0] if b"." in text else float(int(window[0]))

    low = max(at_a - window_a[1], at_b - window_b[1])
    high = min(at_a - start(a, window_a), at_b - start(b, window_b))
    return low <= high


def clock_normalised(stock: bytes, fast: bytes, stock_window: tuple[float, float],
                     fast_window: tuple[float, float]) -> tuple[bytes, bytes, int] | None:
    """Both bodies with every timestamp that differs between them replaced by ``"<clock>"``
    when each side's value lies in its own request's wall-clock window (read from the clock
    during the request), and how many were replaced; None when the bodies differ otherwise
    (a differing timestamp outside its window included)."""
    n = 0
    for pattern, clocked in ((_ZIP, _zip_clocked), (_JWT, _jwt_clocked), (_ISO, _within)):
        a, b = list(pattern.finditer(stock)), list(pattern.finditer(fast))
        if len(a) != len(b):
            return None
        cuts_a, cuts_b = [], []
        for ma, mb in zip(a, b, strict=True):
            if ma.group(1) == mb.group(1):
                continue
            if not clocked(ma.group(1), stock_window, mb.group(1), fast_window):
                return None
            cuts_a.append(ma.span(1))
            cuts_b.append(mb.span(1))
            n += 1
        stock, fast = _cut(stock, cuts_a), _cut(fast, cuts_b)
    return stock, fast, n


_ZIP = re.compile(rb'"(UEsDB[A-Za-z0-9+/]+=*)"')
_ISO_BARE = re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})?")


def _zip_clocked(a: bytes, window_a: tuple[float, float], b: bytes,
                 window_b: tuple[float, float]) -> bool:
    """Two base64 zip files (an exported .xlsx) alike but for the clock: the same members in
    the same order, each member's bytes equal or differing only in ISO timestamps each read
    from the clock during its own request (``docProps/core.xml`` created/modified), and each
    member's own date (local time, two-second steps) inside its request's window."""
    import io
    import zipfile

    try:
        za = zipfile.ZipFile(io.BytesIO(base64.b64decode(a)))
        zb = zipfile.ZipFile(io.BytesIO(base64.b64decode(b)))
    except (ValueError, zipfile.BadZipFile):
        return False
    if za.namelist() != zb.namelist():
        return False
    for ia, ib in zip(za.infolist(), zb.infolist(), strict=True):
        for info, (start, end) in ((ia, window_a), (ib, window_b)):
            at = datetime(*info.date_time).timestamp()
            if info.date_time != ib.date_time and not start - 2 <= at <= end + 2:
                return False
        ma, mb = za.read(ia), zb.read(ib)
        if ma == mb:
            continue
        ta, tb = list(_ISO_BARE.finditer(ma)), list(_ISO_BARE.finditer(mb))
        if len(ta) != len(tb):
            return False
        for x, y in zip(ta, tb, strict=True):
            if x.group() != y.group() and not _within(x.group(), window_a, y.group(), window_b):
                return False
        if _ISO_BARE.sub(b"<clock>", ma) != _ISO_BARE.sub(b"<clock>", mb):
            return False
    return True


_JWT = re.compile(rb'"(eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)"')
_JWT_CLOCK = {"iat", "iat_us", "exp", "nbf"}


def _claims(token: bytes) -> tuple[bytes, dict[str, Any]] | None:
    try:
        header, payload, _ = token.split(b".")
        claims = json.loads(base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)))
    except ValueError:
        return None
    return (header, claims) if isinstance(claims, dict) else None


def _jwt_clocked(a: bytes, window_a: tuple[float, float], b: bytes,
                 window_b: tuple[float, float]) -> bool:
    """Two signed tokens alike but for their clock claims: the same header and other claims,
    each ``iat`` (and ``iat_us``) inside its own request's window, the same lifetime
    (``exp - iat``); the signatures then differ too."""
    ca, cb = _claims(a), _claims(b)
    if ca is None or cb is None or ca[0] != cb[0]:
        return False
    (_, pa), (_, pb) = ca, cb
    if {k: v for k, v in pa.items() if k not in _JWT_CLOCK} != \
            {k: v for k, v in pb.items() if k not in _JWT_CLOCK} or pa.keys() != pb.keys():
        return False
    for claims, (start, end) in ((pa, window_a), (pb, window_b)):
        if "iat" not in claims or not int(start) <= claims["iat"] <= end:
            return False
        if "iat_us" in claims and not start - 1e-3 <= claims["iat_us"] / 1e6 <= end + 1e-3:
            return False
    return all(k not in pa or pa[k] - pa["iat"] == pb[k] - pb["iat"] for k in ("exp", "nbf"))


def _cut(body: bytes, spans: list[tuple[int, int]]) -> bytes:
    out, last = [], 0
    for start, end in spans:
        out += [body[last:start], b"<clock>"]
        last = end
    out.append(body[last:])
    return b"".join(out)


# -- the two paths -----------------------------------------------------------------------------


def operation_of(body: bytes) -> tuple[str | None, str | None]:
    """(operation name, "query" | "mutation" | "subscription") of a GraphQL POST body, as the
    server picks it (``operationName`` or the document's only operation); Nones when unclear."""
    try:
        payload = json.loads(body)
        document = parse(payload["query"])
    except (ValueError, KeyError, TypeError, GraphQLError):  # not JSON, no query, bad syntax
        return None, None
    wanted = payload.get("operationName")
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for op in ops:
        name = op.name.value if op.name else None
        if wanted is None and len(ops) == 1 or wanted is not None and name == wanted:
            return name, op.operation.value
    return None, None


@dataclass
class Difference:
    operation: str | None
    request: bytes
    stock: tuple[int, bytes]
    fast: tuple[int, bytes]

    def __str__(self) -> str:
        return (f"operation {self.operation!r}\n  request: {self.request.decode()}\n"
                f"  stock ({self.stock[0]}): {self.stock[1].decode(errors='replace')}\n"
                f"  fast  ({self.fast[0]}): {self.fast[1].decode(errors='replace')}")


@dataclass
class Proof:
    """What the dual transport ran: pairs per operation name, differences, timestamps taken as
    clock-derived, seconds spent in each path."""

    pairs: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    differences: list[Difference] = field(default_factory=list)
    clock_values: int = 0
    fast_fields: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: {"stock": 0.0, "fast": 0.0,
                                                                "snapshots": 0.0})

    def check(self) -> None:
        assert not self.differences, (
            f"{len(self.differences)} of {sum(self.kinds.values())} responses differ between "
            "the stock and the fast path:\n\n" + "\n\n".join(map(str, self.differences[:10])))


class DualTransport(httpx.AsyncBaseTransport):
    """Sends every ``POST /graphql`` through both apps on the same data (see the module doc);
    answers the caller with the fast path's response. Anything else goes to the fast app."""

    def __init__(self, stock_app: Any, fast_app: Any, snapshots: Any, proof: Proof,
                 *, restore_queries: bool = True) -> None:
        self.stock = httpx.ASGITransport(app=stock_app)
        self.fast = httpx.ASGITransport(app=fast_app)
        self.snapshots = snapshots
        self.proof = proof
        self.restore_queries = restore_queries
        self.seed = 0
        self.fast_fields_at_start = FAST_FIELDS[0]

    async def _send(self, transport: httpx.ASGITransport,
                    request: httpx.Request) -> tuple[httpx.Response, bytes, tuple[float, float]]:
        began = time.time()
        response = await transport.handle_async_request(request)
        body = b"".join([chunk async for chunk in response.stream])  # type: ignore[union-attr]
        return response, body, (began, time.time())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        content = await request.aread()
        if request.method != "POST" or request.url.path != "/graphql":
            response, body, _ = await self._send(self.fast, request)
            return httpx.Response(response.status_code, headers=response.headers, content=body)
        name, kind = operation_of(content)
        restore = kind == "mutation" or self.restore_queries
        self.seed += 1
        clock = time.perf_counter()
        snap = await self.snapshots.take() if restore else None
        self.proof.seconds["snapshots"] += time.perf_counter() - clock
        clock = time.perf_counter()
        with seeded(self.seed):
            stock, stock_body, stock_window = await self._send(self.stock, request)
        self.proof.seconds["stock"] += time.perf_counter() - clock
        clock = time.perf_counter()
        if snap is not None:
            await self.snapshots.restore(snap)
        self.proof.seconds["snapshots"] += time.perf_counter() - clock
        clock = time.perf_counter()
        with seeded(self.seed):
            fast, fast_body, fast_window = await self._send(self.fast, request)
        self.proof.seconds["fast"] += time.perf_counter() - clock
        self.proof.fast_fields = FAST_FIELDS[0] - self.fast_fields_at_start
        self.proof.pairs[name or "<anonymous>"] += 1
        self.proof.kinds[kind or "unknown"] += 1
        same = stock.status_code == fast.status_code \
            and stock.headers.get("content-type") == fast.headers.get("content-type")
        if same and stock_body != fast_body:
            normalised = clock_normalised(stock_body, fast_body, stock_window, fast_window)
            same = normalised is not None and normalised[0] == normalised[1]
            if same and normalised is not None:
                self.proof.clock_values += normalised[2]
        if not same:
            self.proof.differences.append(Difference(name, content,
                                                     (stock.status_code, stock_body),
                                                     (fast.status_code, fast_body)))
        return httpx.Response(fast.status_code, headers=fast.headers, content=fast_body)


class DualSession:
    """``async with DualSession(linli_env) as dual:`` → ``dual.http`` (an httpx client) and
    ``dual.gql`` (a ``core.testing.GraphQLClient``) whose requests run on both paths;
    ``dual.proof`` holds the outcome."""

    def __init__(self, env: Any, *, restore_queries: bool = False) -> None:

        stock_app, fast_app = dual_apps(env)
        self.proof = Proof()
        self.snapshots = snapshots_for(env)
        self.transport = DualTransport(stock_app, fast_app, self.snapshots, self.proof,
                                       restore_queries=restore_queries)
        self.http = httpx.AsyncClient(transport=self.transport, base_url="http://test")
        self.gql = GraphQLClient(self.http)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()
        await self.snapshots.close()

    def report(self, label: str) -> str:
        s = self.proof.seconds
        return (f"{label}: {sum(self.proof.kinds.values())} pairs ({dict(self.proof.kinds)}), "
                f"{len(self.proof.pairs)} operation names, {len(self.proof.differences)} "
                f"differences, {self.proof.clock_values} clock values, "
                f"{self.proof.fast_fields} fields planned on the fast path; stock {s['stock']:.2f}s "
                f"fast {s['fast']:.2f}s snapshots {s['snapshots']:.2f}s; at "
                f"{datetime.now(UTC):%H:%M:%S}")


# -- coverage ----------------------------------------------------------------------------------

OPERATIONS = __import__("pathlib").Path(__file__).resolve().parents[2] / "graphql" / "operations"


def example_operations(module: str) -> dict[str, str]:
    """Operation name → kind (query, mutation, subscription) over graphql/operations/MODULE."""
    out: dict[str, str] = {}
    for path in sorted((OPERATIONS / module).glob("*.graphql")):
        for definition in parse(path.read_text(encoding="utf-8")).definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                out[definition.name.value] = definition.operation.value
    return out


def assert_covers(proof: Proof, module: str, *, at_least: int) -> None:
    """Every query and mutation of the module's example files went through both paths (the
    subscriptions run over WebSocket, outside this proof), and the module's pairs are not
    trivially few."""
    operations = example_operations(module)
    wanted = {n for n, kind in operations.items() if kind != OperationType.SUBSCRIPTION.value}
    missing = sorted(wanted - set(proof.pairs))
    assert not missing, f"{module}: example operations not run through both paths: {missing}"
    assert proof.fast_fields > 0, f"{module}: the fast side never planned a field on the fast path"
    ran = sum(proof.pairs[n] for n in wanted)
    assert len(wanted) >= at_least and ran >= len(wanted), (module, ran, len(wanted))


async def run_tests_on_both_paths(dual: DualSession, tests: list[Any], request: Any,
                                  fresh: dict[str, Any]) -> list[str]:
    """Call each test function with ``gql``/``http`` going through ``dual``, a fresh value from
    ``fresh[name]()`` for the names in ``fresh`` (a new world per test) and pytest's fixture
    for any other parameter; the names of the tests run."""
    import inspect

    ran = []
    for test in tests:
        kwargs: dict[str, Any] = {}
        for name in inspect.signature(test).parameters:
            if name == "gql":
                kwargs[name] = dual.gql
            elif name == "http":
                kwargs[name] = dual.http
            elif name in fresh:
                kwargs[name] = await fresh[name]()
            else:
                kwargs[name] = request.getfixturevalue(name)
        await test(**kwargs)
        ran.append(test.__name__)
    return ran


# -- a generated corpus ------------------------------------------------------------------------


class QueryCorpus:
    """Seeded random queries built from the schema: from root query fields whose required
    arguments can be filled (``Int`` → a small number, ``Boolean``, an enum value, ``ID`` → one
    of ``ids``, ``Date`` → today, a ``month``/``year`` → this month/year), selections of up to
    ``depth`` levels with aliases (the same field twice under two aliases among them),
    ``__typename``, inline fragments and named fragments, ``@skip``/``@include`` on
    variables, ``first`` as a variable, inline fragments on every member of an abstract type."""

    def __init__(self, schema: Any, seed: int, ids: list[str], *, depth: int = 4) -> None:
        from graphql import GraphQLSchema

        assert isinstance(schema, GraphQLSchema)
        self.schema = schema
        self.rng = random.Random(seed)
        self.ids = ids
        self.depth = depth
        self.today = datetime.now(UTC).date()

    def _arg(self, name: str, type_: Any) -> str | None:
        from graphql import GraphQLEnumType, GraphQLList, GraphQLNonNull, GraphQLScalarType

        while isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        rng = self.rng
        if isinstance(type_, GraphQLList):
            inner = self._arg(name, type_.of_type)
            return None if inner is None else f"[{inner}]"
        if isinstance(type_, GraphQLEnumType):
            return str(rng.choice(sorted(type_.values)))
        if not isinstance(type_, GraphQLScalarType):
            return None
        if type_.name == "Int":
            if name == "year":
                return str(self.today.year)
            if name in ("days",):
                return str(rng.choice((7, 30)))
            return str(rng.choice((1, 2, 3, 5)))
        if type_.name == "Boolean":
            return rng.choice(("true", "false"))
        if type_.name == "ID" and self.ids:
            return self._id(name)
        if type_.name == "Date":
            return json.dumps(str(self.today))
        if type_.name == "String" and name == "month":
            return json.dumps(f"{self.today:%Y-%m}")
        return None

    def _id(self, arg: str) -> str | None:
        """An id for argument ``arg``: of the type it names (``buildingId`` → a Building)
        when there is one, else None — but one time in ten (and for ``id``) any id, for the
        typed errors a wrong or foreign id answers."""

        rng = self.rng
        if arg == "id" or rng.random() < 0.1:
            return json.dumps(rng.choice(self.ids))
        wanted = arg.removesuffix("Ids").removesuffix("Id").lower()
        fits = []
        for gid in self.ids:
            try:
                type_name = decode_global_id(gid)[0]
            except ApiError:  # a garbage id in the pool
                continue
            if type_name.lower().endswith(wanted):
                fits.append(gid)
        return json.dumps(rng.choice(fits)) if fits else None

    def _args(self, field_def: Any, variables: dict[str, Any],
              declared: list[str]) -> str | None:
        """The argument list for a field (required ones always, ``first`` always when
        present), or None when a required one cannot be filled."""
        from graphql import GraphQLNonNull, Undefined

        parts = []
        for name, arg in field_def.args.items():
            must = isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
            required = must or name == "first"
            if not required:
                continue
            if name == "first" and self.rng.random() < 0.3:
                var = f"first{len(declared)}"
                declared.append(f"${var}: Int!")
                variables[var] = self.rng.choice((1, 2, 3))
                parts.append(f"first: ${var}")
                continue
            value = self._arg(name, arg.type)
            if value is None:
                if must:
                    return None
                continue
            parts.append(f"{name}: {value}")
        return f"({', '.join(parts)})" if parts else ""

    def _selection(self, type_: Any, level: int, variables: dict[str, Any],
                   declared: list[str], fragments: list[str]) -> str:
        from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLUnionType

        rng = self.rng
        if isinstance(type_, GraphQLUnionType | GraphQLInterfaceType):
            parts = ["__typename"]
            members = self.schema.get_possible_types(type_)
            for member in rng.sample(members, min(len(members), rng.randint(1, 3))):
                if True:
                    inner = self._selection(member, level, variables, declared, fragments)
                    parts.append(f"... on {member.name} {{ {inner} }}")
            if isinstance(type_, GraphQLInterfaceType) and rng.random() < 0.5:
                parts.append(self._fields(type_, level, variables, declared, fragments))
            return " ".join(p for p in parts if p)
        assert isinstance(type_, GraphQLObjectType)
        body = self._fields(type_, level, variables, declared, fragments)
        roll = rng.random()
        if roll < 0.15:
            return f"... on {type_.name} {{ {body} }}"
        if roll < 0.3:
            name = f"F{len(fragments)}"
            fragments.append(f"fragment {name} on {type_.name} {{ {body} }}")
            extra = " __typename" if rng.random() < 0.5 else ""
            return f"...{name}{extra}"
        return body

    def _fields(self, type_: Any, level: int, variables: dict[str, Any], declared: list[str],
                fragments: list[str]) -> str:
        from graphql import get_named_type, is_leaf_type

        rng = self.rng
        names = sorted(type_.fields)
        leaves = [n for n in names if is_leaf_type(get_named_type(type_.fields[n].type))]
        inner = [n for n in names if n not in leaves]
        chosen = rng.sample(leaves, min(len(leaves), rng.randint(1, 4)))
        if level < self.depth and inner:
            # edges/node and pageInfo are walked more often: the connection shape
            weights = [5 if n in ("edges", "node", "pageInfo") else 1 for n in inner]
            for _ in range(rng.randint(1, 2)):
                chosen.append(rng.choices(inner, weights)[0])
        parts = []
        if rng.random() < 0.3:
            parts.append("__typename")
        for name in dict.fromkeys(chosen):
            field_def = type_.fields[name]
            args = self._args(field_def, variables, declared)
            if args is None:
                continue
            named = get_named_type(field_def.type)
            sub = "" if is_leaf_type(named) else \
                " { " + self._selection(named, level + 1, variables, declared, fragments) + " }"
            copies = 2 if rng.random() < 0.1 else 1
            for copy in range(copies):
                alias = f"a{len(parts)}_{name}: " if copy or rng.random() < 0.2 else ""
                directive = ""
                if rng.random() < 0.1:
                    var = f"d{len(declared)}"
                    declared.append(f"${var}: Boolean!")
                    variables[var] = rng.random() < 0.5
                    directive = f" @{rng.choice(('skip', 'include'))}(if: ${var})"
                parts.append(f"{alias}{name}{args}{directive}{sub}")
        return " ".join(parts) or "__typename"

    def queries(self, count: int) -> Iterator[tuple[str, dict[str, Any]]]:
        """``count`` (document, variables) pairs, the same for the same seed and schema."""
        from graphql import get_named_type, is_leaf_type

        query = self.schema.query_type
        assert query is not None
        roots = sorted(query.fields)
        made = 0
        while made < count:
            variables: dict[str, Any] = {}
            declared: list[str] = []
            fragments: list[str] = []
            parts = []
            for name in self.rng.sample(roots, self.rng.randint(1, 3)):
                field_def = query.fields[name]
                args = self._args(field_def, variables, declared)
                if args is None:
                    continue
                named = get_named_type(field_def.type)
                sub = "" if is_leaf_type(named) else " { " + self._selection(
                    named, 1, variables, declared, fragments) + " }"
                parts.append(f"{name}{args}{sub}")
            if not parts:
                continue
            head = f"query Q{made}({', '.join(declared)})" if declared else f"query Q{made}"
            yield "\n".join([f"{head} {{ {' '.join(parts)} }}", *fragments]), variables
            made += 1


async def prove(env: Any, module: str, at_least: int,
                run: Callable[[DualSession], Awaitable[Any]], label: str = "") -> DualSession:
    """Run ``run(dual)`` (a walk sending through ``dual.gql``/``dual.http``), print the
    session's report, and assert no difference and that every example operation of
    graphql/operations/MODULE went through both paths (at least ``at_least`` of them)."""
    async with DualSession(env) as dual:
        await run(dual)
    print(dual.report(label or module))
    dual.proof.check()
    assert_covers(dual.proof, module, at_least=at_least)
    return dual


def record_execute_field(monkeypatch: Any) -> list[str]:
    """The fields (``Type.field``) that go through graphql-core's ``execute_field`` under the
    fast path from now on, in order: the ones the fast path left to the stock path."""
    calls: list[str] = []
    original = FastExecutionContext.execute_field

    def counting(self: Any, parent_type: Any, source: Any, details: Any, *rest: Any) -> Any:
        calls.append(f"{parent_type.name}.{details[0].node.name.value}")
        return original(self, parent_type, source, details, *rest)

    monkeypatch.setattr(FastExecutionContext, "execute_field", counting)
    return calls
