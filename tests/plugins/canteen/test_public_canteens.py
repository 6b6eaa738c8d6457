"""The public list of a street's canteens (``canteenPublicCanteens``): read without a login by
naming the street office with X-Linli-Node, only that street's canteens, planned and closed ones
left out, paged, the same statement count for ``first: 10`` and ``first: 100``; PLUGIN_DISABLED
where the plugin is off; each id opens the canteen's public weekly menu."""

from __future__ import annotations

from datetime import timedelta

from canteen_kit import enable, operating_canteen

from core.plugin import system_access, today_shanghai
from core.testing import count_statements as counting
from plugins.canteen.services import canteens

LIST = """query($first: Int!, $after: String) {
  canteenPublicCanteens(first: $first, after: $after) {
    edges { node { id name address status expectedReadyOn slots seats operating } }
    pageInfo { hasNextPage endCursor }
  }
}"""
MENU = "query($id: ID!) { canteenMenu(canteenId: $id) { dish } }"


async def test_anonymous_list_of_one_street(city, gql, linli_env):
    async with city.write(city.a):
        access = system_access(city.a.node)
        planned = await canteens.create_canteen(
            access, name="规划食堂", kind="enterprise_listed", elderly_centre=False,
            operator_name="", address="", slots=["lunch"], seats=10)
        fitting = await canteens.create_canteen(
            access, name="装修食堂", kind="new_built", elderly_centre=True, operator_name="",
            address="东关街1号", slots=["lunch", "dinner"], seats=30)
        await canteens.change_status(access, int(fitting["id"]), "signed", None)
        await canteens.change_status(access, int(fitting["id"]), "fitting_out", None,
                                     expected_ready_on=today_shanghai() + timedelta(days=30))
        closed = await canteens.create_canteen(
            access, name="关闭食堂", kind="new_built", elderly_centre=False, operator_name="",
            address="", slots=["lunch"], seats=10)
        await canteens.change_status(access, int(closed["id"]), "closed", None)
    assert planned
    out = await gql(LIST, {"first": 10}, node=city.a.node.code)
    assert "errors" not in out, out
    rows = [e["node"] for e in out["data"]["canteenPublicCanteens"]["edges"]]
    assert [r["name"] for r in rows] == ["幸福食堂0", "装修食堂"]
    assert rows[0]["operating"] is True and rows[0]["status"] == "OPERATING"
    assert rows[1] == {**rows[1], "operating": False, "status": "FITTING_OUT",
                       "address": "东关街1号", "slots": ["LUNCH", "DINNER"], "seats": 30}
    assert rows[1]["expectedReadyOn"] is not None
    # paged: one per page, the cursor carries on
    page = await gql(LIST, {"first": 1}, node=city.a.node.code)
    after = page["data"]["canteenPublicCanteens"]["pageInfo"]
    assert after["hasNextPage"] is True
    rest = await gql(LIST, {"first": 1, "after": after["endCursor"]}, node=city.a.node.code)
    assert [e["node"]["name"] for e in rest["data"]["canteenPublicCanteens"]["edges"]] == [
        "装修食堂"]
    # the other street sees only its own; an id from the list opens the public menu
    other = await gql(LIST, {"first": 10}, node=city.b.node.code)
    assert [e["node"]["name"] for e in other["data"]["canteenPublicCanteens"]["edges"]] == [
        "幸福食堂1"]
    menu = await gql(MENU, {"id": rows[0]["id"]}, node=city.a.node.code)
    assert menu["data"] == {"canteenMenu": []}, menu
    crossed = await gql(MENU, {"id": rows[0]["id"]}, node=city.b.node.code)
    assert crossed["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # no header: told it is missing
    bare = await gql(LIST, {"first": 10})
    assert bare["errors"][0]["extensions"]["field"] == "X-Linli-Node", bare


async def test_statement_count_is_flat(city, gql, linli_env):
    for n in range(105):
        await operating_canteen(linli_env, city.a, f"食堂{n:03d}", slots=("lunch",))
    counts = {}
    for first in (10, 100):
        await gql(LIST, {"first": first}, node=city.a.node.code)   # warm the node lookup
        with counting(linli_env.state.db.engine) as calls:
            out = await gql(LIST, {"first": first}, node=city.a.node.code)
        assert "errors" not in out, out
        assert len(out["data"]["canteenPublicCanteens"]["edges"]) == first
        counts[first] = len(calls)
    print(f"\npublic canteen list statements: {counts}")
    assert counts[10] == counts[100], counts


async def test_plugin_disabled(city, gql, linli_env):
    await enable(linli_env, city.b.node, False)
    out = await gql(LIST, {"first": 10}, node=city.b.node.code)
    assert out["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED", out
    assert not out.get("data")
