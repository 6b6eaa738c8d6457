"""Central gating: node types owned through the registry, ``node(id:)`` answering
PLUGIN_DISABLED, run-time hooks through pluggy for the tenant's enabled plugins only, and
``core_versions`` checked at load."""

import pytest
import strawberry
from strawberry.types import Info

from core.plugin import NodeType, PluginMeta, hookimpl
from core.registry import PluginError, Registry, core_version
from core.schema.compose import SchemaConflict, build_schema
from core.schema.relay import Node, encode_global_id
from tenants.plugins import change_plugin


@strawberry.type
class GateThing(Node):
    label: str


class Gated:
    """A throwaway plugin owning one node type and implementing the run-time hooks."""

    def __init__(self, name: str = "gate_test", node_type: str = "GateThing",
                 core_versions: str = ">=0.1", *, with_type: bool = True) -> None:
        self.name, self.node_type, self.core_versions = name, node_type, core_versions
        self.with_type = with_type
        self.loaded: list[int] = []
        self.calls: list[tuple[str, object]] = []

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name=self.name, title_zh="门", title_en="Gate", version="0.1",
                          core_versions=self.core_versions)

    @hookimpl
    def linli_graphql_types(self) -> list:
        return [GateThing] if self.node_type == "GateThing" and self.with_type else []

    @hookimpl
    def linli_node_types(self) -> list:
        async def load(info: Info, pk: int) -> GateThing | None:
            self.loaded.append(pk)
            return GateThing(id=encode_global_id(self.node_type, pk), label=f"#{pk}") \
                if pk < 1000 else None

        return [NodeType(self.node_type, load)]

    @hookimpl
    async def linli_on_event(self, event) -> None:
        self.calls.append(("event", event.id))

    @hookimpl
    async def linli_personal_data(self, resident_id: int, action: str):
        self.calls.append(("personal", resident_id))
        return {"plugin": self.name, "action": action}

    @hookimpl
    async def linli_responsible_accounts(self, resident_id: int, tenant_id: int):
        return [len(self.name), 7]

    @hookimpl
    async def linli_demo_data(self, tenant_id: int) -> None:
        self.calls.append(("demo", tenant_id))


def registry_of(*plugins: object) -> Registry:
    registry = Registry()
    for p in plugins:
        registry.register(p)
    registry.check()
    return registry


# -- node types ---------------------------------------------------------------------------

def test_node_types_come_from_core_and_plugins_with_their_owners() -> None:
    schema = build_schema(registry_of(Gated()))
    owners = schema.node_table.owners()
    assert owners["GateThing"] == "gate_test"
    assert owners["Tenant"] == owners["Resident"] == owners["Notification"] == "core"


def test_a_node_type_claimed_by_core_and_a_plugin_names_both() -> None:
    with pytest.raises(SchemaConflict, match="node type Tenant is claimed by both core and "
                                             "gate_test"):
        build_schema(registry_of(Gated(node_type="Tenant")))


def test_a_node_type_claimed_by_two_plugins_names_both() -> None:
    with pytest.raises(SchemaConflict, match="node type GateThing is claimed by both gate_a "
                                             "and gate_b"):
        build_schema(registry_of(Gated("gate_a"), Gated("gate_b", with_type=False)))


def test_node_types_must_be_node_type_objects() -> None:
    class Loose:
        @hookimpl
        def linli_plugin_meta(self) -> PluginMeta:
            return PluginMeta(name="loose_nodes", title_zh="x", title_en="x", version="0.1")

        @hookimpl
        def linli_node_types(self) -> list:
            return [("LooseThing", lambda info, pk: None)]

    with pytest.raises(SchemaConflict, match="loose_nodes: linli_node_types must return NodeType"):
        build_schema(registry_of(Loose()))


NODE = "query($id: ID!) { node(id: $id) { id ... on GateThing { label } } }"


async def test_node_of_a_disabled_plugin_answers_plugin_disabled(plugin_gql, factory, linli_env):
    gated = Gated()
    gql = plugin_gql(gated)
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    gid = encode_global_id("GateThing", 5)

    off = await gql(NODE, {"id": gid}, token=admin.token, node=tenant.code)
    assert off["data"] is None
    assert off["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"
    assert gated.loaded == []  # refused centrally, before the loader

    async with linli_env.state.db.transaction():
        await change_plugin(tenant, "gate_test", True)
    on = await gql(NODE, {"id": gid}, token=admin.token, node=tenant.code)
    assert on.get("errors") is None, on
    assert on["data"]["node"] == {"id": gid, "label": "#5"}
    missing = await gql(NODE, {"id": encode_global_id("GateThing", 5000)}, token=admin.token,
                        node=tenant.code)
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    unknown = await gql(NODE, {"id": encode_global_id("NoSuchThing", 5)}, token=admin.token,
                        node=tenant.code)
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    async with linli_env.state.db.transaction():
        await change_plugin(tenant, "gate_test", False)
    again = await gql(NODE, {"id": gid}, token=admin.token, node=tenant.code)
    assert again["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"
    assert gated.loaded == [5, 5000]
    core_node = await gql("query($id: ID!) { node(id: $id) { id } }",
                          {"id": encode_global_id("Tenant", tenant.id)}, token=admin.token,
                          node=tenant.code)
    assert core_node["data"]["node"]["id"] == encode_global_id("Tenant", tenant.id)


# -- run-time hooks -----------------------------------------------------------------------

class Tracer:
    """A plugin with only a wrapper: it sees each call of the hook it wraps."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="tracer_test", title_zh="追踪", title_en="Tracer", version="0.1")

    @hookimpl(wrapper=True)
    def linli_personal_data(self, resident_id: int, action: str):
        results = yield
        self.seen.append(f"{action}:{len(results)}")
        return results


async def test_runtime_hooks_reach_only_the_tenants_enabled_plugins(linli_env, factory):
    zeta, alpha, off = Gated("zeta_gate", "ZetaThing"), Gated("alpha_gate", "AlphaThing"), \
        Gated("off_gate", "OffThing")
    tracer = Tracer()
    registry = registry_of(zeta, alpha, off, tracer)  # registered out of name order
    monitored: list[str] = []
    undo = registry.pm.add_hookcall_monitoring(
        lambda hook, impls, kwargs: monitored.append(hook), lambda *a: None)
    tenant = await factory.tenant()
    db = linli_env.state.db
    async with db.transaction():
        for name in ("zeta_gate", "alpha_gate", "tracer_test"):
            await change_plugin(tenant, name, True)

    async with db.transaction():
        assert await registry.enabled_for(tenant) == {"zeta_gate", "alpha_gate", "tracer_test"}
        assert await registry.enabled_for(tenant.id) == await registry.enabled_for(tenant)
        exported = await registry.personal_data(42, "export", tenant)
        assert list(exported) == ["alpha_gate", "zeta_gate"]  # sorted by name, off_gate left out
        assert exported["alpha_gate"] == {"plugin": "alpha_gate", "action": "export"}
        assert await registry.responsible_accounts(42, tenant.id) == [7, 9, 10]
        await registry.demo_data(tenant.id)
    undo()
    assert off.calls == []
    assert alpha.calls == [("personal", 42), ("demo", tenant.id)]
    assert tracer.seen == ["export:1", "export:1"]  # the wrapper wrapped each plugin's call
    assert monitored.count("linli_personal_data") == 2  # pluggy's tracing saw the calls


async def test_event_delivery_to_one_plugin_only_if_it_is_enabled(linli_env, factory):
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class FakeEvent:
        id: int
        tenant_id: int

    on, off = Gated("on_gate", "OnThing"), Gated("off_gate", "OffThing")
    registry = registry_of(on, off)
    tenant, other = await factory.tenant(), await factory.tenant()
    db = linli_env.state.db
    async with db.transaction():
        await change_plugin(tenant, "on_gate", True)
        await change_plugin(other, "off_gate", True)
    async with db.transaction():
        assert await registry.on_event(FakeEvent(1, tenant.id), "on_gate") == ["on_gate"]
        assert await registry.on_event(FakeEvent(2, tenant.id), "off_gate") == []
        assert await registry.on_event(FakeEvent(3, tenant.id)) == ["on_gate"]
        hooks = await registry.for_tenant(tenant)
        with pytest.raises(ValueError, match="belongs to tenant"):
            await hooks.on_event(FakeEvent(4, other.id), "on_gate")
    assert on.calls == [("event", 1), ("event", 3)] and off.calls == []


async def test_tenant_enabled_fires_for_the_named_plugin_only(linli_env, factory):
    seeded: list[tuple[str, int]] = []

    def seeder(name: str) -> object:
        class Seeder:
            @hookimpl
            def linli_plugin_meta(self) -> PluginMeta:
                return PluginMeta(name=name, title_zh=name, title_en=name, version="0.1")

            @hookimpl
            async def linli_tenant_enabled(self, tenant_id: int) -> None:
                seeded.append((name, tenant_id))

        return Seeder()

    registry = registry_of(seeder("seed_a"), seeder("seed_b"))
    await registry.tenant_enabled("seed_b", 11)
    await registry.tenant_enabled("not_loaded", 11)
    assert seeded == [("seed_b", 11)]


# -- core_versions ------------------------------------------------------------------------

def test_core_version_is_the_installed_distributions() -> None:
    from importlib.metadata import version

    assert core_version() == version("linli") and Registry().core_version == core_version()


def test_an_incompatible_plugin_refuses_to_load() -> None:
    registry = Registry(core="0.1.0")
    with pytest.raises(PluginError) as err:
        registry.register(Gated("future_gate", core_versions=">=2.0,<3"))
    message = str(err.value)
    assert "future_gate" in message and ">=2.0,<3" in message and "0.1.0" in message
    assert registry.names == [] and registry.pm.get_plugin("future_gate") is None


def test_a_malformed_core_versions_is_refused_and_a_compatible_one_loads() -> None:
    registry = Registry(core="0.1.0")
    with pytest.raises(PluginError, match="odd_gate: core_versions 'soon' is not a version"):
        registry.register(Gated("odd_gate", core_versions="soon"))
    registry.register(Gated("ok_gate", core_versions=">=0.1,<0.2"))
    assert registry.names == ["ok_gate"]
    with pytest.raises(PluginError, match="requires linli core <0.1"):
        Registry(core="0.1.0").register(Gated("old_gate", core_versions="<0.1"))


def test_installed_plugins_are_compatible_with_this_core() -> None:
    registry = Registry()
    registry.load_entrypoints()
    assert "building_heads" in registry.names
