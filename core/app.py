"""create_app(settings): the Litestar app with GraphQL, health and plugin routes."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from types import SimpleNamespace
from typing import Any, ClassVar

from cross_web import HTTPException as StrawberryHTTPException
from litestar import Litestar, Request, Router, get, post
from litestar.background_tasks import BackgroundTasks
from litestar.datastructures import State
from litestar.di import Provide
from litestar.enums import MediaType
from litestar.exceptions import NotFoundException, ValidationException
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from strawberry.http import GraphQLRequestData
from strawberry.litestar import make_graphql_controller
from strawberry.litestar.controller import GraphQLResource
from strawberry.types.unset import UNSET

from core import graphiql
from core.console import web as console_web
from core.crypto import install_pii_key
from core.db import Database, set_db
from core.http_lane import LinliApp
from core.identity.roles import RoleBook
from core.logging import scope_headers
from core.registry import Registry, get_registry
from core.schema.budget import with_deadline
from core.schema.compose import build_schema
from core.schema.context import accept_connection_params, build_context
from core.schema.http import decode_json, encode_response, parse_request_json
from core.settings import Settings, get_settings
from core.state import AppState, install_services, start_state, stop_state
from core.tables import all_tables

# AppState, start_state and stop_state live in core.state (below the schema layer); they are
# re-exported here for the entry points (CLI, serve, core.testing) that build an app.
__all__ = ["AppState", "build_state", "create_app", "start_state", "stop_state"]

log = logging.getLogger("linli.app")


def fast_path_enabled() -> bool:
    """Whether schemas execute with the fast path (``FastExecutionContext``, the default);
    ``LINLI_FAST_PATH=0`` selects graphql-core's stock path instead — a switch for comparing
    the two (the whole test suite can run either way), not a setting to deploy with."""
    return os.environ.get("LINLI_FAST_PATH", "1").strip().lower() not in ("0", "false", "no")


def build_state(settings: Settings | None = None, registry: Registry | None = None,
                db: Database | None = None, *, limits: bool = True) -> AppState:
    settings = settings or get_settings()
    registry = registry or get_registry()
    db = db or Database(settings.database_url)
    db.add_tables(all_tables(registry))
    db.statement_timeout_ms = settings.statement_timeout_ms
    set_db(db)
    install_pii_key(settings.pii_key)
    state = AppState(settings=settings, db=db, registry=registry,
                     rolebook=RoleBook.from_registry(registry),
                     schema=build_schema(registry, limits=limits,
                                         production=settings.is_production,
                                         fast_path=fast_path_enabled()))
    install_services(state)
    return state


def _response_getter() -> Response[Any]:
    return Response({}, background=BackgroundTasks([]))


PLAIN_POST = True
"""Plain JSON POSTs skip strawberry's request parsing (``_plain_post``); off only to compare."""
_PLAIN_HEADERS = frozenset({b"content-type", b"accept"})
_POST = SimpleNamespace(method="POST")
"""All that strawberry's ``execute_single`` reads of its request adapter."""

_sub_response: ContextVar[Response[Any] | None] = ContextVar("linli_sub_response", default=None)
"""The sub-response of the HTTP request being handled (strawberry keeps it on the controller,
which every request shares)."""


@get("/health/live", sync_to_thread=False)
def live() -> dict[str, str]:
    return {"status": "ok"}


@get("/health/ready")
async def ready(state: State) -> Response[dict[str, Any]]:
    linli: AppState = state.linli
    checks: dict[str, str] = {}
    try:
        await linli.db.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report, never raise, from a probe
        checks["database"] = f"error: {type(exc).__name__}"
    if linli.settings.redis_url:
        try:
            from redis.asyncio import from_url

            client = from_url(linli.settings.redis_url)  # type: ignore[no-untyped-call]  # redis-py 5 leaves from_url unannotated
            await client.ping()
            await client.aclose()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"error: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    return Response({"status": "ok" if ok else "unavailable", **checks},
                    status_code=200 if ok else HTTP_503_SERVICE_UNAVAILABLE)


def create_app(settings: Settings | None = None, registry: Registry | None = None,
               db: Database | None = None, *, state: AppState | None = None,
               manage_db: bool = True) -> LinliApp:
    """The API. ``manage_db=False`` leaves starting and stopping the pool to the caller."""
    app_state = state or build_state(settings, registry, db)
    production = app_state.settings.is_production

    base = make_graphql_controller(
        app_state.schema,
        path="/graphql",
        graphql_ide=None if production else "graphiql",
        allow_queries_via_get=False,
        context_getter=build_context,
    )

    class GraphQLController(base):  # type: ignore[valid-type, misc]
        # strawberry provides the sub-response with sync_to_thread=True: a thread hop on every
        # request for building an empty Response (the WebSocket endpoint still takes its
        # context and root value through these)
        dependencies: ClassVar[dict[str, Any]] = {
            **base.dependencies, "response": Provide(_response_getter, sync_to_thread=False)}

        # The HTTP handlers build what strawberry's take through Litestar's dependency
        # injection — the context (core.schema.context.build_context, then the request and the
        # sub-response set on it as strawberry's _context_getter_http does), no root value and
        # an empty sub-response — directly: injection resolved the three independent ones in
        # an anyio task group, three tasks and their event-loop turns on every request.
        # Same decorators and signatures otherwise (the OpenAPI document is unchanged).
        @asynccontextmanager
        async def _request_context(self, request: Request[Any, Any, Any]
                                   ) -> AsyncIterator[tuple[Any, Response[Any]]]:
            """The request's context and its sub-response (kept in :data:`_sub_response` for
            ``get_sub_response`` while the block runs)."""
            sub_response = _response_getter()
            context = await build_context(request)
            context.request, context.response = request, sub_response
            token = _sub_response.set(sub_response)
            try:
                yield context, sub_response
            finally:
                _sub_response.reset(token)

        async def _handle(self, request: Request[Any, Any, Any]) -> Response[Any]:
            async with self._request_context(request) as (context, _):
                return await self.execute_request(  # type: ignore[no-any-return]
                    request=request, context=context, root_value=None)

        async def _plain_post(self, request: Request[Any, Any, Any]) -> Response[Any] | None:
            """A plain POST — a JSON object with one operation, no streaming asked for — run
            through the same steps as strawberry's view (``execute_single``,
            ``process_result``, ``_handle_errors``, ``create_response``) without what only
            other requests need: content-type parsing, stream transports, batches, uploads,
            the IDE. Anything else (None here) takes strawberry's view, which answers it as
            before; ``tests/core/schema/test_plain_post.py`` holds the two side by side."""
            if not PLAIN_POST:
                return None
            headers = scope_headers(request.scope, _PLAIN_HEADERS)
            accept = headers.get(b"accept", "").lower()
            if not headers.get(b"content-type", "").lower().startswith("application/json") or \
                    "multipart" in accept or "event-stream" in accept:
                return None
            try:
                data = json.loads(await request.body())
            except (ValueError, RecursionError):
                return None  # strawberry's view says what is wrong with it
            if not isinstance(data, dict) or not isinstance(query := data.get("query"), str):
                return None
            variables, name = data.get("variables"), data.get("operationName")
            if not (variables is None or isinstance(variables, dict)) or \
                    not (name is None or isinstance(name, str)) or "extensions" in data:
                return None
            async with self._request_context(request) as (context, sub_response):
                try:
                    result = await self.execute_single(
                        request=request, request_adapter=_POST, sub_response=sub_response,
                        context=context, root_value=None,
                        request_data=GraphQLRequestData(query=query, variables=variables,
                                                        operation_name=name, extensions=None))
                except StrawberryHTTPException as exc:  # as strawberry's execute_request does
                    return Response(exc.reason, status_code=exc.status_code,
                                    media_type=MediaType.TEXT)
            response_data = await self.process_result(request=request, result=result)
            if result.errors:
                self._handle_errors(result.errors, response_data)
            return self.create_response(  # type: ignore[no-any-return]
                response_data=response_data, sub_response=sub_response)

        async def get_sub_response(self, request: Any) -> Response[Any]:
            current = _sub_response.get()
            return _response_getter() if current is None else current

        @get(raises=[ValidationException, NotFoundException])
        async def handle_http_get(self, request: Request[Any, Any, Any]
                                  ) -> Response[GraphQLResource | str]:
            return await self._handle(request)

        @post(status_code=HTTP_200_OK)
        async def handle_http_post(self, request: Request[Any, Any, Any]
                                   ) -> Response[GraphQLResource | str]:
            plain = await self._plain_post(request)
            return plain if plain is not None else await self._handle(request)

        def parse_json(self, data: str | bytes) -> Any:
            return parse_request_json(data)

        def decode_json(self, data: str | bytes) -> object:
            return decode_json(data)

        async def execute_single(self, *args: Any, **kwargs: Any) -> Any:
            # an overall deadline: the statement timeout bounds one statement, this the request
            return await with_deadline(super().execute_single(*args, **kwargs),
                                       app_state.settings.request_timeout_seconds)

        def encode_json(self, data: object) -> str | bytes:
            return encode_response(data)

        async def render_graphql_ide(self, request: Any) -> Response[str]:
            # our page: GraphiQL from /graphiql/ (the package), no CDN, under a strict CSP
            return Response(graphiql.PAGE, media_type="text/html; charset=utf-8",
                            headers={"Content-Security-Policy": graphiql.CSP,
                                     "X-Content-Type-Options": "nosniff"})

        async def on_ws_connect(self, context: Any) -> Any:
            # the token and node a browser sends in connection_init (it cannot set headers)
            await accept_connection_params(context)
            return UNSET

    plugin_routers = []
    for owner, handler in app_state.registry.routes():
        plugin_routers.append(Router(path=f"/p/{owner}", route_handlers=[handler]))

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if manage_db:
            await start_state(app_state)
        try:
            yield
        finally:
            if manage_db:
                await stop_state(app_state)

    extra: dict[str, Any] = {}
    if production:  # no /schema, /schema/swagger, /schema/openapi.json: nothing to tell
        extra["openapi_config"] = None
    return LinliApp(
        route_handlers=[GraphQLController, live, ready, *app_state.routes, *plugin_routers,
                        *console_web.route_handlers(app_state.registry),
                        *([] if production else [graphiql.asset_route()])],
        middleware=list(app_state.middleware),
        lifespan=[lifespan],
        state=State({"linli": app_state}),
        debug=False,
        **extra,
    )
