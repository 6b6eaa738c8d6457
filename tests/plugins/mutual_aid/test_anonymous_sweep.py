"""Security review: with only X-Linli-Node (no credentials) every mutualAid query field but the
public boards answers UNAUTHENTICATED, with the plugin enabled; the boards show no resident."""

from __future__ import annotations

from typing import Any

from core.plugin import encode_global_id
from graphql import GraphQLNonNull, Undefined

PUBLIC = {"mutualAidNeedsBoard", "mutualAidNotesBoard", "mutualAidTeams",
          "mutualAidTeamResponseTimes", "mutualAidOpenNeedsByAge", "mutualAidDishes",
          "mutualAidSessions"}


def _is_object(gtype: Any) -> bool:
    while hasattr(gtype, "of_type"):
        gtype = gtype.of_type
    return hasattr(gtype, "fields")


async def test_every_private_query_is_unauthenticated_anonymously(linli_env, world, gql):
    community = str(encode_global_id("Community", world.community.id))
    query_type = linli_env.state.schema._schema.query_type
    swept = []
    for name, field in query_type.fields.items():
        if not name.startswith("mutualAid"):
            continue
        args = ", ".join(f'{a}: {"10" if a == "first" else chr(34) + community + chr(34)}'
                         for a, arg in field.args.items()
                         if isinstance(arg.type, GraphQLNonNull)
                         and arg.default_value is Undefined)
        call = f"{name}({args})" if args else name
        out = await gql(f"{{ {call} {{ __typename }} }}" if _is_object(field.type)
                        else f"{{ {call} }}", node=world.node.code)
        codes = [e.get("extensions", {}).get("code") for e in out.get("errors", [])]
        if name in PUBLIC:
            assert codes == [], (name, out)
        else:
            assert codes == ["UNAUTHENTICATED"], (name, out)
            assert not out.get("data"), (name, out)
        swept.append(name)
    assert set(swept) >= PUBLIC | {"mutualAidBoxes", "mutualAidLoans", "mutualAidOrders",
                                   "mutualAidNotes"}
