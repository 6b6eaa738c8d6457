"""Whatever bytes a client posts to /graphql, a refusal is a 400 with a plain reason: never a
500 (a body that is not an object, invalid UTF-8, nesting too deep for the JSON parser)."""

import pytest


@pytest.mark.parametrize("body", [b'"x"', b"5", b"null", b"true", b'{"query": "{ me { id } }"}\xff',
                                  b"\xff\xfe{}", b"[" * 100_000 + b"]" * 100_000,
                                  b'{"query": "{ __typename }", "variables": {"v": '
                                  + b"[" * 100_000 + b"]" * 100_000 + b"}}"])
async def test_malformed_body_is_400(http, body):
    resp = await http.post("/graphql", content=body,
                           headers={"content-type": "application/json"})
    assert resp.status_code == 400, resp.text
    for leak in ("Traceback", "Error", ".py"):
        assert leak not in resp.text


async def test_an_object_body_still_works(http):
    resp = await http.post("/graphql", content=b'{"query": "{ __typename }"}',
                           headers={"content-type": "application/json"})
    assert resp.status_code == 200 and resp.json() == {"data": {"__typename": "Query"}}
