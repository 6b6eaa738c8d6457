"""Prometheus metrics at ``/metrics``, one :class:`CollectorRegistry` per app state.

Counted: HTTP requests to routes by method, route template and status (a path no route matches
is answered by Litestar before middleware and is not counted), with a latency histogram (an ASGI
middleware); GraphQL operations by name, type and outcome (:class:`OperationMetrics`, a schema
extension that finds this state's metrics through the request context); job counts read from
``state.services.jobs.counters``; the outbox's backlog and the age of its oldest undispatched
event from ``state.services.events.stats()``. Services that are not installed are left out.
"""

from __future__ import annotations

import asyncio
import hmac
import inspect
import logging
import re
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, Protocol

from litestar import Litestar, Request, get
from litestar.datastructures import State
from litestar.response import Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from strawberry.extensions import SchemaExtension

from core.host import Host

__all__ = ["Metrics", "OperationMetrics", "install", "metrics_app", "metrics_server"]

log = logging.getLogger("linli.metrics")

_OPERATION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_OPERATION_NAMES = 200
"""Distinct operation names kept as labels; later ones count as ``other`` (clients choose
names, so the label set must stay bounded). A name becomes a label only when a logged-in caller
(or API key) ran it without errors; any other unknown name counts as ``other`` — before, 300
anonymous requests with invented names made 600 series."""


class _Peers(Protocol):
    """The services metrics read, duck-typed (``counters``, ``stats()``): a missing one is
    left out of the scrape."""

    @property
    def jobs(self) -> object: ...

    @property
    def events(self) -> object: ...


class _Reads(Protocol):
    @property
    def services(self) -> _Peers: ...


class _JobsCollector:
    """``linli_jobs_total{job,status}`` from the jobs service's counters at scrape time."""

    def __init__(self, state: _Reads) -> None:
        self.state = state

    def describe(self) -> list[Any]:
        return []

    def collect(self) -> Iterator[CounterMetricFamily]:
        counters = getattr(self.state.services.jobs, "counters", None)
        if not isinstance(counters, Mapping):
            return
        family = CounterMetricFamily("linli_jobs", "Jobs by name and outcome (this process)",
                                     labels=["job", "status"])
        # the jobs service keeps outcome → job name → count
        for outcome, by_job in sorted(counters.items()):
            for job, count in sorted(dict(by_job).items()):
                family.add_metric([str(job), str(outcome)], float(count))
        yield family


class Metrics:
    """This app's metrics."""

    def __init__(self, state: _Reads) -> None:
        self.state = state
        self.registry = CollectorRegistry()
        self.requests = Counter("linli_http_requests", "HTTP requests",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("linli_http_request_duration_seconds", "HTTP request latency",
                                 ["method", "route"], registry=self.registry)
        self.operations = Counter("linli_graphql_operations", "GraphQL operations",
                                  ["operation", "type", "result"], registry=self.registry)
        self.outbox_pending = Gauge("linli_outbox_pending", "Undispatched outbox events",
                                    registry=self.registry)
        self.outbox_lag = Gauge("linli_outbox_lag_seconds",
                                "Age of the oldest undispatched outbox event",
                                registry=self.registry)
        self.outbox_parked = Gauge("linli_event_deliveries_parked",
                                   "Event deliveries parked for an operator",
                                   registry=self.registry)
        self.registry.register(_JobsCollector(state))
        self._names: set[str] = set()

    def operation(self, name: str | None, kind: str, ok: bool, *,
                  authenticated: bool = True) -> None:
        """Count one operation. An unknown ``name`` becomes a label only when ``ok`` for an
        ``authenticated`` caller (at most :data:`MAX_OPERATION_NAMES`), else it is ``other``."""
        label = name if name and _OPERATION_NAME.match(name) else "anonymous"
        if label not in self._names and label != "anonymous":
            if ok and authenticated and len(self._names) < MAX_OPERATION_NAMES:
                self._names.add(label)
            else:
                label = "other"
        self.operations.labels(label, kind, "ok" if ok else "error").inc()

    async def refresh(self) -> None:
        """Read the services' gauges (called by the scrape)."""
        events = self.state.services.events
        stats = getattr(events, "stats", None)
        if stats is None:
            return
        try:
            result = stats()
            if inspect.isawaitable(result):
                result = await result
        except Exception:
            log.exception("outbox statistics unavailable")
            return
        self.outbox_pending.set(float(result.pending))
        self.outbox_lag.set(float(result.oldest_pending_seconds))
        self.outbox_parked.set(float(getattr(result, "parked", 0)))

    def render(self) -> bytes:
        return generate_latest(self.registry)


def _route(scope: Mapping[str, Any]) -> str:
    """The matched route's template (bounded cardinality), or ``unmatched``."""
    template = scope.get("path_template")
    if template:
        return str(template)
    handler = scope.get("route_handler")
    paths = getattr(handler, "paths", None)
    if paths and len(paths) == 1:
        return str(next(iter(paths)))
    return "unmatched"


def _middleware(metrics: Metrics) -> Any:
    def factory(app: Any) -> Any:
        async def middleware(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            started = time.perf_counter()
            status = 500

            async def record_status(message: dict[str, Any]) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                await send(message)

            try:
                await app(scope, receive, record_status)
            finally:
                key = (scope["method"], _route(scope), status)
                children = labelled.get(key)
                if children is None:  # prometheus_client's labels() locks and checks each time
                    children = labelled[key] = (
                        metrics.requests.labels(key[0], key[1], str(status)),
                        metrics.latency.labels(key[0], key[1]))
                children[0].inc()
                children[1].observe(time.perf_counter() - started)
        return middleware

    labelled: dict[tuple[str, str, int], tuple[Any, Any]] = {}
    """(method, route, status) → its counter and histogram (routes are templates: bounded)."""
    return factory


class OperationMetrics(SchemaExtension):
    """Counts each GraphQL operation under its name, in the serving app's registry (an
    extension, so the count needs no second parse of the request body)."""

    async def on_operation(self) -> Any:
        yield
        ctx = self.execution_context
        services = getattr(getattr(ctx.context, "state", None), "services", None)
        metrics = getattr(services, "metrics", None)
        if metrics is None:
            return
        try:
            kind = ctx.operation_type.value
        except Exception:  # noqa: BLE001 - an unparsable document has no type
            kind = "unknown"
        ok = not (ctx.result is not None and ctx.result.errors) and not ctx.pre_execution_errors
        context = ctx.context
        authenticated = (getattr(context, "principal", None) is not None
                         and getattr(context, "auth_error", None) is None)
        metrics.operation(ctx.operation_name, kind, ok, authenticated=authenticated)


_LOOPBACK = ("127.", "::1", "localhost")


def _refusal(request: Request[Any, Any, Any], *, own_port: bool) -> Response[bytes] | None:
    """Why this scrape is refused, or ``None``. ``/metrics`` is not open to the internet by
    default: with ``LINLI_METRICS_TOKEN`` every scrape needs ``Authorization: Bearer <token>``;
    without one, the API's port answers only loopback clients outside production and nobody
    in production or when ``LINLI_METRICS_PORT`` moved it (the metrics port itself listens on
    ``LINLI_METRICS_HOST``, loopback by default)."""
    settings = request.app.state.linli.settings
    token = getattr(settings, "metrics_token", "")
    if token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(),
                                                              token.encode()):
            return None
        return Response(b"metrics: bearer token required\n", status_code=401,
                        media_type="text/plain", headers={"WWW-Authenticate": "Bearer"})
    if own_port:
        return None
    client = request.client.host if request.client else ""
    if getattr(settings, "metrics_port", 0) or settings.is_production \
            or not client.startswith(_LOOPBACK):
        return Response(b"Not Found\n", status_code=404, media_type="text/plain")
    return None


async def _scrape(request: Request[Any, Any, Any], *, own_port: bool) -> Response[bytes]:
    refused = _refusal(request, own_port=own_port)
    if refused is not None:
        return refused
    metrics: Metrics = request.app.state.linli.services.metrics
    await metrics.refresh()
    return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)


@get("/metrics", include_in_schema=False)
async def metrics_endpoint(request: Request[Any, Any, Any]) -> Response[bytes]:
    return await _scrape(request, own_port=False)


@get("/metrics", include_in_schema=False)
async def metrics_port_endpoint(request: Request[Any, Any, Any]) -> Response[bytes]:
    return await _scrape(request, own_port=True)


def metrics_app(state: Any) -> Litestar:
    """An app serving only ``/metrics`` of ``state`` (the metrics port of ``linli serve`` and
    ``linli worker --metrics-port``)."""
    return Litestar(route_handlers=[metrics_port_endpoint], state=State({"linli": state}),
                    debug=False)


@asynccontextmanager
async def metrics_server(state: Any, host: str, port: int) -> AsyncIterator[None]:
    """Serve :func:`metrics_app` on ``host:port`` on this event loop while the block runs
    (no signal handlers of its own: the API server or the arq worker owns those)."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(metrics_app(state), host=host, port=port,
                                           log_config=None, access_log=False, lifespan="off"))
    # serve() would install signal handlers; _serve() is the same server loop without them
    task = asyncio.create_task(server._serve())
    while not server.started:
        if task.done():
            task.result()  # the port could not be bound: raise why
            raise RuntimeError(f"metrics server on {host}:{port} did not start")
        await asyncio.sleep(0.02)
    log.info("metrics on http://%s:%d/metrics", host, port)
    try:
        yield
    finally:
        server.should_exit = True
        await task


class _Slot(Protocol):
    metrics: Metrics | None

    @property
    def jobs(self) -> object: ...

    @property
    def events(self) -> object: ...


class _Host(Host, Protocol):
    @property
    def services(self) -> _Slot: ...


def install(state: _Host) -> None:
    """Service hook: the metrics, their middleware and the ``/metrics`` route."""
    metrics = Metrics(state)
    state.services.metrics = metrics
    state.middleware.append(_middleware(metrics))
    state.routes.append(metrics_endpoint)
