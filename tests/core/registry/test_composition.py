"""Strict composition: a GraphQL name claimed twice fails naming both owners."""

import pytest
import strawberry
from strawberry.types import Info

from core.plugin import PluginMeta, hookimpl
from core.registry import Registry
from core.schema.compose import SchemaConflict, build_schema


def plugin(name: str, *, query=(), types=()) -> object:
    class Plugin:
        @hookimpl
        def linli_plugin_meta(self) -> PluginMeta:
            return PluginMeta(name=name, title_zh=name, title_en=name, version="0.1")

        @hookimpl
        def linli_query_fields(self) -> list:
            return list(query)

        @hookimpl
        def linli_graphql_types(self) -> list:
            return list(types)

    return Plugin()


def registry_of(*plugins: object) -> Registry:
    registry = Registry()
    for p in plugins:
        registry.register(p)
    registry.check()
    return registry


def test_plugin_field_clashing_with_core_names_both() -> None:
    @strawberry.field(name="tenant")
    async def my_tenant(info: Info) -> str:
        return "x"

    with pytest.raises(SchemaConflict, match="Query.tenant is claimed by both core and clash_a"):
        build_schema(registry_of(plugin("clash_a", query=[my_tenant])))


def test_two_plugins_claiming_one_field_name_both() -> None:
    @strawberry.field
    async def shared_board(info: Info) -> str:
        return "a"

    @strawberry.field(name="sharedBoard")
    async def other_board(info: Info) -> str:
        return "b"

    registry = registry_of(plugin("clash_a", query=[shared_board]),
                           plugin("clash_b", query=[other_board]))
    with pytest.raises(SchemaConflict, match="sharedBoard is claimed by both clash_a and clash_b"):
        build_schema(registry)


def test_duplicated_type_name_names_both() -> None:
    @strawberry.type(name="ClashThing")
    class One:
        a: int

    @strawberry.type(name="ClashThing")
    class Two:
        b: int

    registry = registry_of(plugin("clash_a", types=[One]), plugin("clash_b", types=[Two]))
    with pytest.raises(SchemaConflict, match="type ClashThing is claimed by both clash_a and "
                                             "clash_b"):
        build_schema(registry)


def test_plugin_type_clashing_with_core_type() -> None:
    @strawberry.type(name="Tenant")
    class FakeTenant:
        a: int

    with pytest.raises(SchemaConflict, match="Tenant is claimed by both core and clash_a"):
        build_schema(registry_of(plugin("clash_a", types=[FakeTenant])))


def test_distinct_names_compose() -> None:
    @strawberry.type
    class ClashAThing:
        a: int

    @strawberry.field
    async def clash_a_things(info: Info) -> list[ClashAThing]:
        return []

    schema = build_schema(registry_of(plugin("clash_a", query=[clash_a_things],
                                             types=[ClashAThing])))
    assert "clashAThings: [ClashAThing!]!" in str(schema)
