"""A NUL character (U+0000) anywhere in what a client sends — a variable, an input field, a JSON
value or key, a string literal — is ``INVALID_ARGUMENT`` before anything runs (PostgreSQL
stores none in text or jsonb, so it would otherwise fail deep inside as a server error)."""

import pytest

CREATE = """mutation($input: CreateCommunityInput!) { createCommunity(input: $input) {
  __typename ... on CreateCommunityPayload { community { id } } } }"""
SET_RULE = """mutation($v: JSON!) { setRuleValue(input: {key: "x", value: $v}) { __typename } }"""


def codes(result):
    return [e.get("extensions", {}).get("code") for e in result.get("errors") or []]


async def test_nul_in_an_input_field_writes_nothing(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    out = await gql(CREATE, {"input": {"name": "御苑\x00社区"}}, token=admin.token,
                    node=tenant.code)
    assert out["data"] is None and codes(out) == ["INVALID_ARGUMENT"], out
    assert out["errors"][0]["extensions"]["field"] == "input"
    listed = await gql("{ communities(first: 10) { edges { node { id } } } }",
                       token=admin.token, node=tenant.code)
    assert listed["data"]["communities"]["edges"] == []


@pytest.mark.parametrize("value", ["\x00", {"a": ["b", {"c": "d\x00"}]}, {"k\x00": 1}])
async def test_nul_inside_a_json_value_or_key(gql, factory, value):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    out = await gql(SET_RULE, {"v": value}, token=admin.token, node=tenant.code)
    assert out["data"] is None and codes(out) == ["INVALID_ARGUMENT"], out


async def test_nul_in_a_string_literal(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    out = await gql('{ auditTrail(first: 5, action: "a\\u0000b") { edges { cursor } } }',
                    token=admin.token, node=tenant.code)
    assert out["data"] is None and codes(out) == ["INVALID_ARGUMENT"], out


async def test_nul_in_a_login(gql):
    out = await gql("""mutation($l: String!) { login(input: {login: $l, password: "x"}) {
        __typename } }""", {"l": "admin\x00"})
    assert out["data"] is None and codes(out) == ["INVALID_ARGUMENT"], out


async def test_deep_variable_does_not_exhaust_the_scan(gql):
    deep: list = []
    for _ in range(800):
        deep = [deep]
    out = await gql("query($v: JSON) { __typename }", {"v": deep})
    assert "INTERNAL" not in codes(out), out
