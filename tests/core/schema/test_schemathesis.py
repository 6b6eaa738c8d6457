"""Fuzzing as a habit (issue 9, item 8): schemathesis generates queries and mutations from the
schema (by introspection) and sends them to a real ``linli serve`` as an authenticated tenant
administrator, with a fixed seed; any 5xx, or any ``INTERNAL`` error in a response, fails.

The short run here is part of the normal suite (and so of ``.ci/run``): a few examples per
operation, about a minute. The longer run is the same test with more examples and another
seed (see ``deploy/README.md``, "Fuzzing")::

    LINLI_FUZZ_EXAMPLES=100 LINLI_FUZZ_SEED=7 pytest tests/core/schema/test_schemathesis.py -s
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase

from core.testing.live import live_server

EXAMPLES = int(os.environ.get("LINLI_FUZZ_EXAMPLES", "3"))
SEED = int(os.environ.get("LINLI_FUZZ_SEED", "20261128"))


def _internal(body: Any) -> list[str]:
    """Messages of errors whose code is INTERNAL (top-level errors and UserError payloads)."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            code = value.get("code") or (value.get("extensions") or {}).get("code")
            if code == "INTERNAL":
                found.append(str(value.get("message") or value.get("messageEn") or value))
                return
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body)
    return found


def _fuzzer(operation: Any, session: requests.Session, url: str, counts: Counter[str],
            failures: list[str]) -> Any:
    label = operation.label

    @hypothesis.seed(SEED)
    @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None,
                         phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @hypothesis.given(case=operation.as_strategy())
    def fuzz(case: Any) -> None:
        payload = case.body if isinstance(case.body, dict) else {"query": case.body}
        response = session.post(url, json=payload, timeout=60)
        counts["cases"] += 1
        counts[f"http_{response.status_code // 100}xx"] += 1
        if response.status_code >= 500:
            failures.append(f"{label}: HTTP {response.status_code} for {case.body!r:.300}")
            return
        try:
            body = response.json()
        except ValueError:
            return
        counts["with_errors" if isinstance(body, dict) and body.get("errors") else "data"] += 1
        for message in _internal(body):
            failures.append(f"{label}: INTERNAL {message!r} for {case.body!r:.300}")

    return fuzz


async def test_schemathesis_finds_no_server_error(linli_env: Any, factory: Any,
                                                  record_property: Any) -> None:
    tenant = await factory.tenant()
    community = await factory.community(tenant)
    building = await factory.building(community)
    await factory.resident(await factory.household(building), "模糊测试居民")
    admin = await factory.account(tenant)
    headers = {"Authorization": f"Bearer {admin.token}", "X-Linli-Node": tenant.code}
    counts: Counter[str] = Counter()
    failures: list[str] = []
    with live_server(linli_env.settings) as base:
        schema = schemathesis.graphql.from_url(f"{base}/graphql", headers=headers, timeout=30)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) > 100, "the schema should offer every query and mutation"
        session = requests.Session()
        session.headers.update(headers)
        for operation in operations:
            if operation.label.startswith("Subscription"):
                continue  # over WebSocket, not this endpoint
            _fuzzer(operation, session, f"{base}/graphql", counts, failures)()
    record_property("schemathesis", dict(counts))
    print(f"schemathesis (seed {SEED}, {EXAMPLES} examples per operation): "
          f"{len(operations)} operations, {dict(counts)}, {len(failures)} server errors")
    assert counts["cases"] >= len(operations), counts
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("body, found", [
    ({"data": None, "errors": [{"message": "x", "extensions": {"code": "INTERNAL"}}]}, 1),
    ({"data": {"a": {"__typename": "UserError", "code": "INTERNAL", "messageEn": "boom"}}}, 1),
    ({"data": {"a": {"code": "NOT_FOUND"}}, "errors": [{"extensions": {"code": "FORBIDDEN"}}]},
     0),
])
def test_internal_errors_are_spotted(body: Any, found: int) -> None:
    assert len(_internal(body)) == found
