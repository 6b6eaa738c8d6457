"""Issue 9 item 4: strict characters. Identifier-like input is NFKC-normalised then matched
against ASCII patterns (full-width digits are the same number; superscripts are refused), a lone
surrogate anywhere a client sends a string is INVALID_ARGUMENT (not HTTP 500 or INTERNAL), and
JSON values are bounded in depth."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.people.validation import validate_id_number, validate_phone
from core.errors import ApiError
from core.testing import id_number

CREATE = """mutation($input: CreateResidentInput!) { createResident(input: $input) {
  __typename ... on UserError { code field } } }"""

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_full_width_is_normalised_and_superscripts_refused():
    number = id_number()
    assert validate_id_number(number.translate(FULL_WIDTH)).value == number
    assert validate_phone("１３８００１３８０００") == "13800138000"
    for bad in (number[:-2] + "²" + number[-1], number[:5] + "\u0663" + number[6:]):
        with pytest.raises(ApiError) as err:
            validate_id_number(bad)
        assert err.value.code == "INVALID_ARGUMENT" and err.value.field == "idNumber"
    for bad in ("1380013800²", "138\u0660013800", "\ud800"):
        with pytest.raises(ApiError):
            validate_phone(bad)


async def test_full_width_id_number_hits_the_duplicate_check(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    number = id_number()
    first = await gql(CREATE, {"input": {"name": "张三", "idNumber": number}},
                      token=admin.token, node=tenant.code)
    assert first["data"]["createResident"]["__typename"] == "CreateResidentPayload", first
    again = await gql(CREATE, {"input": {"name": "张三", "idNumber": number.translate(FULL_WIDTH)}},
                      token=admin.token, node=tenant.code)
    assert again["data"]["createResident"] == {"__typename": "UserError", "code": "CONFLICT",
                                               "field": "idNumber"}
    sup = await gql(CREATE, {"input": {"name": "李四", "idNumber": number[:-2] + "³" + number[-1]}},
                    token=admin.token, node=tenant.code)
    assert sup["data"]["createResident"]["code"] == "INVALID_ARGUMENT"


def _raw(query: str, variables: dict[str, Any] | None = None) -> bytes:
    """A body with lone surrogates escaped as JSON allows (``"\\ud800"``)."""
    return json.dumps({"query": query, "variables": variables or {}}).encode()


CASES = [
    ('query($p: String!) { checkPermission(permission: $p) { allowed } }', {"p": "\ud800"}),
    ('{ checkPermission(permission: "a\ud800") { allowed } }', None),
    ('query($t: String) { residents(first: 5, tag: $t) { edges { node { id } } } }',
     {"t": "\udfff"}),
    ('{ residents(first: 5, tag: "\ud800") { edges { node { id } } } }', None),
    ('query \ud800Op { __typename }', None),
    ('mutation($l: String!) { login(input: {login: $l, password: "x"}) { __typename } }',
     {"l": "ab\ud800"}),
    ('mutation($t: String!) { refreshToken(input: {refreshToken: $t}) { __typename } }',
     {"t": "\ud83d"}),
    ('query($x: String) { __typename }', {"x": {"\ud800": 1}}),
]


@pytest.mark.parametrize(("query", "variables"), CASES)
async def test_lone_surrogates_are_invalid_argument(http, factory, query, variables):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    resp = await http.post("/graphql", content=_raw(query, variables),
                           headers={"Content-Type": "application/json",
                                    "Authorization": f"Bearer {admin.token}",
                                    "X-Linli-Node": tenant.code})
    assert resp.status_code < 500, resp.text
    body = resp.json()
    codes = {e["extensions"]["code"] for e in body["errors"]}
    assert codes == {"INVALID_ARGUMENT"}, body


async def test_deep_json_rule_value_is_invalid_argument(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    mutation = """mutation($v: String!) { setRuleValue(input: {key: "people.elderly_age",
      value: $v}) { __typename ... on UserError { code field } } }"""
    for depth in (40, 100_000 // 2):
        value = "[" * depth + "]" * depth
        out = await gql(mutation, {"v": value}, token=admin.token, node=tenant.code)
        assert out.get("errors") is None, out
        assert out["data"]["setRuleValue"] == {"__typename": "UserError",
                                               "code": "INVALID_ARGUMENT", "field": "value"}
    deep: Any = 1
    for _ in range(40):
        deep = [deep]
    out = await gql("query($x: String) { __typename }", {"x": deep})
    assert {e["extensions"]["code"] for e in out["errors"]} == {"INVALID_ARGUMENT"}
