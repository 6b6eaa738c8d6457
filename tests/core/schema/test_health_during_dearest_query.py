"""``/health/live`` keeps answering while the dearest query an account may run is running cold
(issue 9 item 1): the new document is parsed, validated and costed on a worker thread, long
lists are completed in slices with yields to the event loop, and a document that would merge
too many copies of one field is refused before graphql-core compares them pairwise.

The time bound here is generous (a loaded CI machine); the numbers are in
``tests/benchmarks/bench_health_under_load.py``."""

from __future__ import annotations

import asyncio
import secrets
import threading
import time

from core.people.residents import apply_resident, make_resident_data
from core.people.validation import id_check_digit
from core.schema import documents
from core.schema.budget import operation_cost
from core.schema.execution import yields
from graphql import parse

PAGE = "residents(first:{n}){{edges{{node{{name household{{room members{{name}}}}}}}}}}"
GENEROUS = 1.0  # seconds; on an idle machine the worst probe is tens of milliseconds


def fictitious_id(n: int) -> str:
    body = f"371502195003{1 + n % 28:02d}{n % 1000:03d}"
    return body + id_check_digit(body)


async def _seed(linli_env, tenant, households: int = 50) -> None:
    from core.people import places
    from tenants.service import scope_for

    async with linli_env.state.db.scoped(scope_for(tenant), write=True):
        community = await places.new_community("御苑社区")
        building, _ = await places.ensure_building(community, "1号楼")
        for h in range(households):
            household, _ = await places.ensure_household(building, f"{h + 1:02d}01")
            for m in range(2):
                await apply_resident(make_resident_data(
                    name=f"居民{h}-{m}", id_number=fictitious_id(h * 2 + m + 11),
                    phone=None, household=household, relation="户主" if m == 0 else "配偶"),
                    linli_env.settings.pii_key)


async def test_health_answers_while_the_dearest_query_runs_cold(linli_env, http, factory,
                                                                monkeypatch):
    tenant = await factory.tenant()
    await _seed(linli_env, tenant)
    admin = await factory.account(tenant)
    schema = linli_env.state.schema._schema
    cap = linli_env.settings.query_cost_account
    tag = "c" + secrets.token_hex(3)  # a text no cache has seen

    def doc(first: int) -> str:
        return "{" + " ".join(f"{tag}{i}: {PAGE.format(n=first)}" for i in range(30)) + "}"

    first = 100  # the outside test's 30 aliases, with the largest page the cap allows
    while operation_cost(schema, parse(doc(first))) > cap:
        first -= 1
    query = doc(first)
    assert first > 20 and cap - operation_cost(schema, parse(query)) < 1000

    parsed_on: list[str] = []
    real_parse = documents.parse

    def recording_parse(*args, **kwargs):
        parsed_on.append(threading.current_thread().name)
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(documents, "parse", recording_parse)
    latencies: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        due = time.perf_counter()
        while not done.is_set():
            resp = await http.get("/health/live")
            assert resp.status_code == 200
            latencies.append(time.perf_counter() - due)
            due = time.perf_counter() + 0.01
            await asyncio.sleep(0.01)

    before = yields()
    task = asyncio.create_task(probe())
    await asyncio.sleep(0)
    resp = await http.post("/graphql", json={"query": query}, headers={
        "Authorization": f"Bearer {admin.token}", "X-Linli-Node": tenant.code})
    done.set()
    await task
    body = resp.json()
    assert body.get("errors") is None
    assert [len(body["data"][f"{tag}{i}"]["edges"]) for i in range(30)] == [first] * 30
    assert parsed_on and all(name.startswith("linli-prepare") for name in parsed_on)
    assert yields() - before >= 30  # every page of `first` > 20 residents yielded at least once
    assert latencies and max(latencies) < GENEROUS, latencies


async def test_too_many_merged_copies_of_a_field_are_refused_before_validation(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    field = "residents(first:1){edges{node{name household{room}}}}"
    many = "{" + " ".join([field] * (documents.MAX_SAME_FIELD + 1)) + "}"
    enough = "{" + " ".join([field] * documents.MAX_SAME_FIELD) + "}"
    refused = await gql(many, token=admin.token, node=tenant.code)
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "too complex" in refused["errors"][0]["message"]
    ok = await gql(enough, token=admin.token, node=tenant.code)
    assert ok.get("errors") is None


async def test_fragments_count_towards_merged_copies():
    field = "residents(first:1){edges{node{name}}}"
    fragments = " ".join(f"fragment F{i} on Query {{ {field} }}" for i in range(11))
    spread = "{" + " ".join(f"...F{i}" for i in range(11)) + "} " + fragments
    assert documents.merge_check(parse(spread))
    inline = "{" + " ".join(f"... on Query {{ {field} }}" for i in range(11)) + "}"
    assert documents.merge_check(parse(inline))
    repeated = "{ ...F0 ...F0 ...F0 } " + fragments  # one fragment spread thrice is one copy
    assert documents.merge_check(parse(repeated)) == []
    nested = "{ a: residents(first:1) { edges { node { " + " ".join(["name"] * 11) + " } } } }"
    assert documents.merge_check(parse(nested))
    cycle = "{ ...A } fragment A on Query { ...A }"
    assert documents.merge_check(parse(cycle)) == []  # left to NoFragmentCycles
