"""Variable values that do not fit their type are the client's ``INVALID_ARGUMENT``: an Int
beyond 32 bits, a date that does not exist, an unknown enum value, a scalar whose parser
raises. Never ``INTERNAL``, never a Python exception's text, never the whole huge value."""

import warnings
from typing import NewType

import pytest
import strawberry
from strawberry.types import Info

from core.plugin import PluginMeta, hookimpl
from core.schema.limits import MAX_MESSAGE


def codes(result):
    return [e.get("extensions", {}).get("code") for e in result.get("errors") or []]


@pytest.mark.parametrize("first", [2**31, -2**31 - 1, 2**53, 2**63])
async def test_int_beyond_32_bits(gql, factory, first):
    region = await factory.region()
    admin = await factory.account(region)
    out = await gql("query($f: Int!) { tenantTree(first: $f) { edges { cursor } } }",
                    {"f": first}, token=admin.token, node=region.code)
    assert out["data"] is None and codes(out) == ["INVALID_ARGUMENT"], out
    assert "$f" in out["errors"][0]["message"]


@pytest.mark.parametrize("on", ["2026-02-30", "", "x", "0000-01-01", "长" * 100_000])
async def test_date_that_does_not_exist(gql, factory, on):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    out = await gql("query($on: Date) { effectiveRules(on: $on) { key } }", {"on": on},
                    token=admin.token, node=tenant.code)
    assert out["data"] is None and codes(out) == ["INVALID_ARGUMENT"], out
    assert len(out["errors"][0]["message"]) <= MAX_MESSAGE + 1


async def test_edge_dates_that_exist_are_fine(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    for on in ("0001-01-01", "9999-12-31"):
        out = await gql("query($on: Date) { effectiveRules(on: $on) { key } }", {"on": on},
                        token=admin.token, node=tenant.code)
        assert out.get("errors") is None, out


async def test_unknown_enum_value_inside_an_input(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    out = await gql("mutation($g: Gender) { createResident(input: {householdId: \"x\", "
                    "name: \"张三\", idNumber: \"1\", gender: $g}) { __typename } }",
                    {"g": "NOT_A_VALUE"}, token=admin.token, node=tenant.code)
    assert out["data"] is None and codes(out) == ["INVALID_ARGUMENT"], out
    assert "Gender" in out["errors"][0]["message"]


def _explode(value: object) -> str:
    raise ValueError('relation "secret_table" does not exist; password=hunter2')


with warnings.catch_warnings():  # a class inline is deprecated; a plugin has no scalar_map
    warnings.simplefilter("ignore", DeprecationWarning)
    Secret = strawberry.scalar(NewType("Secret", str), name="FuzzSecret",
                               parse_value=_explode, serialize=str)


@strawberry.field
async def fuzz_echo(info: Info, value: Secret) -> str:
    return str(value)


class Echo:
    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="fuzz_echo", title_zh="回声", title_en="Echo", version="0.1")

    @hookimpl
    def linli_query_fields(self) -> list:
        return [fuzz_echo]


async def test_a_scalar_parser_error_text_is_not_shown(plugin_gql, factory):
    gql = plugin_gql(Echo())
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    resp = await gql.http.post("/graphql", json={
        "query": "query($v: FuzzSecret!) { fuzzEcho(value: $v) }", "variables": {"v": "x"}},
        headers={"Authorization": f"Bearer {admin.token}", "X-Linli-Node": tenant.code})
    out = resp.json()
    assert out["data"] is None and codes(out) == ["INVALID_ARGUMENT"], out
    assert "FuzzSecret" in out["errors"][0]["message"]
    for leak in ("secret_table", "hunter2", "ValueError", "Traceback"):
        assert leak not in resp.text
