"""Issue 10, item 4 — proof the fast execution path changes nothing a client sees: requests go
through an app whose schema runs graphql-core's stock path and through one running
``FastExecutionContext`` on the same data, and the response bodies must be the same bytes
(``core/testing/fast_path.py``). Here: core's example operations (graphql/operations/core/)
and a generated, seeded corpus of queries over the schema; each plugin's examples are proved
in ``tests/plugins/<name>/test_fast_path_identical.py``."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from core.plugin import encode_global_id
from core.testing.fast_path import DualSession, QueryCorpus, prove
from tests.core.people.test_operations_file import DOCUMENT
from tests.core.people.test_operations_file import (
    test_the_core_example_operations_run as core_walk,
)


async def test_core_example_operations_answer_alike_on_both_paths(linli_env, factory):
    await prove(linli_env, "core", 5, lambda dual: core_walk(dual.gql, factory, dual.http))


SEED = 20261128
GENERATED = 100
"""Generated queries; each is sent by an administrator and by a grid worker (masked)."""

ERRORS = [
    ('query BadId { node(id: "garbage") { id } }', {}),
    ("query Missing($id: ID!) { node(id: $id) { id ... on Resident { name } } }", "missing"),
    ("query WrongType($id: ID!) { node(id: $id) { id __typename } }", "foreign"),
    ("query TooMany { residents(first: 500) { edges { node { id } } } }", {}),
    ("query NoSuchField { residents(first: 2) { edges { node { id nope } } } }", {}),
    ("query Broken { residents(first: 2) { edges { node { id } }", {}),
    ("query BadVar($n: Int!) { residents(first: $n) { edges { node { id } } } }", {"n": "x"}),
    ("query Unset($n: Int!) { residents(first: $n) { edges { node { id } } } }", {}),
    ('query Intro { __type(name: "Resident") { name kind fields { name } } __typename }', {}),
    (("query Masked($s: Boolean!, $i: Boolean!) { residents(first: 5) { edges { cursor "
      "node { id name idNumber @skip(if: $s) phone @include(if: $i) gender tags "
      "household { room building { name grid { name } } } } } pageInfo { hasNextPage "
      "endCursor } } }"), {"s": False, "i": True}),
]
"""Hand-picked: typed and GraphQL errors (a bad id, a missing row, a node of another type,
``first`` out of range, validation and syntax errors, bad and missing variables), an
introspection query, and personal fields with directives."""


async def _places(factory):
    tenant = await factory.tenant()
    residents, ids = [], []
    for c in range(2):
        community = await factory.community(tenant)
        grid = await factory.grid(community)
        ids += [encode_global_id("Community", community.id), encode_global_id("Grid", grid.id)]
        for b in range(2):
            building = await factory.building(community, grid=grid)
            ids.append(encode_global_id("Building", building.id))
            for h in range(2):
                household = await factory.household(building)
                ids.append(encode_global_id("Household", household.id))
                for r in range(2):
                    resident = await factory.resident(
                        household, f"居民{c}{b}{h}{r}", male=bool(r), tags=["独居"] if r else [],
                        birth=date(1940 + 7 * h + r, 1 + b, 1 + c),
                        phone=f"1380013{c}{b}{h}{r}" if h else None)
                    residents.append(resident)
                    ids.append(encode_global_id("Resident", resident.id))
    return tenant, grid, residents, ids


async def test_generated_queries_answer_alike_on_both_paths(linli_env, factory, enable_plugin):
    tenant, grid, residents, ids = await _places(factory)
    for name in sorted(linli_env.state.registry.names):
        await enable_plugin(tenant, name)
    admin = await factory.account(tenant)
    worker = await factory.account(tenant, "grid_worker", place_kind="grid", place_id=grid.id)
    ids += [encode_global_id("Account", admin.id), encode_global_id("Account", worker.id)]
    corpus = QueryCorpus(linli_env.state.schema._schema, SEED, ids)
    missing = encode_global_id("Resident", 10**9)
    foreign = encode_global_id("Tenant", tenant.id)
    answered = Counter()
    async with DualSession(linli_env) as dual:
        async def send(query, variables, who, name=None):
            body = {"query": query, "variables": variables}
            if name:
                body["operationName"] = name
            resp = await dual.http.post("/graphql", json=body, headers={
                **({"Authorization": f"Bearer {who.token}"} if who else {}),
                "X-Linli-Node": tenant.code})
            out = resp.json()
            has_data = any(v is not None for v in (out.get("data") or {}).values())
            answered[("data" if has_data else "no data") + (" + errors" if out.get("errors")
                                                            else "")] += 1
            return out

        for query, variables in corpus.queries(GENERATED):
            for who in (admin, worker):
                await send(query, variables, who)
        for query, variables in ERRORS:
            values = {"missing": {"id": missing}, "foreign": {"id": foreign}}[variables] \
                if isinstance(variables, str) else variables
            for who in (admin, worker, None):
                await send(query, values, who)
        # masked, revealed (the reveal itself, audited), and the list after it
        resident = encode_global_id("Resident", residents[0].id)
        for who in (worker, admin):
            await send(DOCUMENT, {"first": 5}, who, "Residents")
        revealed = await send(DOCUMENT, {"residentId": resident, "reason": "核实"}, admin,
                              "RevealResident")
        assert "*" not in revealed["data"]["revealResident"]["idNumber"], revealed
        for who in (worker, admin):
            await send(DOCUMENT, {"first": 5}, who, "Residents")
    print(dual.report(f"generated corpus (seed {SEED}): {dict(answered)}"))
    dual.proof.check()
    assert dual.proof.fast_fields > 0, "the fast side never took the fast path"
    generated = sum(n for name, n in dual.proof.pairs.items() if re.fullmatch(r"Q\d+", name))
    assert generated == 2 * GENERATED, dual.proof.pairs
    assert sum(dual.proof.kinds.values()) == 2 * GENERATED + 3 * len(ERRORS) + 5
    # not a corpus of refusals: about half answer data without an error (the grid worker is
    # refused much of what the administrator reads)
    assert answered["data"] >= 0.4 * 2 * GENERATED, answered


class _NoSnapshots:
    async def take(self):
        return None

    async def restore(self, snap):
        return None


def _app(body: bytes):
    async def app(scope, receive, send):
        await receive()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    return app


async def test_the_proof_sees_a_difference():
    """The machinery itself: one byte apart is a difference (with both bodies kept); a
    timestamp read from the clock during each request, a signed token differing only in its
    clock claims, and a value of ``now + 2 days`` on each side are not."""
    import base64
    import json
    import time
    from datetime import UTC, datetime, timedelta

    import httpx

    from core.testing.fast_path import DualTransport, Proof, clock_normalised

    proof = Proof()
    transport = DualTransport(_app(b'{"data":{"a":1}}'), _app(b'{"data":{"a":2}}'),
                              _NoSnapshots(), proof)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        resp = await client.post("/graphql", json={"query": "query Q { a }"})
    assert resp.content == b'{"data":{"a":2}}'  # the caller gets the fast path's answer
    assert len(proof.differences) == 1 and proof.differences[0].operation == "Q"
    assert proof.differences[0].stock[1] == b'{"data":{"a":1}}'

    now = time.time()
    window_a, window_b = (now, now + 0.05), (now + 0.3, now + 0.35)

    def at(seconds, later=timedelta(0)):
        return (datetime.fromtimestamp(seconds, UTC) + later).isoformat().encode()

    def jwt(iat):
        claims = {"sub": "1", "iat": int(iat), "iat_us": int(iat * 1e6), "exp": int(iat) + 900}
        payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
        return b"eyJhbGciOiJIUzI1NiJ9." + payload + b".sig" + str(iat).encode()[-4:]

    def body(*values):
        return b'{"data":[' + b",".join(b'"' + v + b'"' for v in values) + b"]}"

    same = clock_normalised(body(at(now + 0.01), at(now + 0.02, timedelta(days=2)),
                                 jwt(now + 0.01)),
                            body(at(now + 0.31), at(now + 0.32, timedelta(days=2)),
                                 jwt(now + 0.31)), window_a, window_b)
    assert same is not None and same[0] == same[1] and same[2] == 3
    # a timestamp that moved by another amount than the requests did is a difference
    assert clock_normalised(body(at(now + 0.01)), body(at(now + 5)), window_a,
                            window_b) is None
    # so is one from before either request (a stored value)
    assert clock_normalised(body(at(now - 60)), body(at(now - 59)), window_a, window_b) is None


def test_the_stock_path_switch(monkeypatch):
    """``LINLI_FAST_PATH=0`` (read by ``build_state``) runs the whole suite on the stock
    path; unset, the fast path is the default."""
    from core.app import fast_path_enabled

    monkeypatch.delenv("LINLI_FAST_PATH", raising=False)
    assert fast_path_enabled()
    for off in ("0", "false", "no", " NO "):
        monkeypatch.setenv("LINLI_FAST_PATH", off)
        assert not fast_path_enabled()
    monkeypatch.setenv("LINLI_FAST_PATH", "1")
    assert fast_path_enabled()
