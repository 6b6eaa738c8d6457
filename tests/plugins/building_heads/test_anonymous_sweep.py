"""Security review: with only X-Linli-Node (no credentials) every query field but the public
board answers UNAUTHENTICATED, with the plugin enabled at the node; and node() of any object
kind gives nothing away."""

from __future__ import annotations

from typing import Any

import pytest

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLNonNull,
    GraphQLScalarType,
    Undefined,
)

PUBLIC = {"buildingHeadBoard", "canteenMenu", "canteenPublicCanteens", "mutualAidNeedsBoard", "mutualAidNotesBoard",
          "mutualAidTeams", "mutualAidTeamResponseTimes", "publicCommunities",
          "pointsMarketPublicRanking", "readingRoomSearch", "readingRoomNetworks",
          "mutualAidOpenNeedsByAge", "bloodDrivePublicCalls", "pointsMarketPublicNotices",
          "mutualAidDishes", "mutualAidSessions", "readingRoomActivities"}
"""Public reads of every built-in plugin (anonymous with X-Linli-Node)."""


def _value(arg: str, gtype: Any, world: Any) -> str:
    base = gtype.of_type if isinstance(gtype, GraphQLNonNull) else gtype
    if isinstance(base, GraphQLEnumType):
        return next(iter(base.values))
    assert not isinstance(base, GraphQLInputObjectType), base.name  # none in Query args
    assert isinstance(base, GraphQLScalarType), base
    kind = {"stationId": "BuildingHeadStation", "id": "Resident",
            "communityId": "Community"}.get(arg, "Building")
    return {"ID": f'"{gid(kind, world.buildings[0].id)}"', "Int": "1",
            "Boolean": "false", "Date": '"2024-01-01"', "String": '"people.read"'}.get(base.name, '"x"')


def gid(type_name: str, pk: int) -> str:
    from core.schema.relay import encode_global_id

    return str(encode_global_id(type_name, pk))


@pytest.mark.parametrize("with_node", [True, False])
async def test_every_query_but_the_board_is_unauthenticated_anonymously(linli_env, world, gql,
                                                                        with_node):
    from tenants.plugins import change_plugin

    async with linli_env.state.db.transaction():   # every plugin's fields, not just this one's
        for plugin in linli_env.state.registry.names:
            await change_plugin(world.node, plugin, True)
    query_type = linli_env.state.schema._schema.query_type
    for name, field in query_type.fields.items():
        if name in PUBLIC:
            continue
        args = ", ".join(f"{a}: {_value(a, arg.type, world)}" for a, arg in field.args.items()
                         if isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
                         or a in ("first",))
        call = f"{name}({args})" if args else name
        out = await gql(f"{{ {call} {{ __typename }} }}" if _is_object(field.type)
                        else f"{{ {call} }}", node=world.node.code if with_node else None)
        codes = [e.get("extensions", {}).get("code") for e in out.get("errors", [])]
        assert codes == ["UNAUTHENTICATED"], (name, out)
        # nothing answered: no data, or a nullable field answered null beside the error
        assert not any((out.get("data") or {}).values()), (name, out)


def _is_object(gtype: Any) -> bool:
    while hasattr(gtype, "of_type"):
        gtype = gtype.of_type
    return hasattr(gtype, "fields")


async def test_node_of_any_kind_is_unauthenticated_anonymously(world, gql):
    for type_name, pk in (("Resident", 1), ("Building", world.buildings[0].id),
                          ("BuildingHeadMatter", 1), ("Tenant", world.node.id),
                          ("AuditEntry", 1), ("Notification", 1)):
        out = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": gid(type_name, pk)},
                        node=world.node.code)
        codes = [e.get("extensions", {}).get("code") for e in out.get("errors", [])]
        assert codes in (["UNAUTHENTICATED"], ["NOT_FOUND"]), (type_name, out)
        assert not out.get("data"), (type_name, out)
