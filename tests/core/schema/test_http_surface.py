"""What a client sees of ``/graphql`` over HTTP besides results: refusals, their status and
content type, the IDE page, the request-id headers. Pinned here because core.app answers GET
and POST with its own handlers (no dependency injection) in place of strawberry's: every
answer must stay the one strawberry's controller gave."""

from __future__ import annotations

import pytest

TEXT = "text/plain; charset=utf-8"
TYPENAME = {"query": "{ __typename }"}
CASES = [
    # (method, path, keyword arguments, status, content type, body starts with)
    ("POST", "/graphql", {"json": [TYPENAME]}, 400, TEXT, "Batching is not enabled"),
    ("POST", "/graphql", {"json": []}, 400, TEXT, "Batching is not enabled"),
    ("POST", "/graphql", {"content": b'{"query": "{ __typename }"}'}, 400, TEXT,
     "Unsupported content type"),
    ("POST", "/graphql", {"content": b"query=x",
                          "headers": {"content-type": "application/x-www-form-urlencoded"}},
     400, TEXT, "Unsupported content type"),
    ("POST", "/graphql", {"files": {"operations": (None, '{"query": "{ __typename }"}'),
                                    "map": (None, "{}")}}, 400, TEXT,
     "Unsupported content type"),
    ("GET", "/graphql?query=%7B__typename%7D", {}, 400, TEXT,
     "queries are not allowed when using GET"),
    ("POST", "/graphql", {"json": {"variables": {}}}, 400, TEXT,
     "No GraphQL query found in the request"),
    ("POST", "/graphql", {"json": {"query": 5}}, 400, TEXT,
     "The GraphQL operation's `query` must be a string or null"),
    ("POST", "/graphql", {"json": {"query": "{ __typename }", "variables": []}}, 400, TEXT,
     "The GraphQL operation's `variables` must be an object or null"),
    ("POST", "/graphql", {"json": {"query": "query a { __typename }", "operationName": "zz"}},
     400, TEXT, 'Unknown operation named "zz".'),
    ("PUT", "/graphql", {"json": TYPENAME}, 405, "application/json",
     '{"status_code":405,"detail":"Method Not Allowed"}'),
    ("POST", "/graphql", {"content": b'{"query": "{ __typename }", "x": "'
                          + b"a" * (11 * 1024 * 1024) + b'"}',
                          "headers": {"content-type": "application/json"}},
     413, "application/json", '{"status_code":413,"detail":"Request Entity Too Large"}'),
    ("POST", "/graphql", {"json": TYPENAME}, 200, "application/json",
     '{"data":{"__typename":"Query"}}'),
    ("POST", "/graphql/", {"json": TYPENAME}, 200, "application/json",
     '{"data":{"__typename":"Query"}}'),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "media", "body"), CASES)
async def test_refusals_and_answers(http, method, path, kwargs, status, media, body):
    resp = await http.request(method, path, **kwargs)
    assert (resp.status_code, resp.headers["content-type"]) == (status, media), resp.text
    assert resp.text.startswith(body), resp.text
    if status != 405:  # Litestar refuses the method before any middleware runs
        assert len(resp.headers["x-request-id"]) == 32


async def test_the_ide_page_and_the_client_request_id(http):
    page = await http.get("/graphql")
    assert page.status_code == 200 and page.text.startswith("<!doctype html>")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    answer = await http.post("/graphql", json=TYPENAME, headers={"X-Request-ID": "abc-123"})
    assert answer.headers["x-client-request-id"] == "abc-123"
    assert answer.headers["x-request-id"] != "abc-123"


async def test_concurrent_requests_keep_their_sub_response_to_themselves(http):
    """strawberry kept the sub-response on the controller (one per app, shared by concurrent
    requests); core.app keeps it in a context variable of the request's task."""
    import asyncio

    from core.app import _sub_response

    assert _sub_response.get() is None
    answers = await asyncio.gather(*[http.post("/graphql", json=TYPENAME) for _ in range(20)])
    assert {a.status_code for a in answers} == {200}
