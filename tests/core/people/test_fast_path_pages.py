"""On Linli's own schema, a masked residents page is completed by the fast execution path
(``core.schema.execution.FastExecutionContext``): below the root field no field goes through
graphql-core's ``execute_field`` — the strawberry field shapes it recognises (a plain attribute,
a method of ``self`` alone) are still what strawberry builds, so an upgrade that changes them
fails here instead of quietly falling back to the slow path."""

from __future__ import annotations

from core.testing.fast_path import record_execute_field

PAGE = """{ residents(first: 20) { edges { cursor node { __typename id name gender birthYear
  birthDate idNumber phone isHead relation } } pageInfo { hasNextPage endCursor } } }"""


async def test_a_masked_residents_page_needs_one_execute_field(gql, factory, seed, monkeypatch):
    town = await seed.town(factory, households=3)
    admin = await factory.account(town.node)
    calls = record_execute_field(monkeypatch)
    result = await gql(PAGE, token=admin.token, node=town.node.code)
    assert not result.get("errors"), result
    edges = result["data"]["residents"]["edges"]
    assert len(edges) == min(20, len(town.residents))
    assert all(e["node"]["idNumber"].count("*") >= 10 and e["node"]["birthDate"] is None
               for e in edges)
    assert calls == ["Query.residents"]
