"""GraphQL limits: depth, aliases, tokens, named operations, no batching; production switches;
masked errors; ``first`` bounds; and the validation cache still hitting."""

from dataclasses import replace

import strawberry
from core.schema.documents import document_cache
from strawberry.types import Info

from core.plugin import PluginMeta, hookimpl
from core.schema.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from core.schema.relay import encode_global_id
from core.testing import _unique_digits
from tenants.service import get_node_by_code, set_plugin_enabled


def codes(result):
    return [e.get("extensions", {}).get("code") for e in result.get("errors") or []]


async def test_depth_over_limit(gql):
    query = "{ tenant " + "{ parent " * MAX_DEPTH + "{ code }" + " }" * (MAX_DEPTH + 1)
    out = await gql(query)
    assert out["data"] is None
    assert codes(out) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "depth" in out["errors"][0]["message"]


async def test_depth_within_limit_is_validated_fine(gql):
    query = "{ tenant { parent { parent { code } } } }"
    assert codes(await gql(query)) == ["UNAUTHENTICATED"]  # validated, then refused


async def test_too_many_aliases(gql):
    body = " ".join(f"a{i}: __typename" for i in range(MAX_ALIASES + 1))
    out = await gql("{ " + body + " }")
    assert out["data"] is None and codes(out)[0] == "GRAPHQL_VALIDATION_FAILED"
    assert "aliases" in out["errors"][0]["message"]


async def test_too_many_tokens(gql):
    out = await gql("{ " + "__typename " * (MAX_TOKENS + 1) + "}")
    assert out["data"] is None and codes(out) == ["GRAPHQL_PARSE_FAILED"]
    assert "token" in out["errors"][0]["message"].lower()


async def test_syntax_error_has_a_code(gql):
    out = await gql("{ tenant { code } } }")
    assert out["data"] is None and codes(out) == ["GRAPHQL_PARSE_FAILED"]


async def test_several_operations_run_the_named_one(http):
    """Standard GraphQL over HTTP: a document with several operations runs the one
    ``operationName`` names (and only that one)."""
    doc = "query A { a: __typename } query B { b: __typename }"
    out = (await http.post("/graphql", json={"query": doc, "operationName": "B"})).json()
    assert out == {"data": {"b": "Query"}}
    out = (await http.post("/graphql", json={"query": doc, "operationName": "A"})).json()
    assert out == {"data": {"a": "Query"}}


async def test_several_operations_without_a_name_are_refused(http):
    resp = await http.post("/graphql", json={"query": "query A { __typename } query B { "
                                             "__typename }"})
    out = resp.json()
    assert out.get("data") is None and out["errors"]
    assert "operation name" in out["errors"][0]["message"].lower()
    unknown = await http.post("/graphql", json={
        "query": "query A { __typename }", "operationName": "Nope"})
    assert unknown.status_code == 400 and "Nope" in unknown.text


async def test_batch_refused_and_not_executed(http, factory):
    region = await factory.region()
    admin = await factory.account(region)
    code = region.code[:6] + _unique_digits(3) + "000"
    mutation = {"query": """mutation($input: CreateTenantNodeInput!) { createTenantNode(
        input: $input) { __typename } }""", "variables": {"input": {
        "kind": "street", "code": code, "name": "批量", "parentId":
        encode_global_id("Tenant", region.id)}}}
    resp = await http.post("/graphql", json=[mutation, mutation], headers={
        "Authorization": f"Bearer {admin.token}", "X-Linli-Node": region.code})
    assert resp.status_code == 400
    async with factory.env.state.db.transaction(write=False):
        assert await get_node_by_code(code) is None


async def test_production_turns_off_introspection_and_graphiql(plugin_gql, linli_env, http):
    introspect = "{ __schema { queryType { name } } }"
    dev = await http.get("/graphql", headers={"Accept": "text/html"})
    assert dev.status_code == 200 and "graphiql" in dev.text.lower()
    assert (await http.post("/graphql", json={"query": introspect})).json()["data"] is not None

    gql = plugin_gql(settings=replace(linli_env.settings, env="production"))
    out = await gql(introspect)
    assert out["data"] is None and set(codes(out)) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "introspection" in out["errors"][0]["message"]
    page = await gql.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code != 200 and "graphiql" not in page.text.lower()


async def test_production_gives_no_suggestions_and_no_openapi_schema(plugin_gql, linli_env,
                                                                     http):
    """Issue 9 item 7: "Did you mean 'idNumber'?" and Litestar's /schema pages told the schema
    that introspection is off to hide."""
    typo = "{ residents(first: 1) { edges { node { idNumbr } } } }"
    enum = "query($g: Gender!) { __typename } "
    dev = await http.post("/graphql", json={"query": typo})
    assert "Did you mean" in dev.json()["errors"][0]["message"]
    assert (await http.get("/schema/openapi.json")).status_code == 200

    gql = plugin_gql(settings=replace(linli_env.settings, env="production"))
    out = await gql(typo)
    assert codes(out) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Did you mean" not in out["errors"][0]["message"]
    assert "idNumbr" in out["errors"][0]["message"]
    out = await gql(enum, {"g": "MALEE"})
    assert out["errors"] and all("Did you mean" not in e["message"] for e in out["errors"])
    for path in ("/schema", "/schema/swagger", "/schema/openapi.json", "/schema/openapi.yaml"):
        page = await gql.http.get(path)
        assert page.status_code == 404, (path, page.status_code)


@strawberry.field
async def boom_explode(info: Info) -> str:
    raise RuntimeError('relation "secret_table" does not exist; password=hunter2')


class Boom:
    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="boom_test", title_zh="炸", title_en="Boom", version="0.1")

    @hookimpl
    def linli_query_fields(self) -> list:
        return [boom_explode]


async def test_unexpected_error_is_masked(plugin_gql, factory):
    gql = plugin_gql(Boom())
    tenant = await factory.tenant()
    async with factory.env.state.db.transaction():
        await set_plugin_enabled(tenant, "boom_test", True)
    admin = await factory.account(tenant)
    resp = await gql.http.post("/graphql", json={"query": "{ boomExplode }"}, headers={
        "Authorization": f"Bearer {admin.token}", "X-Linli-Node": tenant.code})
    out = resp.json()
    assert out["data"] is None and codes(out) == ["INTERNAL"]
    assert out["errors"][0]["message"] == "服务器内部错误 / internal server error"
    for leak in ("secret_table", "hunter2", "Traceback", "RuntimeError", ".py"):
        assert leak not in resp.text


async def test_first_bounds(gql, factory):
    region = await factory.region()
    admin = await factory.account(region)
    for first in (-1, 0, 101):
        out = await gql("query($f: Int!) { tenantTree(first: $f) { edges { cursor } } }",
                        {"f": first}, token=admin.token, node=region.code)
        assert out["data"] is None and codes(out) == ["INVALID_ARGUMENT"]
        assert out["errors"][0]["extensions"]["field"] == "first"
    ok = await gql("{ tenantTree(first: 100) { edges { cursor } } }", token=admin.token,
                   node=region.code)
    assert ok.get("errors") is None


async def test_validation_cache_hits_with_limits_on(gql, factory):
    region = await factory.region()
    admin = await factory.account(region)
    query = "{ tenantTree(first: 7) { edges { node { code kind } } } tenant { code } }"
    cache = document_cache()[1]
    await gql(query, token=admin.token, node=region.code)
    before = cache.cache_info()
    for _ in range(3):
        out = await gql(query, token=admin.token, node=region.code)
        assert out.get("errors") is None
    after = cache.cache_info()
    assert after.hits - before.hits == 3
    assert after.misses == before.misses
