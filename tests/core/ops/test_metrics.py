"""``/metrics``: requests, latency, GraphQL operations, jobs and outbox, per app registry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from core.metrics import Metrics
from core.state import Services


def _value(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if not line.startswith(name + "{") and line.split(" ")[0] != name:
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_metrics_count_requests_and_operations(http, gql, factory):
    node = await factory.tenant()
    admin = await factory.account(node)
    before = (await http.get("/metrics")).text
    for _ in range(3):
        assert (await http.get("/health/live")).status_code == 200
    await gql("query WhoAmI { me { name } }", token=admin.token, node=node.code)
    await gql("query WhoAmI { me { name } }")  # unauthenticated: an error result
    await gql("{ tenant { code } }", token=admin.token, node=node.code)
    resp = await http.get("/metrics")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    text = resp.text

    def delta(name: str, **labels: str) -> float:
        return _value(text, name, **labels) - _value(before, name, **labels)

    assert delta("linli_http_requests_total", method="GET", route="/health/live",
                 status="200") == 3
    assert delta("linli_http_requests_total", method="POST", route="/graphql", status="200") == 3
    assert delta("linli_http_request_duration_seconds_count", method="GET",
                 route="/health/live") == 3
    assert delta("linli_graphql_operations_total", operation="WhoAmI", type="query",
                 result="ok") == 1
    assert delta("linli_graphql_operations_total", operation="WhoAmI", type="query",
                 result="error") == 1
    assert delta("linli_graphql_operations_total", operation="anonymous", type="query",
                 result="ok") == 1
    assert re.search(r"^linli_http_request_duration_seconds_bucket\{", text, re.MULTILINE)


async def test_unknown_paths_make_no_labels(http):
    # Litestar answers unknown paths before middleware runs; they must never become labels
    await http.get("/no/such/page/12345")
    text = (await http.get("/metrics")).text
    assert "/no/such/page" not in text


@dataclass
class _Stats:
    pending: int
    oldest_pending_seconds: float
    parked: int


class _Events:
    async def stats(self) -> _Stats:
        return _Stats(pending=4, oldest_pending_seconds=12.5, parked=1)


class _Jobs:
    counters: ClassVar[dict] = {"succeeded": {"notify.deliver": 5, "events.sweep": 2},
                "failed": {"events.sweep": 1}}


class _State:
    def __init__(self, services: dict) -> None:
        self.services = Services(**services)


async def test_jobs_and_outbox_come_from_the_services():
    metrics = Metrics(_State({"events": _Events(), "jobs": _Jobs()}))
    await metrics.refresh()
    text = metrics.render().decode()
    assert _value(text, "linli_outbox_pending") == 4
    assert _value(text, "linli_outbox_lag_seconds") == 12.5
    assert _value(text, "linli_event_deliveries_parked") == 1
    assert _value(text, "linli_jobs_total", job="notify.deliver", status="succeeded") == 5
    assert _value(text, "linli_jobs_total", job="events.sweep", status="failed") == 1


async def test_missing_services_degrade_and_registries_are_per_app():
    a, b = Metrics(_State({})), Metrics(_State({}))
    await a.refresh()
    a.operation("Op", "query", True)
    assert "linli_jobs_total" not in a.render().decode()
    assert _value(a.render().decode(), "linli_graphql_operations_total", operation="Op") == 1
    assert _value(b.render().decode(), "linli_graphql_operations_total", operation="Op") == 0


async def test_operation_names_are_bounded():
    metrics = Metrics(_State({}))
    metrics.operation("bad name; DROP", "query", True)
    assert _value(metrics.render().decode(), "linli_graphql_operations_total",
                  operation="anonymous") == 1


async def test_invented_operation_names_from_anonymous_callers_count_as_one(http, gql, factory):
    """Issue 9 item 7: 300 anonymous requests with invented names made 600 series."""
    def series(text: str) -> int:
        return sum(1 for line in text.splitlines()
                   if line.startswith("linli_graphql_operations_total{"))

    before = series((await http.get("/metrics")).text)
    for n in range(60):
        await gql(f"query Invented{n} {{ me {{ name }} }}")
        await gql(f"query Fine{n} {{ __typename }}")
    text = (await http.get("/metrics")).text
    assert series(text) - before <= 2, series(text) - before  # other/error and other/ok
    others = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                 if line.startswith('linli_graphql_operations_total{operation="other"'))
    assert others >= 120
    node = await factory.tenant()
    admin = await factory.account(node)
    await gql("query MyScreen { me { name } }", token=admin.token, node=node.code)
    text = (await http.get("/metrics")).text
    assert _value(text, "linli_graphql_operations_total", operation="MyScreen") == 1
