"""The GraphQL lane: ``POST /graphql`` from the ASGI server to its route handler, past Litestar's
router and the per-request work its HTTP route does for handlers that need it.

A POST to ``/graphql`` is most of what the API serves, and its handler
(``GraphQLController.handle_http_post`` in :mod:`core.app`) takes nothing but the request: no
guards, no cache, no dependencies to inject, no hooks before or after. For such a request
Litestar still finds the route in its routing trie, validates the ``Host`` header, builds a
signature model of the handler's parameters and parses the request into it, enters an exit
stack for dependencies that are not there, and asks the handler's response handler for an ASGI
response: several per cent of a request's CPU time under load
(``tests/benchmarks/bench_vs_postgraphile.py``).

:class:`LinliApp` is the Litestar app with one more branch in ``__call__``: such a request goes
through the same middleware stack Litestar built for the route (``build_route_middleware_stack``
— the exception handler, the request-context and metrics middleware, in the same order), to
:meth:`GraphQLLane.handle`, which does what ``HTTPRoute.handle`` does for this handler — make
the request, call the handler, turn what it returns into an ASGI response with the handler's
own ``to_response`` and send it — without the parts that have nothing to do. Two shortcuts
more: a body that arrives in one piece within the size limit is read once and left where
``Request.body()`` looks first, and a plain JSON answer (status 200, no header, cookie or
background task of its own) is sent as the two messages Litestar's ``ASGIResponse`` sends for
it. Anything else (another path or method, a ``root_path``, a ``Host`` header Litestar refuses)
goes to Litestar as before, and so does everything when the route handler gains a guard, a
cache, a hook or a parameter (:func:`lane_for` then answers None: no lane). Litestar is pinned
for this (``tests/core/schema/test_encoding.py``).

``tests/core/schema/test_graphql_lane.py`` sends every case of the plain-POST test through the
app with and without the lane, and compares status, headers and body byte for byte.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

from litestar import Litestar, MediaType, Response
from litestar._asgi.routing_trie.mapping import build_route_middleware_stack
from litestar._asgi.utils import is_valid_host, wrap_in_exception_handler
from litestar.datastructures.multi_dicts import FormMultiDict
from litestar.middleware._internal.exceptions import ExceptionHandlerMiddleware
from litestar.routes import HTTPRoute
from litestar.status_codes import HTTP_200_OK
from litestar.types import Empty
from litestar.utils.scope.state import ScopeState

if TYPE_CHECKING:
    from litestar.handlers import HTTPRouteHandler
    from litestar.types import ASGIApp, Receive, Scope, Send

__all__ = ["GRAPHQL_PATH", "GraphQLLane", "LinliApp", "lane_for"]

GRAPHQL_PATH = "/graphql"
log = logging.getLogger(__name__)


class GraphQLLane:
    """``POST /graphql`` for one app: the route's middleware stack around :meth:`handle`."""

    def __init__(self, app: Litestar, route_handler: HTTPRouteHandler) -> None:
        self.route_handler = route_handler
        self.request_class = route_handler.resolve_request_class()
        self.exception_handlers = route_handler.resolve_exception_handlers()
        self.fn = route_handler.fn
        self.max_body = route_handler.resolve_request_max_body_size() or math.inf
        # a JSON response with nothing but its body (what a GraphQL answer is) is sent here as
        # Litestar's ASGIResponse sends it, unless the route adds a return DTO, headers,
        # cookies, a background task or an after_request hook of its own
        self.direct = not (route_handler.resolve_return_dto()
                           or route_handler.resolve_response_headers()
                           or route_handler.resolve_response_cookies()
                           or route_handler.background is not None
                           or any(layer.after_request for layer in route_handler.ownership_layers))
        # what Litestar.__call__ puts around its router: an exception handler for what the
        # middleware raises; and inside, what the router finds for the route (the handler
        # wrapped in an exception handler and the app's middleware)
        self.app: ASGIApp = wrap_in_exception_handler(
            build_route_middleware_stack(app, _Route(self.handle), route_handler))  # type: ignore[arg-type]  # duck-typed: it reads .handle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # what the router sets on the scope for this route
        scope.setdefault("path_params", {})
        ScopeState.from_scope(scope).exception_handlers = self.exception_handlers
        scope["route_handler"] = self.route_handler
        scope["path_template"] = GRAPHQL_PATH
        await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """``HTTPRoute.handle`` for a handler with no guards, cache, hooks or parameters other
        than the request."""
        # the body, when it came in one piece within the limit, goes where Request.body()
        # looks first; the piece read goes back in front of the rest all the same, for
        # Request.stream() (a multipart upload) and for Litestar to refuse what it refuses
        first = await receive()
        if first["type"] == "http.request" and not first.get("more_body", False) and \
                len(body := first.get("body", b"")) <= self.max_body:
            ScopeState.from_scope(scope).body = body
        receive = _replay(first, receive)
        request = self.request_class(scope=scope, receive=receive, send=send)
        try:
            data = await self.fn(request=request)
            if self.direct and data.__class__ is Response and data.status_code == HTTP_200_OK \
                    and data.content.__class__ is bytes and data.media_type == MediaType.JSON \
                    and not data.headers and not data.cookies and data.background is None:
                content: bytes = data.content
                await send({"type": "http.response.start", "status": HTTP_200_OK, "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(content)).encode("latin-1"))]})
                await send({"type": "http.response.body", "body": content, "more_body": False})
                return
            response = await self.route_handler.to_response(
                app=scope["litestar_app"], data=data, request=request)
            await response(scope, receive, send)
        finally:
            if (form := ScopeState.from_scope(scope).form) is not Empty:  # strawberry's uploads
                await FormMultiDict.from_form_data(form).close()


def _replay(first: Any, receive: Receive) -> Receive:
    """``receive``, with ``first`` (already read) handed out again first."""
    pending = [first]

    async def replay() -> Any:
        return pending.pop() if pending else await receive()

    return replay


class _Route:
    """What ``build_route_middleware_stack`` reads of a route: its ``handle``."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle


def lane_for(app: Litestar) -> GraphQLLane | None:
    """The lane for ``app``'s ``POST /graphql``, or None when its route handler needs what
    only Litestar's route does (a guard, a cache, a hook before the request or after the
    response, a parameter besides the request), or the app puts more than its exception
    handler around its router (CORS, OpenTelemetry) or sends through ``before_send`` hooks.
    (An ``after_request`` hook is the handler's ``to_response``, which the lane calls.)"""
    outer = app.asgi_handler
    if app.before_send or not (isinstance(outer, ExceptionHandlerMiddleware)
                               and outer.app is app.asgi_router):
        log.info("no GraphQL lane: the app wraps its router (CORS, OpenTelemetry) or its sends")
        return None
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path == GRAPHQL_PATH:
            found = route.route_handler_map.get("POST")
            break
    else:
        return None
    if found is None:
        return None
    handler, kwargs_model = found
    reasons = [name for name, needs in (
        ("guards", handler.resolve_guards()), ("cache", handler.cache),
        ("before_request", handler.resolve_before_request()),
        ("after_response", handler.resolve_after_response()),
        ("sync handler", handler.has_sync_callable),
        ("dependencies", kwargs_model.dependency_batches),
        ("parameters", set(handler.parsed_fn_signature.parameters) - {"request"}),
    ) if needs]
    if reasons:
        log.info("no GraphQL lane: the POST %s handler has %s", GRAPHQL_PATH, ", ".join(reasons))
        return None
    return GraphQLLane(app, handler)


class LinliApp(Litestar):
    """Litestar, with ``POST /graphql`` through :class:`GraphQLLane` when the route allows."""

    graphql_lane: GraphQLLane | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.graphql_lane = lane_for(self)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        lane = self.graphql_lane
        if lane is not None and scope["type"] == "http" and scope["method"] == "POST" and \
                scope["path"] == GRAPHQL_PATH and not scope.get("root_path") and \
                _host_ok(scope):
            scope["app"] = scope["litestar_app"] = self
            scope.setdefault("state", {})
            await lane(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _host_ok(scope: Any) -> bool:
    """Litestar's router's check of the ``Host`` header (it refuses the request otherwise)."""
    for name, value in scope["headers"]:
        if name == b"host":
            return is_valid_host(value)
    return True
