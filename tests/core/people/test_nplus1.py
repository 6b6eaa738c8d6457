"""The SQL statement count of a nested query does not grow with the page size."""


from core.testing import count_statements as counting
from tests.core.schema.test_request_transaction import watching

NESTED = """query($n: Int!) { residents(first: $n) { edges { node { name household { room
  building { name grid { name } community { name } } members { name } } } } } }"""




async def test_statement_count_is_flat(gql, factory, seed, linli_env, record_property):
    town = await seed.town(factory, households=26, per_household=2)  # 2 grids × 26 × 2 = 104
    assert len(town.residents) >= 100
    admin = await factory.account(town.node, "community_staff", place_kind="community",
                                  place_id=town.community.id)
    counts = {}
    for n in (10, 100):
        # warm: the token's principal and access are cached after the first request
        await gql(NESTED, {"n": 1}, token=admin.token, node=town.node.code)
        with counting(linli_env.state.db.engine) as calls:
            result = await gql(NESTED, {"n": n}, token=admin.token, node=town.node.code)
        assert result.get("errors") is None, result
        assert len(result["data"]["residents"]["edges"]) == n
        first = result["data"]["residents"]["edges"][0]["node"]
        assert first["household"]["building"]["grid"]["name"]
        assert len(first["household"]["members"]) == 2
        counts[n] = len(calls)
    record_property("statements_first_10", counts[10])
    record_property("statements_first_100", counts[100])
    assert counts[10] == counts[100], f"statements: first 10 → {counts[10]}, first 100 → " \
                                      f"{counts[100]}"
    # a fixed handful: authentication, the view, the page, one batch per relation (and, on
    # PostgreSQL, one set_config per short scoped transaction)
    assert counts[100] <= 24, f"statements for the nested query: {counts}"


NESTED_NAMES = """{ residents(first: 20) { edges { node { name household { room
  building { name grid { name } } } } } } }"""


async def test_nested_levels_cost_one_statement_each(gql, factory, seed, linli_env):
    town = await seed.town(factory, households=3, per_household=2)
    admin = await factory.account(town.node)
    assert (await gql(NESTED_NAMES, token=admin.token, node=town.node.code)).get("errors") is None
    with watching(linli_env.state.db) as (statements, opened):
        out = await gql(NESTED_NAMES, token=admin.token, node=town.node.code)
    assert out.get("errors") is None, out
    assert out["data"]["residents"]["edges"][0]["node"]["household"]["building"]["grid"]
    assert len(opened) == 1, statements
    # scope (PostgreSQL; it reads the shared auth epoch too, which SQLite reads on its own),
    # page, then household, building, grid: one batch each
    expected = 1 + 1 + 3
    assert len(statements) <= expected, statements


MASKED_PAGE = """query($n: Int!) { residents(first: $n) { edges { node {
  name gender birthYear birthDate idNumber phone } } } }"""


async def test_masking_is_decided_once_per_page(gql, factory, seed, linli_env, monkeypatch):
    """Issue 10: a grid worker's masked page asks no per-row question — no DataLoader load
    and no statement per resident for the ID number or phone (they are masked from the row
    itself; the full values come only from revealResident). The one decision is the caller's
    view of places, loaded once for the page."""
    from core.schema.context import Context

    town = await seed.town(factory, households=26, per_household=2)
    worker = await factory.account(town.node, "grid_worker", place_kind="grid",
                                   place_id=town.grids[0].id)
    await gql(MASKED_PAGE, {"n": 1}, token=worker.token, node=town.node.code)
    loads: list[str] = []
    original = Context.loader

    def counted(self, key, load_fn):
        loader = original(self, key, load_fn)
        loads.append(key)
        return loader

    monkeypatch.setattr(Context, "loader", counted)
    counts = {}
    for n in (5, 50):
        loads.clear()
        with watching(linli_env.state.db) as (statements, _opened):
            out = await gql(MASKED_PAGE, {"n": n}, token=worker.token, node=town.node.code)
        assert out.get("errors") is None, out
        edges = out["data"]["residents"]["edges"]
        assert len(edges) == n
        assert all("*" in e["node"]["idNumber"] and e["node"]["birthDate"] is None
                   for e in edges)
        assert loads == ["people:view"], loads
        counts[n] = len(statements)
    # the page (on SQLite also the epoch; on PostgreSQL the scope and the epoch check go with
    # BEGIN): nothing per row, and no read of the worker's places (a page of residents is
    # limited by the grant's own ids; only communities, grids and compounds are shown around
    # them)
    assert counts[5] == counts[50] == (1 if linli_env.engine == "postgres" else 2), counts
