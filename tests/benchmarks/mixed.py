"""The mixed-load, cold-start and RSS sections of ``bench_vs_postgraphile.py`` (issue 10,
"Done when" items 2 and 3); run through that script's ``--mixed``, ``--cold-start`` and
``--rss`` options, not on its own.

- :func:`seed_tenants`: street offices under one district, each with the 楼长制 plugin
  (``building_heads``) enabled, a community, a grid, two buildings of four households with one
  resident each, a tenant administrator with 20 notifications, a grid worker and a serving
  building head (role at building 1 and an open appointment), as the plugin's tests build them.
- :func:`run_mixed`: one ``linli serve`` driven by autocannon in programmatic mode
  (``MIXED_JS``): every request picks a random tenant and the operation by weight — 70 %
  reads (a grid worker's masked ``residents``, the tenant administrator's 楼长制 coverage,
  ``myNotifications`` and ``tenant { enabledPlugins }``), 30 % writes (the head logs a visit,
  raises a matter), each with that tenant's token and ``X-Linli-Node``. Each write carries a
  unique marker (the visit's notes, the matter's title); a write is acknowledged when its
  answer is 200 without ``errors`` and returns its id.
- :func:`verify_writes`: afterwards, as the database superuser (no row-level security), every
  acknowledged write is looked up by marker: present exactly once, with the returned id, in its
  own tenant.
- :func:`cold_start`: fresh Python processes timing import + ``create_app`` (the registry from
  entry points, ``build_state`` and its schema) as ``linli serve`` does before it listens.
- :func:`rss_growth`: one ``linli serve``; warm a few tenants, then N more at a time (identity,
  enabled plugins, residents, notifications, coverage) and read ``VmRSS`` of the process.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

BASELINE_RPS = 77.0
"""Issue 10: main's mixed-load throughput with one API process on this machine."""
BASELINE_P99_MS = 639.0

RESIDENTS_Q = ("query Residents { residents(first: 20) { edges { node { id name gender "
               "birthDate idNumber } } pageInfo { hasNextPage endCursor } } }")
# graphql/operations/building_heads/coverage.graphql, as it is there
_OPS = Path(__file__).resolve().parents[2] / "graphql" / "operations" / "building_heads"
COVERAGE_DOC = (_OPS / "coverage.graphql").read_text(encoding="utf-8")
NOTIFICATIONS_Q = ("query Inbox { myNotifications(first: 20) { edges { node { id kind title "
                   "createdAt readAt } } pageInfo { hasNextPage endCursor } } }")
PLUGINS_Q = "query Plugins { tenant { id code enabledPlugins } }"
ME_Q = "query Me { me { id name memberships { role placeKind } } }"
LOG_VISIT_M = """mutation Log($input: BuildingHeadLogVisitInput!) {
  buildingHeadLogVisit(input: $input) {
    __typename
    ... on BuildingHeadLogVisitPayload { visit { id visitedOn way notes } matterId }
    ... on UserError { code field message }
  }
}"""
RAISE_MATTER_M = """mutation Raise($input: BuildingHeadRaiseMatterInput!) {
  buildingHeadRaiseMatter(input: $input) {
    __typename
    ... on BuildingHeadRaiseMatterPayload { matter { id title step level } }
    ... on UserError { code field message }
  }
}"""

# (name, weight %, token, document, operationName, variables kind)
MIX = [
    ("residents", 25, "worker", RESIDENTS_Q, "Residents", None),
    ("coverage", 15, "admin", COVERAGE_DOC, "BuildingHeadCoverage", "coverage"),
    ("notifications", 20, "admin", NOTIFICATIONS_Q, "Inbox", None),
    ("plugins", 10, "admin", PLUGINS_Q, "Plugins", None),
    ("logVisit", 18, "head", LOG_VISIT_M, "Log", "visit"),
    ("raiseMatter", 12, "head", RAISE_MATTER_M, "Raise", "matter"),
]

MIXED_JS = r"""
// autocannon in programmatic mode: every request a random tenant and a weighted operation.
// One request in flight per connection (pipelining 1), so the context set when a request is
// built is still the one its response is read with.
const autocannon = require("autocannon");
const fs = require("fs");
const cfg = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const total = cfg.ops.reduce((a, op) => a + op.weight, 0);
const stats = {};
for (const op of cfg.ops) stats[op.name] = {n: 0, non2xx: 0, gqlErrors: 0, userErrors: 0,
                                            unparsable: 0, lat: []};
const acked = [];
const samples = [];
let seq = 0;

function pick() {
  let r = Math.random() * total;
  for (const op of cfg.ops) { if ((r -= op.weight) < 0) return op; }
  return cfg.ops[cfg.ops.length - 1];
}

function variables(op, t, marker) {
  if (op.vars === "coverage") return {level: "TENANT"};
  if (op.vars === "visit") {
    const h = t.households[Math.floor(Math.random() * t.households.length)];
    return {input: {householdId: h, notes: marker}};
  }
  if (op.vars === "matter") return {input: {buildingId: t.building, title: marker}};
  return {};
}

function setupRequest(req, ctx) {
  const op = pick();
  const ti = Math.floor(Math.random() * cfg.tenants.length);
  const t = cfg.tenants[ti];
  const marker = op.vars === "visit" || op.vars === "matter"
    ? `${cfg.prefix}-${ti}-${++seq}` : null;
  ctx.op = op.name; ctx.ti = ti; ctx.marker = marker; ctx.t0 = process.hrtime.bigint();
  req.method = "POST";
  req.path = "/graphql";
  req.headers = {"content-type": "application/json", "authorization": `Bearer ${t[op.token]}`,
                 "x-linli-node": t.code};
  req.body = JSON.stringify({query: op.query, operationName: op.operationName,
                             variables: variables(op, t, marker)});
  return req;
}

function onResponse(status, body, ctx) {
  const s = stats[ctx.op];
  s.n++;
  s.lat.push(Number(process.hrtime.bigint() - ctx.t0) / 1e6);
  if (status < 200 || status >= 300) { s.non2xx++; return; }
  let out;
  try { out = JSON.parse(body); } catch (e) { s.unparsable++; return; }
  if (out.errors) {
    s.gqlErrors++;
    if (samples.length < 5) samples.push({op: ctx.op, errors: out.errors});
    return;
  }
  if (!ctx.marker) return;
  const res = out.data && (out.data.buildingHeadLogVisit || out.data.buildingHeadRaiseMatter);
  if (!res || res.code) {
    s.userErrors++;
    if (samples.length < 5) samples.push({op: ctx.op, result: res});
    return;
  }
  const id = ctx.op === "logVisit" ? res.visit && res.visit.id : res.matter && res.matter.id;
  if (id) acked.push({kind: ctx.op, tenant: ctx.ti, marker: ctx.marker, id: id});
}

function pct(xs, p) {
  if (!xs.length) return null;
  const sorted = xs.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))];
}

const instance = autocannon({
  url: cfg.url, connections: cfg.connections, duration: cfg.seconds, pipelining: 1,
  timeout: 30, requests: [{setupRequest, onResponse}],
}, (err, result) => {
  if (err) { console.error(err); process.exit(2); }
  const ops = {};
  for (const [name, s] of Object.entries(stats)) {
    ops[name] = {n: s.n, non2xx: s.non2xx, gqlErrors: s.gqlErrors, userErrors: s.userErrors,
                 unparsable: s.unparsable, p50: pct(s.lat, 50), p99: pct(s.lat, 99)};
  }
  fs.writeFileSync(cfg.out, JSON.stringify({
    rps: result.requests.average, total: result.requests.total,
    p50: result.latency.p50, p99: result.latency.p99,
    socketErrors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx,
    ops, acked, samples}));
});
"""


@dataclass
class BenchTenant:
    id: int
    code: str
    admin_id: int
    worker_id: int
    head_id: int
    building: str
    """global id of the head's building"""
    households: list[str]
    """global ids of the households of the head's building"""
    tokens: dict[str, str] = field(default_factory=dict)


def gid(type_name: str, pk: int) -> str:
    from core.schema.relay import encode_global_id

    return str(encode_global_id(type_name, pk))


def pk_of(global_id: str) -> tuple[str, int]:
    raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    type_name, _, pk = raw.partition(":")
    return type_name, int(pk)


async def seed_tenants(state: Any, factory: Any, n: int) -> list[BenchTenant]:
    """``n`` street offices under one district, each seeded as the module docstring says."""
    from core.identity.service import grant_membership
    from core.notify.service import Notification
    from core.plugin import scope_for, today_shanghai
    from plugins.building_heads.tables import Appointment
    from tenants.plugins import change_plugin, fire_tenant_enabled

    region = await factory.region()
    out: list[BenchTenant] = []
    today = today_shanghai()
    for i in range(n):
        node = await factory.tenant(region, name=f"压测街道{i}")
        async with state.db.transaction():
            newly = await change_plugin(node, "building_heads", True)
        await fire_tenant_enabled(state.db, state.registry, "building_heads", newly)
        community = await factory.community(node, "御苑社区")
        grid = await factory.grid(community, "第1网格")
        buildings = [await factory.building(community, f"{b + 1}号楼", grid=grid,
                                            compound="新纺苑小区") for b in range(2)]
        households: dict[int, list[Any]] = {}
        residents: dict[int, Any] = {}
        for b, building in enumerate(buildings):
            households[building.id] = []
            for h in range(4):
                household = await factory.household(building, f"{h + 1}01")
                households[building.id].append(household)
                residents[household.id] = await factory.resident(
                    household, f"居民{b}{h}", birth=date(1950 + b * 10 + h, 3, 1),
                    male=h % 2 == 0)
        admin = await factory.account(node)
        worker = await factory.account(node, "grid_worker", place_kind="grid", place_id=grid.id)
        head = await factory.account(node, None)
        building = buildings[0]
        async with state.db.transaction():
            await grant_membership(head.id, node.id, "building_heads.head", "building",
                                   building.id, rolebook=state.rolebook, by_workflow=True)
        now = datetime.now(UTC)
        async with state.db.scoped(scope_for(node), write=True):
            await Appointment.insert(Appointment(
                tenant_id=node.id, building_id=building.id,
                resident_id=residents[households[building.id][1].id].id, account_id=head.id,
                role="head", serving_head=building.id, term_start=today - timedelta(days=365),
                term_end=today + timedelta(days=700), created_at=now))
            await Notification.insert(*[
                Notification(tenant_id=node.id, account_id=admin.id, kind="bench.notice",
                             title=f"通知 {k}", body="请于本周六上午到社区服务中心领取防汛物资。",
                             created_at=now - timedelta(minutes=k))
                for k in range(20)])
        out.append(BenchTenant(
            id=node.id, code=node.code, admin_id=admin.id, worker_id=worker.id,
            head_id=head.id, building=gid("Building", building.id),
            households=[gid("Household", h.id) for h in households[building.id]]))
        if (i + 1) % 25 == 0:
            print(f"  seeded {i + 1}/{n} tenants", flush=True)
    return out


def issue_tokens(tenants: list[BenchTenant], secret: str) -> None:
    """Fresh 15-minute access tokens (seeding many tenants can outlast the factory's)."""
    from core.identity.tokens import issue_access_token

    for t in tenants:
        t.tokens = {role: issue_access_token(account, secret, 900)[0]
                    for role, account in (("admin", t.admin_id), ("worker", t.worker_id),
                                          ("head", t.head_id))}


def _body(op: tuple[Any, ...], t: BenchTenant, marker: str) -> dict[str, Any]:
    _, _, _, doc, operation, kind = op
    variables: dict[str, Any] = {}
    if kind == "coverage":
        variables = {"level": "TENANT"}
    elif kind == "visit":
        variables = {"input": {"householdId": t.households[0], "notes": marker}}
    elif kind == "matter":
        variables = {"input": {"buildingId": t.building, "title": marker}}
    return {"query": doc, "operationName": operation, "variables": variables}


async def check_mixed(base: str, tenants: list[BenchTenant], prefix: str) -> list[dict[str, Any]]:
    """Every operation of the mix once for the first tenant, answer checked: no ``errors``, the
    writes return an id (so a fast error never passes for throughput). The two writes are
    acknowledged writes like any other: returned for verification."""
    t = tenants[0]
    acked: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        for op in MIX:
            marker = f"{prefix}-check-{op[0]}"
            r = await http.post("/graphql", json=_body(op, t, marker), headers={
                "Authorization": f"Bearer {t.tokens[op[2]]}", "X-Linli-Node": t.code})
            out = r.json()
            if r.status_code != 200 or out.get("errors"):
                raise RuntimeError(f"mixed {op[0]}: {r.status_code} {json.dumps(out)[:600]}")
            data = out["data"]
            if op[0] == "residents" and len(data["residents"]["edges"]) != 8:
                raise RuntimeError(f"mixed residents: {json.dumps(data)[:300]}")
            if op[0] == "residents" and "*" not in data["residents"]["edges"][0]["node"][
                    "idNumber"]:
                raise RuntimeError("mixed residents: the grid worker's idNumber is not masked")
            if op[0] == "plugins" and "building_heads" not in data["tenant"]["enabledPlugins"]:
                raise RuntimeError(f"mixed plugins: {json.dumps(data)}")
            if op[0] in ("logVisit", "raiseMatter"):
                res = data["buildingHeadLogVisit" if op[0] == "logVisit"
                           else "buildingHeadRaiseMatter"]
                node = res.get("visit") or res.get("matter")
                if not node or not node.get("id"):
                    raise RuntimeError(f"mixed {op[0]}: {json.dumps(res)}")
                acked.append({"kind": op[0], "tenant": 0, "marker": marker, "id": node["id"]})
    return acked


def run_driver(folder: Path, url: str, tenants: list[BenchTenant], seconds: int,
               connections: int, prefix: str) -> dict[str, Any]:
    (folder / "mixed.js").write_text(MIXED_JS)
    with tempfile.TemporaryDirectory(prefix="linli-mixed-") as tmp:
        cfg = Path(tmp) / "cfg.json"
        out = Path(tmp) / "out.json"
        cfg.write_text(json.dumps({
            "url": url, "connections": connections, "seconds": seconds, "prefix": prefix,
            "out": str(out),
            "ops": [{"name": n, "weight": w, "token": tok, "query": doc, "operationName": op,
                     "vars": kind} for n, w, tok, doc, op, kind in MIX],
            "tenants": [{"code": t.code, "building": t.building, "households": t.households,
                         **t.tokens} for t in tenants]}))
        subprocess.run(["node", str(folder / "mixed.js"), str(cfg)], cwd=folder, check=True)
        result: dict[str, Any] = json.loads(out.read_text())
    return result


async def verify_writes(superuser_url: str, tenants: list[BenchTenant], prefix: str,
                        acked: list[dict[str, Any]]) -> dict[str, int]:
    """Every acknowledged write present exactly once, with its id, in its own tenant (and no
    other); returns the counts printed by the caller. Raises on a miss."""
    import asyncpg

    conn = await asyncpg.connect(superuser_url)
    try:
        visits = await conn.fetch("SELECT id, tenant_id, notes AS marker FROM "
                                  "building_heads_visit WHERE notes LIKE $1", prefix + "-%")
        matters = await conn.fetch("SELECT id, tenant_id, title AS marker FROM "
                                   "building_heads_matter WHERE title LIKE $1", prefix + "-%")
    finally:
        await conn.close()
    rows: dict[str, list[tuple[int, int]]] = {}
    for r in [*visits, *matters]:
        rows.setdefault(r["marker"], []).append((int(r["id"]), int(r["tenant_id"])))
    problems: list[str] = []
    present = 0
    for a in acked:
        found = rows.get(a["marker"], [])
        type_name, pk = pk_of(a["id"])
        expected = (pk, tenants[a["tenant"]].id)
        if found == [expected]:
            present += 1
        else:
            problems.append(f"{a['kind']} {a['marker']} id {a['id']} ({type_name} {pk}): "
                            f"rows {found}, expected [{expected}]")
    acked_markers = {a["marker"] for a in acked}
    counts = {"acked": len(acked), "acked_visits": sum(a["kind"] == "logVisit" for a in acked),
              "acked_matters": sum(a["kind"] == "raiseMatter" for a in acked),
              "present_once_in_own_tenant": present, "problems": len(problems),
              "rows_visits": len(visits), "rows_matters": len(matters),
              "rows_not_acknowledged": sum(m not in acked_markers for m in rows),
              "duplicated_markers": sum(len(v) > 1 for v in rows.values())}
    for p in problems[:10]:
        print("  MISSING/MISPLACED:", p)
    return counts


async def run_mixed(args: Any, pg: Any, env: dict[str, str], settings: Any,
                    tenants: list[BenchTenant], npm_dir: Path,
                    sample_pool: Any, label: str = "linli",
                    serve_cmd: list[str] | None = None, cwd: Path | None = None
                    ) -> dict[str, Any]:
    """One ``linli serve``; a check of every operation, an uncounted warm-up, then the mixed
    load for ``args.mixed_seconds``; the writes verified afterwards. Returns the figures."""
    from core.testing.pg import _with

    issue_tokens(tenants, settings.secret_key)
    prefix = f"mx{random.randrange(16**6):06x}"
    superuser_url = _with(pg.admin_url, database=pg.name)
    server = LinliProcess(pg.app_url, env, serve_cmd=serve_cmd, cwd=cwd)
    await server.start()
    try:
        base = f"http://127.0.0.1:{server.port}"
        acked = await check_mixed(base, tenants, prefix)
        await asyncio.to_thread(run_driver, npm_dir, base, tenants, 3, args.connections,
                                prefix + "w")  # warm-up, not counted (its writes not checked)
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_pool(pg.admin_url, pg.name, stop))
        load1 = os.getloadavg()[0]
        cpu0 = server.cpu_seconds()
        tx0 = await transactions(superuser_url)
        res = await asyncio.to_thread(run_driver, npm_dir, base, tenants, args.mixed_seconds,
                                      args.connections, prefix)
        res["server_cpu_s"] = server.cpu_seconds() - cpu0
        stop.set()
        res.update(await sampler)
        res["rss_mb"] = server.rss_kb() / 1024
    finally:
        server.stop()  # its backends exit and flush their statistics
    res["load"] = (load1, os.getloadavg()[0])
    await asyncio.sleep(0.5)
    res["tx_per_request"] = (await transactions(superuser_url) - tx0) / max(res["total"], 1)
    counts = await verify_writes(superuser_url, tenants, prefix, acked + res["acked"])
    res["verify"] = counts
    res["label"] = label
    return res


async def transactions(superuser_url: str) -> int:
    """Transactions committed or rolled back in the benchmark's database so far (what the
    server's backends have reported: stopping the server flushes the rest)."""
    import asyncpg

    conn = await asyncpg.connect(superuser_url)
    try:
        return int(await conn.fetchval(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = "
            "current_database()"))
    finally:
        await conn.close()


def print_mixed(res: dict[str, Any], tenants: int, connections: int, seconds: int) -> None:
    ops = res["ops"]
    gql = sum(o["gqlErrors"] for o in ops.values())
    user = sum(o["userErrors"] for o in ops.values())
    bad = sum(o["unparsable"] for o in ops.values())
    print(f"\nmixed load [{res['label']}]: {tenants} tenants, one linli serve, {connections} "
          f"connections, {seconds} s; load average {res['load'][0]:.2f} → {res['load'][1]:.2f}")
    print("| operation | share | requests | p50 ms | p99 ms | non-2xx | GraphQL errors "
          "| typed errors |")
    print("|---|---|---|---|---|---|---|---|")
    total_n = sum(o["n"] for o in ops.values()) or 1
    for name, o in ops.items():
        print(f"| {name} | {o['n'] / total_n:.0%} | {o['n']} | {o['p50'] or 0:.1f} | "
              f"{o['p99'] or 0:.1f} | {o['non2xx']} | {o['gqlErrors']} | {o['userErrors']} |")
    v = res["verify"]
    print(f"overall: {res['rps']:.1f} rps ({res['total']} requests), p50 {res['p50']} ms, "
          f"p99 {res['p99']} ms; errors: non-2xx {res['non2xx']}, GraphQL errors {gql}, typed "
          f"errors {user}, unparsable {bad}, socket errors {res['socketErrors']}, timeouts "
          f"{res['timeouts']}")
    cpu = res["server_cpu_s"]
    print(f"server CPU: {cpu:.1f} s over {seconds} s = {cpu / seconds:.0%} of a core, "
          f"{cpu * 1000 / max(res['total'], 1):.1f} ms per request → "
          f"{res['total'] / cpu if cpu else 0:.0f} requests per CPU-second (the rps one "
          f"uncontended core would give; the machine is shared)")
    print(f"vs main's {BASELINE_RPS:.0f} rps (p99 {BASELINE_P99_MS:.0f} ms), issue 10: "
          f"{res['rps'] / BASELINE_RPS:.2f}× (target ≥ 3×)")
    print(f"database: {res['tx_per_request']:.1f} transactions per request (from "
          f"pg_stat_database; in-process jobs and event delivery included)")
    print(f"pool: idle-in-transaction max {res['idle_tx_max']:.0f} (mean "
          f"{res['idle_tx_mean']:.1f}), busy max {res['busy_max']:.0f}; server RSS after "
          f"{res['rss_mb']:.0f} MB")
    print(f"writes: {v['acked']} acknowledged ({v['acked_visits']} visits, "
          f"{v['acked_matters']} matters), {v['present_once_in_own_tenant']} present exactly "
          f"once in their own tenant, {v['problems']} missing or misplaced; rows with a marker: "
          f"{v['rows_visits']} visits, {v['rows_matters']} matters, "
          f"{v['rows_not_acknowledged']} not acknowledged, {v['duplicated_markers']} "
          f"duplicated")
    for s in res.get("samples", [])[:3]:
        print("  sample error:", json.dumps(s, ensure_ascii=False)[:400])


# -- one linli serve ---------------------------------------------------------------------------

class LinliProcess:
    """``linli serve`` on a free port (``serve_cmd``/``cwd``: another checkout's)."""

    def __init__(self, db_url: str, env: dict[str, str], *, serve_cmd: list[str] | None = None,
                 cwd: Path | None = None) -> None:
        self.db_url, self.env = db_url, env
        self.serve_cmd, self.cwd = serve_cmd, cwd
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.log: Any = None

    async def start(self) -> None:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self._spawn()
        assert self.proc is not None
        async with httpx.AsyncClient() as http:
            for _ in range(600):
                try:
                    await http.get(f"http://127.0.0.1:{self.port}/health/ready", timeout=2)
                    return
                except httpx.HTTPError:
                    if self.proc.poll() is not None:
                        break
                    await asyncio.sleep(0.1)
        self.stop()
        self.log.seek(0)
        raise RuntimeError(f"linli serve did not come up\n{self.log.read().decode()[-2000:]}")

    def _spawn(self) -> None:
        env = {**os.environ, **self.env, "LINLI_DATABASE_URL": self.db_url,
               "LINLI_PORT": str(self.port), "LINLI_HOST": "127.0.0.1"}
        cmd = self.serve_cmd or [shutil.which("linli", path=str(Path(sys.executable).parent))
                                 or "linli", "serve"]
        # the server logs every request: into a file, never a pipe nobody drains
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.proc = subprocess.Popen(cmd, env=env, cwd=self.cwd, stdout=subprocess.DEVNULL,
                                     stderr=self.log)

    def rss_kb(self) -> int:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


# -- cold start --------------------------------------------------------------------------------

COLD_PY = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from core.app import create_app
from core.registry import get_registry
t1 = time.perf_counter()
registry = get_registry()  # the linli.plugins entry points, as linli serve loads them
t2 = time.perf_counter()
app = create_app()  # build_state: tables, role book, build_schema with every plugin
t3 = time.perf_counter()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"import": t1 - t0, "registry": t2 - t1, "app": t3 - t2, "total": t3 - t0,
                  "cpu": ru.ru_utime + ru.ru_stime, "plugins": len(registry.names),
                  "types": len(app.state.linli.schema._schema.type_map)}))
"""


def cold_start(n: int, env: dict[str, str]) -> dict[str, list[float]]:
    """``n`` fresh processes (after one uncounted that writes the bytecode caches)."""
    with tempfile.TemporaryDirectory(prefix="linli-cold-") as tmp:
        child = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        child.update(env)
        child.update({"LINLI_VAR_DIR": tmp, "LINLI_DATABASE_URL": f"sqlite:///{tmp}/x.sqlite3"})
        script = Path(tmp) / "cold.py"
        script.write_text(COLD_PY)
        runs: dict[str, list[float]] = {}
        for i in range(n + 1):
            t = time.perf_counter()
            out = subprocess.run([sys.executable, str(script)], env=child, capture_output=True,
                                 text=True, check=True, cwd=tmp)
            wall = time.perf_counter() - t
            if i == 0:
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            r["process"] = wall
            for k, v in r.items():
                runs.setdefault(k, []).append(float(v))
    return runs


def print_cold(runs: dict[str, list[float]]) -> None:
    print(f"\ncold start: {len(runs['total'])} fresh processes, import + registry + create_app "
          f"({runs['plugins'][0]:.0f} plugins, {runs['types'][0]:.0f} GraphQL types); load "
          f"average {os.getloadavg()[0]:.2f}")
    print("| stage | min s | median s | max s |")
    print("|---|---|---|---|")
    for key, label in (("import", "import core.app"), ("registry", "entry-point registry"),
                       ("app", "create_app (build_state + schema)"),
                       ("total", "import + schema build"), ("cpu", "CPU time of the process"),
                       ("process", "whole process (interpreter start to exit)")):
        xs = runs[key]
        print(f"| {label} | {min(xs):.2f} | {statistics.median(xs):.2f} | {max(xs):.2f} |")
    med = statistics.median(runs["total"])
    print(f"median import + schema build {med:.2f} s (target ≤ 2 s: "
          f"{'met' if med <= 2 else 'MISSED'})")


# -- RSS per warmed tenant ---------------------------------------------------------------------

WARM_OPS = [("admin", ME_Q), ("admin", PLUGINS_Q), ("worker", RESIDENTS_Q),
            ("admin", NOTIFICATIONS_Q), ("admin", COVERAGE_DOC), ("head", ME_Q)]


async def warm(base: str, tenants: list[BenchTenant], rounds: int = 2,
               concurrency: int = 4) -> None:
    async def one(http: httpx.AsyncClient, t: BenchTenant) -> None:
        for _ in range(rounds):
            for role, doc in WARM_OPS:
                body: dict[str, Any] = {"query": doc}
                if doc is COVERAGE_DOC:
                    body.update(operationName="BuildingHeadCoverage",
                                variables={"level": "TENANT"})
                r = await http.post("/graphql", json=body, headers={
                    "Authorization": f"Bearer {t.tokens[role]}", "X-Linli-Node": t.code})
                if r.status_code != 200 or r.json().get("errors"):
                    raise RuntimeError(f"warm {t.code}: {r.status_code} {r.text[:400]}")

    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        async def guarded(t: BenchTenant) -> None:
            async with sem:
                await one(http, t)
        await asyncio.gather(*(guarded(t) for t in tenants))


async def rss_growth(pg: Any, env: dict[str, str], settings: Any, tenants: list[BenchTenant],
                     steps: list[int], baseline: int = 10) -> list[tuple[int, float, float]]:
    """Warm ``baseline`` tenants (twice: the caches every tenant shares), read RSS, then warm
    ``steps[i]`` tenants more at a time and read it again; (tenants warmed, RSS MB, growth per
    tenant MB since the baseline)."""
    issue_tokens(tenants, settings.secret_key)
    server = LinliProcess(pg.app_url, env)
    await server.start()
    out: list[tuple[int, float, float]] = []
    try:
        base = f"http://127.0.0.1:{server.port}"
        await warm(base, tenants[:baseline], rounds=3)
        await warm(base, tenants[:baseline], rounds=1)
        await asyncio.sleep(1)
        before = server.rss_kb() / 1024
        out.append((0, before, 0.0))
        done = baseline
        for step in steps:
            await warm(base, tenants[done:done + step])
            done += step
            await asyncio.sleep(1)
            rss = server.rss_kb() / 1024
            out.append((done - baseline, rss, (rss - before) / (done - baseline)))
    finally:
        server.stop()
    return out


def print_rss(rows: list[tuple[int, float, float]]) -> None:
    print(f"\nRSS of one linli serve per warmed tenant (each tenant: {len(WARM_OPS)} requests × "
          f"2: identity, enabled plugins, masked residents, notifications, coverage); load "
          f"average {os.getloadavg()[0]:.2f}")
    print("| tenants warmed | RSS MB | growth per tenant MB |")
    print("|---|---|---|")
    for n, rss, per in rows:
        print(f"| {n} | {rss:.1f} | {per:.3f} |" if n else f"| 0 (baseline) | {rss:.1f} | — |")
    worst = max((per for n, _, per in rows if n), default=0.0)
    print(f"growth per warmed tenant {worst:.3f} MB (target < 0.15 MB: "
          f"{'met' if worst < 0.15 else 'MISSED'})")


# -- an older checkout -------------------------------------------------------------------------

@contextlib.contextmanager
def older_checkout(ref: str) -> Iterator[tuple[list[str], Path]]:
    """A detached ``git worktree`` of ``ref`` in a scratch folder, served by this interpreter
    with the worktree first on ``sys.path`` (its modules shadow this checkout's; the plugins'
    entry points name modules, so they resolve there too). The database is this checkout's:
    an older commit whose tables or API differ fails in the checks before any load."""
    root = Path(__file__).resolve().parents[2]
    folder = Path(tempfile.mkdtemp(prefix="linli-against-"))
    subprocess.run(["git", "-C", str(root), "worktree", "add", "--detach", str(folder / "wt"),
                    ref], check=True, capture_output=True)
    try:
        code = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
                "from core.cli import main; sys.argv[0] = 'linli'; main()")
        yield [sys.executable, "-c", code, str(folder / "wt"), "serve"], folder / "wt"
    finally:
        subprocess.run(["git", "-C", str(root), "worktree", "remove", "--force",
                        str(folder / "wt")], check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
