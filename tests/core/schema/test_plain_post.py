"""A plain JSON POST skips strawberry's request parsing (core.app ``_plain_post``) and answers
exactly as strawberry's view does: every case here goes through both, byte for byte."""

from __future__ import annotations

import json
from typing import Any

import pytest
from strawberry.http.async_base_view import AsyncBaseHTTPView

import core.app

ME = "{ me { account { id } } }"
PAGE = ("query Page($n: Int!) { myNotifications(first: $n) { edges { cursor node { id kind } } "
        "pageInfo { hasNextPage } } }")
TWO = "query A { me { account { id } } } query B { unreadNotificationCount }"
MARK = "mutation { markNotificationsRead(input: {all: true}) { __typename } }"
LOGIN = ('mutation { login(input: {login: "nobody-here", password: "wrong-password-1"}) '
         "{ __typename } }")

JSON = {"content-type": "application/json"}


def cases() -> list[tuple[str, dict[str, str], bytes, bool]]:
    """(label, headers, body, whether the plain lane takes it)."""
    def body(value: Any) -> bytes:
        return json.dumps(value).encode()

    return [
        ("query", JSON, body({"query": ME}), True),
        ("variables", JSON, body({"query": PAGE, "variables": {"n": 3}}), True),
        ("null variables", JSON, body({"query": ME, "variables": None}), True),
        ("charset", {"content-type": "application/json; charset=utf-8"}, body({"query": ME}),
         True),
        ("named operation", JSON, body({"query": TWO, "operationName": "B"}), True),
        ("unnamed of two", JSON, body({"query": TWO}), True),
        ("unknown operation", JSON, body({"query": TWO, "operationName": "C"}), True),
        ("mutation", JSON, body({"query": MARK}), True),
        ("failed login", JSON, body({"query": LOGIN}), True),
        ("syntax error", JSON, body({"query": "{ me { "}), True),
        ("unknown field", JSON, body({"query": "{ meme }"}), True),
        ("bad variable", JSON, body({"query": PAGE, "variables": {"n": "three"}}), True),
        ("lone surrogate", JSON, b'{"query": "{ me { account { id } } } # \\ud800"}', True),
        ("NUL in a variable", JSON, body({"query": PAGE, "variables": {"n": 1, "x": "a\u0000"}}),
         True),
        ("variables not an object", JSON, body({"query": ME, "variables": [1]}), False),
        ("query not a string", JSON, body({"query": 5}), False),
        ("no query", JSON, body({"variables": {}}), False),
        ("operationName not a string", JSON, body({"query": ME, "operationName": 3}), False),
        ("extensions", JSON, body({"query": ME, "extensions": {}}), False),
        ("batch", JSON, body([{"query": ME}]), False),
        ("not JSON", JSON, b"{nope", False),
        ("JSON not an object", JSON, b'"text"', False),
        ("too deep", JSON, b"[" * 100_000 + b"]" * 100_000, False),
        ("text/plain", {"content-type": "text/plain"}, body({"query": ME}), False),
        ("no content type", {}, body({"query": ME}), False),
        ("event stream", {**JSON, "accept": "text/event-stream"}, body({"query": ME}), False),
        ("multipart", {**JSON, "accept": "multipart/mixed"}, body({"query": ME}), False),
    ]


def comparable(response: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = sorted((k, v) for k, v in response.headers.items()
                     if k not in ("x-request-id", "date"))
    return response.status_code, headers, response.content


async def test_plain_posts_answer_as_strawberrys_view_does(http, factory, monkeypatch):
    node = await factory.tenant()
    account = await factory.account(node)
    auth = {"Authorization": f"Bearer {account.token}", "X-Linli-Node": node.code}
    parsed: list[int] = []
    original = AsyncBaseHTTPView.parse_http_body

    async def counting(self: Any, request: Any) -> Any:
        parsed.append(1)
        return await original(self, request)

    monkeypatch.setattr(AsyncBaseHTTPView, "parse_http_body", counting)
    for label, headers, body, plain in cases():
        for who in ({}, auth):
            sent = {**headers, **who}
            monkeypatch.setattr(core.app, "PLAIN_POST", False)
            parsed.clear()
            expected = comparable(await http.post("/graphql", content=body, headers=sent))
            assert parsed, label  # the stock view answered
            monkeypatch.setattr(core.app, "PLAIN_POST", True)
            parsed.clear()
            got = comparable(await http.post("/graphql", content=body, headers=sent))
            assert got == expected, (label, who != {})
            assert (not parsed) == plain, label  # the plain lane took it, or left it


@pytest.mark.parametrize("content_type", ["APPLICATION/JSON", "application/json;charset=UTF-8"])
async def test_content_type_spelling(http, content_type, monkeypatch):
    body = json.dumps({"query": "{ __typename }"}).encode()
    answers = []
    for plain in (False, True):
        monkeypatch.setattr(core.app, "PLAIN_POST", plain)
        answers.append(comparable(await http.post("/graphql", content=body,
                                                  headers={"content-type": content_type})))
    assert answers[0] == answers[1]
