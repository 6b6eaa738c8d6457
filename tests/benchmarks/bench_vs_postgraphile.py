"""Linli against PostGraphile 4.14.1, side by side, on the same PostgreSQL rows under the same
row-level security (issue 10). Run on demand (not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_vs_postgraphile.py [--rounds 5] [--seconds 8]
        [--connections 16] [--only notifications50,...] [--npm-dir DIR]

Needs PostgreSQL as an administrator (``LINLI_TEST_DATABASE_URL``, default
``postgresql://postgres@127.0.0.1:5432/test``), ``node``/``npm`` (Node 20 is enough) and the npm
registry once: PostGraphile 4.14.1 and autocannon 7 are installed into a scratch folder
(``--npm-dir``, default ``$TMPDIR/linli-bench-npm``; kept between runs).

What it does:

1. creates its own database and roles the way tests do (``deploy/postgres/roles.sql``: an owner
   that migrates and an application role that owns nothing and lacks BYPASSRLS), and seeds one
   street with 120 notifications for one account and 100 residents (50 households, one
   building, one grid) in it;
2. starts Linli as ``linli serve`` starts it (a subprocess, uvicorn, the application role) and
   PostGraphile 4.14.1 in library mode on Node's ``http`` as the *same* application role, with
   ``pgSettings`` setting ``linli.read_nodes``/``linli.write_node`` (and the same
   ``statement_timeout``) from the request, so the same policies filter its rows;
3. drives both with the same load generator (autocannon, ``--connections`` connections,
   ``--seconds`` per run) in alternating rounds (the order flips every round), and prints per
   query the median over rounds of requests per second, p50 and p99 latency, errors (socket
   errors, timeouts, non-2xx) and the Linli/PostGraphile ratio;
4. counts the SQL statements and transactions each side sends per request: a second instance of
   each server talks to PostgreSQL through a counting wire-protocol proxy (``pgcount.py``)
   while the script sends 20 sequential requests per query.

Before any load every query is sent once to each side and its answer checked (no ``errors``,
the expected number of rows), so a fast error never passes for throughput.

Issue 10's other "Done when" figures (``mixed.py``; any of these options replaces the side by
side above, and they combine)::

    ... bench_vs_postgraphile.py --mixed [--tenants 100] [--mixed-seconds 30]
        [--connections 16] [--mixed-rounds 1] [--against REF] [--cold-start [N]]
        [--rss 100,100]

- ``--mixed``: ``--tenants`` street offices with the 楼长制 plugin enabled (places, residents,
  a tenant administrator with notifications, a grid worker, a serving building head), ONE
  ``linli serve``, and one autocannon process in programmatic mode whose requests each pick a
  random tenant (that tenant's token and ``X-Linli-Node``) and an operation: 70 % reads — a grid
  worker's masked ``residents(first: 20)``, 楼长制 coverage (``BuildingHeadCoverage`` from
  ``graphql/operations/building_heads/coverage.graphql``), ``myNotifications(first: 20)``,
  ``tenant { enabledPlugins }`` — and 30 % writes by the head: log a visit, raise a matter.
  Prints rps, p50, p99 (overall and per operation), non-2xx, GraphQL ``errors``, typed errors,
  socket errors and timeouts, the pool's "idle in transaction" connections, the ratio to main's
  77 rps, and then checks as the database superuser that every acknowledged write (200, no
  ``errors``, an id returned; each carries a unique marker) is present exactly once, with that
  id, in its own tenant. ``--against REF`` runs the same load against a ``git worktree`` of an
  older commit on the same database (only while its tables and API agree), the two in
  alternating rounds (``--mixed-rounds``), and prints the medians and their ratio.
- ``--cold-start [N]`` (default 5): N fresh Python processes time ``import core.app``, the
  entry-point registry and ``create_app`` (build_state, build_schema with every plugin), as
  ``linli serve`` does before it listens; min/median/max of each stage and the CPU time (under
  load the wall time mostly measures other processes). Target: median ≤ 2 s.
- ``--rss N,M``: one ``linli serve``; 10 tenants warmed first (shared caches), then N more, then
  M more (each: identity, enabled plugins, residents, notifications, coverage, twice), reading
  ``VmRSS`` from ``/proc/<pid>/status``: growth per warmed tenant, target < 0.15 MB.
- ``LINLI_BENCH_PYSPY=/tmp/spy`` (with ``py-spy`` on ``PATH``): py-spy samples each Linli
  server for its whole life into ``/tmp/spy-<servers>.txt`` (collapsed stacks), to see where
  a loaded server's CPU goes.

The machine is shared and small: compare ratios within one run, not figures across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
import mixed
from pgcount import CountingProxy

POSTGRAPHILE = "4.14.1"
AUTOCANNON = "7.15.0"

SERVER_JS = r"""
// PostGraphile in library mode as the application role; the scope comes from the request the
// same way Linli applies it: transaction-local settings read by the row-level security policies
const http = require("http");
const { postgraphile } = require("postgraphile");
const [url, port] = process.argv.slice(2);
const handler = postgraphile(url, "public", {
  graphqlRoute: "/graphql",
  disableQueryLog: true,
  retryOnInitFail: false,
  enableQueryBatching: false,
  classicIds: true, // "id" is the global id (as in Linli); columns named node_id stay nodeId
  setofFunctionsContainNulls: false,
  pgSettings: (req) => ({
    "linli.read_nodes": String(req.headers["x-read-nodes"] || ""),
    "linli.shared_nodes": "",
    "linli.write_node": "",
    "statement_timeout": "5000",
  }),
});
http.createServer(handler).listen(Number(port), "127.0.0.1");
"""


@dataclass
class Query:
    key: str
    label: str
    linli: str
    pgl: str | None
    linli_rows: Any
    pgl_rows: Any
    as_grid_worker: bool = False


def _edges(*path: str) -> Any:
    def count(data: dict[str, Any]) -> int:
        node: Any = data
        for p in path:
            node = node[p]
        return len(node["edges"])
    return count


NOTIF = ("myNotifications(first:{n}){{edges{{node{{id kind title body createdAt}}}} "
         "pageInfo{{hasNextPage endCursor}}}}")
PGL_NOTIF = ("allLinliNotifications(first:{n},orderBy:ID_DESC,condition:{{accountId:\"{acc}\"}})"
             "{{edges{{node{{id kind title body createdAt}}}} "
             "pageInfo{{hasNextPage endCursor}}}}")
RESIDENTS = ("residents(first:50){edges{node{id name gender birthDate idNumber}} "
             "pageInfo{hasNextPage endCursor}}")
NESTED = ("residents(first:50){edges{node{id name household{room building{name "
          "grid{name}}}}} pageInfo{hasNextPage endCursor}}")
PGL_NESTED = ("allLinliResidents(first:50,orderBy:ID_ASC){edges{node{id name "
              "linliHouseholdByHouseholdId{room linliBuildingByBuildingId{name "
              "linliGridByGridId{name}}}}} pageInfo{hasNextPage endCursor}}")


def queries(account_id: int) -> list[Query]:
    return [
        Query("notifications50", "myNotifications(first:50) id kind title body createdAt",
              "{" + NOTIF.format(n=50) + "}", "{" + PGL_NOTIF.format(n=50, acc=account_id) + "}",
              _edges("myNotifications"), _edges("allLinliNotifications")),
        Query("notifications100", "the same, first:100",
              "{" + NOTIF.format(n=100) + "}",
              "{" + PGL_NOTIF.format(n=100, acc=account_id) + "}",
              _edges("myNotifications"), _edges("allLinliNotifications")),
        Query("residents50", "residents(first:50) name gender birthDate masked idNumber "
                             "(grid worker)",
              "{" + RESIDENTS + "}", None, _edges("residents"), None, as_grid_worker=True),
        Query("nested50", "residents(first:50) + household room, building and grid names",
              "{" + NESTED + "}", "{" + PGL_NESTED + "}",
              _edges("residents"), _edges("allLinliResidents")),
    ]


# -- set-up -------------------------------------------------------------------------------

def npm_tools(folder: Path) -> tuple[Path, Path]:
    """PostGraphile and autocannon from the npm registry into ``folder`` (once)."""
    folder.mkdir(parents=True, exist_ok=True)
    pkg = folder / "node_modules" / "postgraphile" / "package.json"
    cannon = folder / "node_modules" / "autocannon" / "autocannon.js"
    if not (pkg.exists() and json.loads(pkg.read_text())["version"] == POSTGRAPHILE
            and cannon.exists()):
        if not (folder / "package.json").exists():
            (folder / "package.json").write_text('{"name":"linli-bench","private":true}')
        print(f"npm install postgraphile@{POSTGRAPHILE} autocannon@{AUTOCANNON} → {folder}")
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                        f"postgraphile@{POSTGRAPHILE}", f"autocannon@{AUTOCANNON}"],
                       cwd=folder, check=True)
    (folder / "server.js").write_text(SERVER_JS)
    return folder / "server.js", cannon


@dataclass
class Seeded:
    tenant_id: int
    tenant_code: str
    account_id: int
    admin_token: str
    worker_token: str


@asynccontextmanager
async def seeded_state(prefix: str) -> AsyncIterator[tuple[Any, Seeded]]:
    """A started state on its own PostgreSQL test database (every plugin), seeded with
    :func:`seed`; stopped and dropped afterwards (the in-process benchmarks' set-up)."""
    from core.app import build_state
    from core.registry import Registry
    from core.testing import Factory, TestEnv, _test_settings
    from core.testing.pg import PostgresTestDatabase

    registry = Registry()
    registry.load_entrypoints()
    pg = await PostgresTestDatabase.create(registry)
    try:
        settings = _test_settings(pg.app_url, Path(tempfile.mkdtemp(prefix=prefix)),
                                  redis_url="")
        state = build_state(settings, registry)
        await state.db.start()
        try:
            yield state, await seed(state, Factory(TestEnv(settings=settings, state=state,
                                                           engine="postgres")))
        finally:
            await state.db.stop()
    finally:
        await pg.drop()


async def seed(state: Any, factory: Any) -> Seeded:
    from core.notify.service import Notification
    from core.people import places
    from core.people.residents import apply_resident, make_resident_data
    from core.people.validation import id_check_digit
    from tenants.service import scope_for

    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    now = datetime.now(UTC)
    async with state.db.scoped(scope_for(tenant), write=True):
        community = await places.new_community("御苑社区")
        grid = await places.new_grid(community, "第1网格")
        building, _ = await places.ensure_building(community, "1号楼", grid=grid)
        for h in range(50):
            household, _ = await places.ensure_household(building, f"{h + 1:02d}01")
            for m in range(2):
                n = h * 2 + m + 11
                body = f"371502195003{1 + n % 28:02d}{n % 1000:03d}"
                await apply_resident(make_resident_data(
                    name=f"居民{h}-{m}", id_number=body + id_check_digit(body),
                    phone=f"13800{h:03d}{m:03d}", household=household,
                    relation="户主" if m == 0 else "配偶"), state.settings.pii_key)
        await Notification.insert(*[
            Notification(tenant_id=tenant.id, account_id=admin.id, kind="bench.notice", title=f"通知 {i}",
                         body="请于本周六上午到社区服务中心领取防汛物资。" * 2,
                         created_at=now - timedelta(minutes=i))
            for i in range(120)])
    worker = await factory.account(tenant, "grid_worker", place_kind="grid", place_id=grid.id)
    return Seeded(tenant.id, tenant.code, admin.id, admin.token, worker.token)


async def smart_comments(owner_url: str) -> None:
    """Tell PostGraphile the relations of the nested query (Linli keeps them as plain id
    columns checked by its services, so there is no foreign key to introspect)."""
    import asyncpg

    conn = await asyncpg.connect(owner_url)
    try:
        for table, column, target in (("linli_resident", "household_id", "linli_household"),
                                      ("linli_household", "building_id", "linli_building"),
                                      ("linli_building", "grid_id", "linli_grid")):
            await conn.execute(f"COMMENT ON TABLE {table} IS "
                               f"E'@foreignKey ({column}) references {target} (id)'")
    finally:
        await conn.close()


class Servers:
    """One Linli (``linli serve``) and one PostGraphile process on free ports."""

    def __init__(self, db_url: str, env: dict[str, str], server_js: Path, tag: str) -> None:
        self.db_url, self.env, self.server_js, self.tag = db_url, env, server_js, tag
        self.procs: list[subprocess.Popen[bytes]] = []
        self.linli_port = self.pgl_port = 0

    async def start(self) -> None:
        import socket

        def free() -> int:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                return int(s.getsockname()[1])

        self.linli_port, self.pgl_port = free(), free()
        self._spawn()
        async with httpx.AsyncClient() as http:
            for url in (f"http://127.0.0.1:{self.linli_port}/health/ready",
                        f"http://127.0.0.1:{self.pgl_port}/graphql"):
                for _ in range(300):
                    try:
                        await http.get(url, timeout=2)
                        break
                    except httpx.HTTPError:
                        await asyncio.sleep(0.1)
                else:
                    self.stop()
                    err = self.procs[1].stderr.read().decode()[-2000:]  # type: ignore[union-attr]
                    raise RuntimeError(f"{self.tag}: {url} did not come up\n{err}")

    def _spawn(self) -> None:
        env = {**os.environ, **self.env, "LINLI_DATABASE_URL": self.db_url,
               "LINLI_PORT": str(self.linli_port), "LINLI_HOST": "127.0.0.1"}
        linli = shutil.which("linli", path=str(Path(sys.executable).parent)) or "linli"
        self.procs.append(subprocess.Popen([linli, "serve"], env=env, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL))
        spy = os.environ.get("LINLI_BENCH_PYSPY")
        if spy:  # py-spy samples the Linli server for its whole life (collapsed stacks)
            self.spy = subprocess.Popen(
                ["py-spy", "record", "--pid", str(self.procs[0].pid), "--rate", "250",
                 "--format", "raw", "--nonblocking", "-o", f"{spy}-{self.tag}.txt"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(subprocess.Popen(
            ["node", str(self.server_js), self.db_url, str(self.pgl_port)],
            cwd=self.server_js.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))

    def stop(self) -> None:
        spy = getattr(self, "spy", None)
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(30)
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def request_of(side: str, q: Query, servers: Servers, s: Seeded, tokens: dict[str, str]
               ) -> tuple[str, dict[str, str], str]:
    if side == "linli":
        token = tokens["worker" if q.as_grid_worker else "admin"]
        return (f"http://127.0.0.1:{servers.linli_port}/graphql",
                {"Authorization": f"Bearer {token}", "X-Linli-Node": s.tenant_code,
                 "Content-Type": "application/json"}, json.dumps({"query": q.linli}))
    assert q.pgl is not None
    return (f"http://127.0.0.1:{servers.pgl_port}/graphql",
            {"X-Read-Nodes": str(s.tenant_id), "Content-Type": "application/json"},
            json.dumps({"query": q.pgl}))


async def check(http: httpx.AsyncClient, side: str, q: Query, servers: Servers, s: Seeded,
                tokens: dict[str, str]) -> None:
    url, headers, body = request_of(side, q, servers, s, tokens)
    resp = await http.post(url, content=body, headers=headers, timeout=30)
    out = resp.json()
    if out.get("errors") or resp.status_code != 200:
        raise RuntimeError(f"{side} {q.key}: {resp.status_code} {json.dumps(out)[:600]}")
    rows = (q.linli_rows if side == "linli" else q.pgl_rows)(out["data"])
    expected = 100 if "100" in q.key else 50
    if rows != expected:
        raise RuntimeError(f"{side} {q.key}: {rows} rows, expected {expected}")


async def sample_pool(admin_url: str, database: str, stop: asyncio.Event) -> dict[str, float]:
    """Every 50 ms during a run: the server's connections to the database that sit "idle in
    transaction" (held while the application works) and those busy at all."""
    import asyncpg

    conn = await asyncpg.connect(admin_url)
    idle: list[int] = []
    busy: list[int] = []
    try:
        while not stop.is_set():
            row = await conn.fetchrow(
                "SELECT count(*) FILTER (WHERE state LIKE 'idle in transaction%') AS idle_tx,"
                " count(*) FILTER (WHERE state <> 'idle') AS busy FROM pg_stat_activity"
                " WHERE datname = $1 AND pid <> pg_backend_pid()", database)
            idle.append(row["idle_tx"])
            busy.append(row["busy"])
            await asyncio.sleep(0.05)
    finally:
        await conn.close()
    return {"idle_tx_max": max(idle, default=0), "busy_max": max(busy, default=0),
            "idle_tx_mean": statistics.fmean(idle) if idle else 0.0}


def autocannon(cannon: Path, url: str, headers: dict[str, str], body: str, seconds: int,
               connections: int) -> dict[str, float]:
    cmd = ["node", str(cannon), "-j", "-c", str(connections), "-d", str(seconds), "-m", "POST",
           "-b", body]
    for k, v in headers.items():
        cmd += ["-H", f"{k}={v}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True)
    r = json.loads(out.stdout)
    return {"rps": r["requests"]["average"], "p50": r["latency"]["p50"],
            "p99": r["latency"]["p99"],
            "errors": r["errors"] + r["timeouts"] + r["non2xx"], "total": r["requests"]["total"]}


async def count_sql(db_url: str, env: dict[str, str], server_js: Path, s: Seeded,
                    qs: list[Query], tokens: dict[str, str], n: int = 20
                    ) -> dict[tuple[str, str], tuple[float, float]]:
    """Statements and transactions per request, through the counting proxy."""
    from urllib.parse import urlparse, urlunparse

    parsed = urlparse(db_url)
    proxy = CountingProxy((parsed.hostname or "127.0.0.1", parsed.port or 5432))
    port = await proxy.start()
    host = parsed.netloc.rsplit("@", 1)
    netloc = (host[0] + "@" if len(host) == 2 else "") + f"127.0.0.1:{port}"
    proxied = urlunparse(parsed._replace(netloc=netloc))
    # the counting pair runs no in-process jobs: the events sweep (every 5 s) would otherwise
    # land in some queries' windows and count as theirs
    servers = Servers(proxied, {**env, "LINLI_JOBS_IN_PROCESS": "0"}, server_js, "counting")
    await servers.start()
    out: dict[tuple[str, str], tuple[float, float]] = {}
    try:
        async with httpx.AsyncClient() as http:
            for q in qs:
                for side in ("linli", "pgl"):
                    if side == "pgl" and q.pgl is None:
                        continue
                    for _ in range(3):  # warm: caches, prepared statements, the pool
                        await check(http, side, q, servers, s, tokens)
                    await asyncio.sleep(0.2)
                    proxy.counts.reset()
                    for _ in range(n):
                        await check(http, side, q, servers, s, tokens)
                    await asyncio.sleep(0.2)  # pool resets after the answer
                    out[(q.key, side)] = (proxy.counts.statements / n,
                                          proxy.counts.transactions / n)
    finally:
        servers.stop()
        await proxy.stop()
    return out


async def main(args: argparse.Namespace) -> None:
    logging.disable(logging.WARNING)
    from core.app import build_state
    from core.registry import Registry
    from core.testing import Factory, TestEnv, _test_settings
    from core.testing.pg import PostgresTestDatabase

    if args.cold_start:
        mixed.print_cold(mixed.cold_start(args.cold_start, {"LINLI_ENV": "development"}))
        if not (args.mixed or args.rss):
            return
    server_js, cannon = npm_tools(Path(args.npm_dir))
    registry = Registry()
    registry.load_entrypoints()
    pg = await PostgresTestDatabase.create(registry)
    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-"))
    settings = _test_settings(pg.app_url, tmp, redis_url="")
    env = {"LINLI_SECRET_KEY": settings.secret_key, "LINLI_PII_KEY": settings.pii_key,
           "LINLI_VAR_DIR": str(tmp), "LINLI_ENV": "development", "LINLI_REDIS_URL": "",
           "LINLI_STATEMENT_TIMEOUT_MS": "5000"}
    servers: Servers | None = None
    try:
        state = build_state(settings, registry)
        await state.db.start()
        factory = Factory(TestEnv(settings=settings, state=state, engine="postgres"))
        if args.mixed or args.rss:
            await mixed_sections(args, pg, env, settings, state, factory, server_js.parent)
            return
        t0 = time.perf_counter()
        s = await seed(state, factory)
        await state.db.stop()
        await smart_comments(pg.owner_url)
        print(f"seeded in {time.perf_counter() - t0:.1f} s: database {pg.name}")
        qs = [q for q in queries(s.account_id) if not args.only or q.key in args.only]
        tokens = {"admin": s.admin_token, "worker": s.worker_token}

        sql = await count_sql(pg.app_url, env, server_js, s, qs, tokens)

        servers = Servers(pg.app_url, env, server_js, "load")
        await servers.start()
        async with httpx.AsyncClient() as http:
            for q in qs:
                for side in ("linli", "pgl"):
                    if side == "linli" or q.pgl is not None:
                        await check(http, side, q, servers, s, tokens)
        for q in qs:  # warm-up, not counted: V8's JIT, Python's caches, both pools
            for side in ("linli", "pgl"):
                if side == "linli" or q.pgl is not None:
                    url, headers, body = request_of(side, q, servers, s, tokens)
                    await asyncio.to_thread(autocannon, cannon, url, headers, body, 2,
                                            args.connections)
        results: dict[tuple[str, str], list[dict[str, float]]] = {}
        for r in range(args.rounds):
            for q in qs:
                sides = ["linli", "pgl"] if r % 2 == 0 else ["pgl", "linli"]
                for side in sides:
                    if side == "pgl" and q.pgl is None:
                        continue
                    url, headers, body = request_of(side, q, servers, s, tokens)
                    stop = asyncio.Event()
                    sampler = asyncio.create_task(sample_pool(pg.admin_url, pg.name, stop))
                    res = await asyncio.to_thread(autocannon, cannon, url, headers, body,
                                                  args.seconds, args.connections)
                    stop.set()
                    res.update(await sampler)
                    results.setdefault((q.key, side), []).append(res)
                    print(f"round {r + 1} {q.key:17} {side:6} {res['rps']:7.1f} rps  "
                          f"p50 {res['p50']:6.1f} ms  p99 {res['p99']:6.1f} ms  "
                          f"errors {res['errors']:.0f}  idle-in-tx max {res['idle_tx_max']:.0f} "
                          f"mean {res['idle_tx_mean']:.1f}, busy max {res['busy_max']:.0f}",
                          flush=True)
        report(qs, results, sql)
    finally:
        if servers is not None:
            servers.stop()
        await pg.drop()
        shutil.rmtree(tmp, ignore_errors=True)


async def mixed_sections(args: argparse.Namespace, pg: Any, env: dict[str, str], settings: Any,
                         state: Any, factory: Any, npm_dir: Path) -> None:
    """``--mixed`` and ``--rss``: seed the tenants once, then each section on its own
    ``linli serve`` (see ``mixed.py``)."""
    need = max(args.tenants if args.mixed else 0,
               10 + sum(args.rss) if args.rss else 0)
    t0 = time.perf_counter()
    print(f"seeding {need} tenants with 楼长制 enabled …", flush=True)
    tenants = await mixed.seed_tenants(state, factory, need)
    await state.db.stop()
    print(f"seeded in {time.perf_counter() - t0:.1f} s: database {pg.name}")
    if args.mixed:
        # with --against: the two checkouts in alternating rounds (the order flips each round)
        runs: dict[str, list[dict[str, Any]]] = {"this checkout": []}
        with (mixed.older_checkout(args.against) if args.against
              else contextlib.nullcontext((None, None))) as (cmd, cwd):
            if args.against:
                runs[args.against] = []
            for r in range(args.mixed_rounds):
                sides = list(runs) if r % 2 == 0 else list(reversed(runs))
                for side in sides:
                    res = await mixed.run_mixed(
                        args, pg, env, settings, tenants[:args.tenants], npm_dir, sample_pool,
                        label=f"{side}, round {r + 1}",
                        serve_cmd=cmd if side == args.against else None,
                        cwd=cwd if side == args.against else None)
                    mixed.print_mixed(res, args.tenants, args.connections, args.mixed_seconds)
                    runs[side].append(res)
        if args.against or args.mixed_rounds > 1:
            print("\nmedians over rounds")
            for side, results in runs.items():
                rps = statistics.median(x["rps"] for x in results)
                p99 = statistics.median(x["p99"] for x in results)
                per_cpu = statistics.median(x["total"] / x["server_cpu_s"] for x in results)
                print(f"  {side}: {rps:.1f} rps, p99 {p99:.0f} ms, {rps / mixed.BASELINE_RPS:.2f}× "
                      f"main's {mixed.BASELINE_RPS:.0f} rps; {per_cpu:.0f} requests per server "
                      f"CPU-second")
            if args.against:
                ours = statistics.median(x["rps"] for x in runs["this checkout"])
                theirs = statistics.median(x["rps"] for x in runs[args.against])
                print(f"  this checkout / {args.against}: {ours / theirs:.2f}×")
    if args.rss:
        mixed.print_rss(await mixed.rss_growth(pg, env, settings, tenants, args.rss))


def report(qs: list[Query], results: dict[tuple[str, str], list[dict[str, float]]],
           sql: dict[tuple[str, str], tuple[float, float]]) -> None:
    def med(key: str, side: str, what: str) -> float | None:
        runs = results.get((key, side))
        return statistics.median(r[what] for r in runs) if runs else None

    def fmt(v: float | None, spec: str = ".0f") -> str:
        return "—" if v is None else format(v, spec)

    def idle(key: str, side: str) -> str:
        runs = results.get((key, side))
        if not runs:
            return "—"
        return (f"{max(r['idle_tx_max'] for r in runs):.0f} "
                f"({statistics.fmean(r['idle_tx_mean'] for r in runs):.1f})")

    base = med("notifications50", "pgl", "rps")
    print("\nmedians over rounds (Linli / PostGraphile 4.14.1, same rows, same RLS)")
    print("| query | Linli rps | PG rps | ratio | Linli p50 | PG p50 | Linli p99 | PG p99 "
          "| errors L/PG | stmts/req L | PG | tx/req L | PG | idle-in-tx max (mean) L | PG |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for q in qs:
        lr, pr = med(q.key, "linli", "rps"), med(q.key, "pgl", "rps")
        ratio = (f"{lr / pr:.2f}×" if lr and pr else
                 f"{lr / base:.2f}× of PG 50-row" if lr and base else "—")
        errs = (f"{sum(r['errors'] for r in results.get((q.key, 'linli'), [])):.0f}/"
                f"{sum(r['errors'] for r in results.get((q.key, 'pgl'), [])):.0f}")
        ls, lt = sql.get((q.key, "linli"), (None, None))
        ps, pt = sql.get((q.key, "pgl"), (None, None))
        print(f"| {q.label} | {fmt(lr)} | {fmt(pr)} | {ratio} | {fmt(med(q.key, 'linli', 'p50'))}"
              f" | {fmt(med(q.key, 'pgl', 'p50'))} | {fmt(med(q.key, 'linli', 'p99'))} | "
              f"{fmt(med(q.key, 'pgl', 'p99'))} | {errs} | {fmt(ls, '.1f')} | {fmt(ps, '.1f')} "
              f"| {fmt(lt, '.1f')} | {fmt(pt, '.1f')} | {idle(q.key, 'linli')} | "
              f"{idle(q.key, 'pgl')} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", type=lambda v: v.split(","), default=None)
    parser.add_argument("--npm-dir", default=str(Path(tempfile.gettempdir())
                                                 / "linli-bench-npm"))
    parser.add_argument("--mixed", action="store_true",
                        help="the mixed load over --tenants tenants instead of the side by side")
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--mixed-seconds", type=int, default=30)
    parser.add_argument("--mixed-rounds", type=int, default=1)
    parser.add_argument("--against", default=None, metavar="REF",
                        help="with --mixed: also the same load against a worktree of REF")
    parser.add_argument("--cold-start", type=int, nargs="?", const=5, default=0, metavar="N",
                        help="median of N fresh processes' import + schema build")
    parser.add_argument("--rss", type=lambda v: [int(x) for x in v.split(",")], default=None,
                        metavar="N,M", help="RSS growth of one server per warmed tenant")
    asyncio.run(main(parser.parse_args()))
