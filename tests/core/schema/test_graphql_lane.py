"""``POST /graphql`` through the GraphQL lane (``core.http_lane``) answers as Litestar's router
and route do, byte for byte, and still passes through the app's middleware."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
from litestar import MediaType, Request, Response, get, post
from litestar._asgi.asgi_router import ASGIRouter
from litestar.config.cors import CORSConfig
from litestar.datastructures import ResponseHeader

import core.app
from core.http_lane import LinliApp
from tests.core.schema.test_plain_post import cases

ME = "{ me { account { id } } }"


def raw(response: httpx.Response) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers in the order sent (but the request id and the date) and body."""
    headers = [(k.lower(), v) for k, v in response.headers.raw
               if k.lower() not in (b"x-request-id", b"date")]
    return response.status_code, headers, response.content


@pytest.fixture
def routed(linli_app: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths Litestar's router was asked for."""
    seen: list[str] = []
    original = ASGIRouter.__call__

    async def counting(self: Any, scope: Any, receive: Any, send: Any) -> None:
        seen.append(f"{scope.get('method')} {scope['path']}")
        await original(self, scope, receive, send)

    monkeypatch.setattr(ASGIRouter, "__call__", counting)
    return seen


async def both(http: httpx.AsyncClient, linli_app: Any, monkeypatch: pytest.MonkeyPatch,
               routed: list[str], method: str, url: str, **kwargs: Any
               ) -> tuple[Any, Any, list[str]]:
    """The answer without the lane, with it, and what the router saw with it (a callable
    ``content`` makes a fresh body stream for each request)."""
    def sent() -> dict[str, Any]:
        content = kwargs.get("content")
        return {**kwargs, "content": content()} if callable(content) else kwargs

    lane = linli_app.graphql_lane
    assert lane is not None
    monkeypatch.setattr(linli_app, "graphql_lane", None)
    expected = raw(await http.request(method, url, **sent()))
    monkeypatch.setattr(linli_app, "graphql_lane", lane)
    routed.clear()
    got = raw(await http.request(method, url, **sent()))
    return expected, got, list(routed)


async def test_every_plain_post_case_answers_as_through_the_router(http, linli_app, factory,
                                                                   monkeypatch, routed):
    node = await factory.tenant()
    account = await factory.account(node)
    auth = {"Authorization": f"Bearer {account.token}", "X-Linli-Node": node.code}
    for label, headers, body, _ in cases():
        for who in ({}, auth):
            expected, got, seen = await both(http, linli_app, monkeypatch, routed, "POST",
                                             "/graphql", content=body, headers={**headers, **who})
            assert got == expected, (label, who != {})
            assert seen == [], label  # every POST /graphql takes the lane, plain or not


@pytest.mark.parametrize(("method", "url", "kwargs", "lane"), [
    ("GET", "/graphql?query=%7B__typename%7D", {}, False),
    ("GET", "/graphql", {"headers": {"accept": "text/html"}}, False),
    ("POST", "/graphql/", {"json": {"query": ME}}, False),
    ("POST", "/health/live", {"json": {}}, False),
    ("PUT", "/graphql", {"json": {"query": ME}}, False),
    ("POST", "/graphql", {"json": {"query": ME}, "headers": {"host": "bad host\r\n"}}, False),
    ("POST", "/graphql", {"json": {"query": "{ __typename }"},
                          "headers": {"content-type": "application/json"}}, True),
])
async def test_other_requests_go_to_the_router(http, linli_app, monkeypatch, routed, method,
                                               url, kwargs, lane):
    expected, got, seen = await both(http, linli_app, monkeypatch, routed, method, url, **kwargs)
    assert got == expected
    assert (seen == []) == lane, seen


async def _chunks() -> Any:
    yield b'{"query": "{ __ty'
    yield b'pename }"}'


UPLOAD = {"operations": json.dumps({"query": "mutation($f: Upload!) { x(f: $f) }",
                                    "variables": {"f": None}}),
          "map": json.dumps({"0": ["variables.f"]})}


@pytest.mark.parametrize(("label", "kwargs"), [
    ("a body in two pieces", {"content": _chunks, "headers": {"content-type": "application/json"}}),
    ("a body past the limit", {"content": b'{"query": "' + b" " * 11_000_000 + b'{ __typename }"}',
                               "headers": {"content-type": "application/json"}}),
    ("a multipart upload", {"data": UPLOAD, "files": {"0": ("a.txt", b"hello")}}),
    ("an empty body", {"content": b"", "headers": {"content-type": "application/json"}}),
])
async def test_bodies_in_pieces_too_big_or_multipart(http, linli_app, monkeypatch, routed, label,
                                                      kwargs):
    expected, got, seen = await both(http, linli_app, monkeypatch, routed, "POST", "/graphql",
                                     **kwargs)
    assert got == expected, label
    assert seen == [], label
    if label == "a body in two pieces":
        assert expected[2] == b'{"data":{"__typename":"Query"}}'
    if label == "a body past the limit":
        assert expected[0] == 413


async def test_a_root_path_goes_to_the_router(linli_app, monkeypatch, routed):
    transport = httpx.ASGITransport(app=linli_app, root_path="/api")
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        await client.post("/api/graphql", json={"query": "{ __typename }"})
    assert len(routed) == 1


async def test_the_lane_keeps_the_middleware(http, linli_app, routed, caplog):
    caplog.set_level(logging.INFO, logger="linli.access")
    metrics = linli_app.state["linli"].services.metrics
    counted = metrics.requests.labels("POST", "/graphql", "200")
    before = counted._value.get()
    response = await http.post("/graphql", json={"query": "{ __typename }"},
                               headers={"X-Request-ID": "mine-1"})
    assert routed == []
    assert response.json() == {"data": {"__typename": "Query"}}
    assert response.headers["x-request-id"] != "mine-1"  # ours, with the caller's beside it
    assert response.headers["x-client-request-id"] == "mine-1"
    lines = [r for r in caplog.records if r.name == "linli.access"]
    assert [(r.method, r.path, r.status) for r in lines] == [  # type: ignore[attr-defined]
        ("POST", "/graphql", 200)]
    assert counted._value.get() == before + 1  # counted under the route's template


async def test_a_failure_inside_answers_as_through_the_router(http, linli_app, monkeypatch,
                                                             routed):
    async def broken(request: Any) -> Any:
        raise RuntimeError("the context could not be built")

    monkeypatch.setattr(core.app, "build_context", broken)
    expected, got, seen = await both(http, linli_app, monkeypatch, routed, "POST", "/graphql",
                                     json={"query": ME})
    assert expected[0] == 500
    assert got == expected and seen == []


def test_no_lane_for_a_handler_that_needs_the_route():
    async def guard(connection: Any, handler: Any) -> None:
        return None

    @post("/graphql")
    async def plain(request: Request[Any, Any, Any]) -> str:
        return "plain"

    @post("/graphql", guards=[guard])
    async def guarded(request: Request[Any, Any, Any]) -> str:
        return "guarded"

    @post("/graphql")
    async def with_parameter(request: Request[Any, Any, Any], q: int) -> str:
        return "parameter"

    @post("/graphql", cache=True)
    async def cached(request: Request[Any, Any, Any]) -> str:
        return "cached"

    @get("/graphql")
    async def only_get(request: Request[Any, Any, Any]) -> str:
        return "get"

    assert LinliApp(route_handlers=[plain]).graphql_lane is not None
    for handler in (guarded, with_parameter, cached, only_get):
        assert LinliApp(route_handlers=[handler]).graphql_lane is None, handler
    assert LinliApp(route_handlers=[plain], before_send=[lambda m, s: None]).graphql_lane is None
    assert LinliApp(route_handlers=[plain], cors_config=CORSConfig()).graphql_lane is None


async def test_the_lane_answers_a_small_app_as_the_router_does():
    @post("/graphql")
    async def echo(request: Request[Any, Any, Any]) -> dict[str, Any]:
        return {"got": json.loads(await request.body())}

    app = LinliApp(route_handlers=[echo])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        with_lane = raw(await client.post("/graphql", json={"a": 1}))
        app.graphql_lane = None
        without = raw(await client.post("/graphql", json={"a": 1}))
    assert with_lane == without == (201, with_lane[1], b'{"got":{"a":1}}')


async def test_a_route_with_headers_of_its_own_is_answered_through_litestars_response():
    @post("/graphql", response_headers=[ResponseHeader(name="x-route", value="1")],
          status_code=200)
    async def json_bytes(request: Request[Any, Any, Any]) -> Response[bytes]:
        return Response(b'{"data":null}', media_type=MediaType.JSON)

    @post("/graphql", status_code=200)
    async def plain_bytes(request: Request[Any, Any, Any]) -> Response[bytes]:
        return Response(b'{"data":null}', media_type=MediaType.JSON)

    for handler, direct in ((json_bytes, False), (plain_bytes, True)):
        app = LinliApp(route_handlers=[handler])
        assert app.graphql_lane is not None and app.graphql_lane.direct is direct
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            with_lane = raw(await client.post("/graphql", content=b"{}"))
            app.graphql_lane = None
            without = raw(await client.post("/graphql", content=b"{}"))
        assert with_lane == without
        assert (b"x-route", b"1") in with_lane[1] or direct
