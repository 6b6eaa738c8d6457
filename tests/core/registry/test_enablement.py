"""Per-tenant enablement: PLUGIN_DISABLED, enabledPlugins, regions, linli_tenant_enabled."""

import strawberry
from strawberry.types import Info

from core.plugin import Permission, PluginMeta, RoleDecl, hookimpl
from core.schema.relay import encode_global_id
from core.testing import _unique_digits
from tenants.scope import current_scope


@strawberry.type
class EchoReply:
    text: str


@strawberry.field(description="throwaway plugin field")
async def echo_ping(info: Info) -> EchoReply:
    return EchoReply(text="pong")


class Echo:
    """A throwaway plugin with one query field, one role, and a seeding hook."""

    def __init__(self) -> None:
        self.seeded: list[tuple[int, int | None]] = []

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(
            name="echo_test", title_zh="回声", title_en="Echo", version="0.1",
            permissions=(Permission("echo_test.ping", "回声", "Ping"),),
            roles=(RoleDecl("echo_test.keeper", "回声员", "Echo keeper",
                            ("tenant.read", "echo_test.ping")),))

    @hookimpl
    def linli_query_fields(self) -> list:
        return [echo_ping]

    @hookimpl
    def linli_graphql_types(self) -> list:
        return [EchoReply]

    @hookimpl
    async def linli_tenant_enabled(self, tenant_id: int) -> None:
        self.seeded.append((tenant_id, current_scope().write_node))


ENABLE = """mutation($input: PluginEnablementInput!) { enablePlugin(input: $input) {
  __typename ... on EnablePluginPayload { enabled newlyEnabled { code } node { code } }
  ... on UserError { code field } } }"""
DISABLE = """mutation($input: PluginEnablementInput!) { disablePlugin(input: $input) {
  __typename ... on DisablePluginPayload { enabled newlyEnabled { code } }
  ... on UserError { code } } }"""


async def test_disabled_field_answers_plugin_disabled(plugin_gql, factory):
    echo = Echo()
    gql = plugin_gql(echo)
    on, off = await factory.tenant(), await factory.tenant()
    on_admin, off_admin = await factory.account(on), await factory.account(off)
    out = await gql(ENABLE, {"input": {"plugin": "echo_test"}}, token=on_admin.token,
                    node=on.code)
    assert out["data"]["enablePlugin"]["newlyEnabled"] == [{"code": on.code}], out
    assert echo.seeded == [(on.id, on.id)]  # inside a scope for that tenant

    ok = await gql("{ echoPing { text } tenant { enabledPlugins } }", token=on_admin.token,
                   node=on.code)
    assert ok.get("errors") is None, ok
    assert ok["data"] == {"echoPing": {"text": "pong"}, "tenant": {"enabledPlugins": ["echo_test"]}}

    refused = await gql("{ echoPing { text } }", token=off_admin.token, node=off.code)
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"
    listed = await gql("{ tenant { enabledPlugins } }", token=off_admin.token, node=off.code)
    assert listed["data"]["tenant"]["enabledPlugins"] == []


async def test_region_enable_reaches_tenants_below_and_later(plugin_gql, factory):
    echo = Echo()
    gql = plugin_gql(echo)
    region = await factory.region()
    before = await factory.tenant(region)
    region_admin = await factory.account(region)
    out = await gql(ENABLE, {"input": {"plugin": "echo_test"}}, token=region_admin.token,
                    node=region.code)
    assert out["data"]["enablePlugin"]["newlyEnabled"] == [{"code": before.code}]
    assert echo.seeded == [(before.id, before.id)]

    created = await gql("""mutation($input: CreateTenantNodeInput!) {
      createTenantNode(input: $input) { ... on CreateTenantNodePayload { node { id code } } } }""",
                        {"input": {"kind": "town", "name": "新镇", "parentId":
                                   encode_global_id("Tenant", region.id),
                                   "code": region.code[:6] + _unique_digits(3) + "000"}},
                        token=region_admin.token, node=region.code)
    code = created["data"]["createTenantNode"]["node"]["code"]
    assert len(echo.seeded) == 2 and echo.seeded[1][0] == echo.seeded[1][1] != before.id

    later = await factory.tenant(region)  # made outside GraphQL: still enabled by inheritance
    for tenant_code in (code, later.code):
        keeper = await factory.account(later if tenant_code == later.code else region)
        ok = await gql("{ echoPing { text } }", token=keeper.token, node=tenant_code)
        assert ok["data"] == {"echoPing": {"text": "pong"}}, ok

    # a tenant switches it off for itself only; enabling again fires the hook again
    off = await gql(DISABLE, {"input": {"plugin": "echo_test",
                                        "nodeId": encode_global_id("Tenant", before.id)}},
                    token=region_admin.token, node=region.code)
    assert off["data"]["disablePlugin"]["enabled"] is False
    admin = await factory.account(before)
    refused = await gql("{ echoPing { text } }", token=admin.token, node=before.code)
    assert refused["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"
    again = await gql(ENABLE, {"input": {"plugin": "echo_test"}}, token=admin.token,
                      node=before.code)
    assert again["data"]["enablePlugin"]["newlyEnabled"] == [{"code": before.code}]
    assert echo.seeded[-1] == (before.id, before.id)


async def test_enable_needs_plugins_manage_and_a_visible_node(plugin_gql, factory):
    gql = plugin_gql(Echo())
    region = await factory.region()
    tenant = await factory.tenant(region)
    official = await factory.account(region, "region_official")
    out = await gql(ENABLE, {"input": {"plugin": "echo_test"}}, token=official.token,
                    node=region.code)
    assert out["data"]["enablePlugin"]["code"] == "FORBIDDEN"
    admin = await factory.account(tenant)
    out = await gql(ENABLE, {"input": {"plugin": "echo_test",
                                       "nodeId": encode_global_id("Tenant", region.id)}},
                    token=admin.token, node=tenant.code)
    assert out["data"]["enablePlugin"] == {"__typename": "UserError", "code": "NOT_FOUND",
                                           "field": "nodeId"}
    listed = await gql("{ tenant { enabledPlugins } }", token=admin.token, node=tenant.code)
    assert listed["data"]["tenant"]["enabledPlugins"] == []


async def test_plugin_role_grants_plugin_permission(plugin_gql, factory):
    gql = plugin_gql(Echo())
    tenant = await factory.tenant()
    keeper = await factory.account(tenant, "echo_test.keeper")
    out = await gql("{ tenant { code } }", token=keeper.token, node=tenant.code)
    assert out["data"]["tenant"]["code"] == tenant.code
