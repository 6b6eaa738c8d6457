"""orjson writes GraphQL responses byte for byte as ``json.dumps`` did, and the strawberry,
graphql-core and Litestar versions whose internals the request pipeline relies on are the pinned
ones."""

from __future__ import annotations

import json
import random
from importlib.metadata import version

import strawberry
from hypothesis import given, settings
from hypothesis import strategies as st

import graphql
from core.schema.http import encode_response

PINNED = {"strawberry-graphql": "0.341.2", "graphql-core": "3.3.2", "litestar": "2.25.0"}


def stock(data: object) -> bytes:
    return as_bytes(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def as_bytes(out: bytes | str) -> bytes:
    return out if isinstance(out, bytes) else out.encode("utf-8", "surrogatepass")


def test_pinned_versions_are_the_ones_installed():
    """core.app replaces strawberry's Litestar controller's ``response`` dependency (it would
    hop to a thread on every request) and core.schema.limits reads strawberry's execution
    context, and core.http_lane stands in for Litestar's HTTP route: a different version must be
    looked at on purpose, not picked up silently."""
    installed = {name: version(name) for name in PINNED}
    assert installed == PINNED, (
        f"installed {installed}, pinned {PINNED}: check core/app.py (GraphQLController."
        "dependencies, and its HTTP handlers standing in for strawberry's handle_http_get/"
        "handle_http_post with get_sub_response), core/schema/limits.py (RequestTransaction) and "
        "core/http_lane.py (build_route_middleware_stack, HTTPRoute.handle, ASGIResponse) "
        "against the new version, then update the pins in pyproject.toml and here")
    from strawberry.litestar import controller

    assert "response" in controller.GraphQLController.dependencies
    assert strawberry.__name__ and graphql.version == PINNED["graphql-core"]


def test_the_api_answers_without_a_thread_hop_for_the_sub_response(linli_app):
    route = next(r for r in linli_app.routes if r.path == "/graphql")
    for handler in route.route_handlers:
        assert handler.resolve_dependencies()["response"].sync_to_thread is False


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=5)
    | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_orjson_writes_what_json_wrote(value):
    assert as_bytes(encode_response({"data": value})) == stock({"data": value})


def test_chinese_control_characters_and_edge_values():
    rng = random.Random(10)
    samples = ["邻里 通知：请于周六到社区领取", "\u2028\u2029", "\x00\x01\x1f\x7f", "😀 emoji",
               "\"quoted\" \\ back/slash", "\t\n\r\b\f", 0.1, 1e300, -0.0, 2**63 - 1, 1.0,
               [rng.random() for _ in range(20)], {"中文键": None}]
    for sample in samples:
        assert as_bytes(encode_response({"data": sample})) == stock({"data": sample})
    # what orjson refuses falls back to json: still the same bytes
    for odd in (2**70, "\ud800 lone", {1: "int key"}):
        assert as_bytes(encode_response({"data": odd})) == stock({"data": odd})


BOUNDARY_FLOATS = [1e-4, 9.999e-5, 1e-5, 6.103515625e-05, -2.5e-7, 1e-10, 5e-324,
                   2.2250738585072014e-308,
                   1e15, 1e16, 1.2345678901234568e17, 1.7976931348623157e308, 0.1 + 0.2, 123.456,
                   -0.0001, 0.00012, 1 / 3, 2 / 3 * 1e-6, 4.35, 100.0]


def test_floats_on_either_side_of_where_the_two_encoders_differ():
    for value in BOUNDARY_FLOATS:
        for wrapped in (value, [value, "x"], {"a": value, "b": "Yzo1e-x"}):
            assert as_bytes(encode_response({"data": wrapped})) == stock({"data": wrapped}), value
    # the same with many digits and exponents, seeded
    rng = random.Random(20261128)
    for _ in range(3000):
        value = rng.uniform(-10, 10) * 10.0 ** rng.randint(-30, 30)
        assert as_bytes(encode_response({"data": value})) == stock({"data": value}), value


def test_text_that_looks_like_floats_and_values_json_would_not_write_as_json():
    """Strings that look like float tokens, tuples and str subclasses come out as ``json``
    writes them; a NaN or an infinity (which no GraphQL Float lets through; a JSON scalar
    could) is orjson's ``null`` wherever it is — valid JSON, where ``json`` would write
    ``NaN``."""
    class Text(str):
        pass

    cases = ['{"a":1.5}', ',1.5', "[2e10", '":-3.25E1', {"k": ",7.0"}, [["x", '":1e5']],
             (1, 2.5), ("a", "b"), Text(",1.5"), {"n": True, "m": None, "i": -(2**63)},
             "0.00001e-5", ["Yzo1e-x", 1.5]]
    for sample in cases:
        assert as_bytes(encode_response({"data": sample})) == stock({"data": sample}), sample
    for sample, written in ((float("nan"), b"null"), ([float("inf"), 1], b"[null,1]"),
                            ([float("nan"), 0.5], b"[null,0.5]")):
        assert as_bytes(encode_response({"data": sample})) == b'{"data":' + written + b"}"


def test_the_http_handlers_take_nothing_through_dependency_injection(linli_app):
    """core.app builds the context, root value and sub-response of an HTTP request itself:
    Litestar resolved strawberry's three independent dependencies in an anyio task group,
    three tasks per request (the WebSocket endpoint still takes its own)."""
    route = next(r for r in linli_app.routes if r.path == "/graphql"
                 and "POST" in getattr(r, "methods", ()))
    handlers = [h for h in route.route_handlers if h.http_methods & {"GET", "POST"}]
    assert len(handlers) == 2
    for handler in handlers:
        assert set(handler.parsed_fn_signature.parameters) == {"request"}, handler
