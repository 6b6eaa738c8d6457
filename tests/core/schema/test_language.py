"""User-facing text in the request's language: ``Accept-Language`` picks zh-CN (default) or
English for ``message``; ``messageZh``/``messageEn`` always carry both."""

from __future__ import annotations

import pytest

from core.language import language_from_header
from core.schema.relay import encode_global_id

CREATE = """mutation($input: CreateTenantNodeInput!) { createTenantNode(input: $input) {
  ... on UserError { code message messageZh messageEn } } }"""


@pytest.mark.parametrize("header, lang", [
    ("", "zh"), ("zh-CN,zh;q=0.9", "zh"), ("en-US,en;q=0.9", "en"), ("en", "en"),
    ("zh-CN;q=0.5, en;q=0.8", "en"), ("en;q=0.3, zh", "zh"), ("fr, de", "zh"),
    ("en;q=abc", "zh"),
])
def test_accept_language_is_read(header: str, lang: str) -> None:
    assert language_from_header(header) == lang


@pytest.mark.parametrize("headers, expect", [
    ({}, "zh"), ({"Accept-Language": "zh-CN"}, "zh"), ({"Accept-Language": "en-GB,en"}, "en"),
])
async def test_errors_speak_one_language(gql, factory, headers, expect) -> None:
    region = await factory.region()
    admin = await factory.account(region)
    out = await gql(CREATE, {"input": {"kind": "street", "code": "12345", "name": "坏",
                                       "parentId": encode_global_id("Tenant", region.id)}},
                    token=admin.token, node=region.code, headers=headers)
    err = out["data"]["createTenantNode"]
    assert err["code"] == "INVALID_ARGUMENT", out
    assert " / " not in err["message"]
    assert err["message"] == (err["messageZh"] if expect == "zh" else err["messageEn"])
    assert err["messageZh"] != err["messageEn"]


async def test_query_errors_speak_one_language(gql) -> None:
    q = "{ tenantTree(first: 0) { edges { cursor } } }"
    zh = await gql(q, node="000000000000")
    en = await gql(q, node="000000000000", headers={"Accept-Language": "en"})
    ext = en["errors"][0]["extensions"]
    assert en["errors"][0]["message"] == ext["messageEn"]
    assert zh["errors"][0]["message"] == zh["errors"][0]["extensions"]["messageZh"]
