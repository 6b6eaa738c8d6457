"""The main workflow through GraphQL: register and open a canteen, register an elder, record
meals at the counter (an account and a counter key bound to the canteen), batch upload, the
statement count of the nested list, the claim, the public menu, and PLUGIN_DISABLED."""

from __future__ import annotations

import base64
from datetime import date
from pathlib import Path

from canteen_kit import enable, gid, operating_canteen

from core.plugin import decode_global_id, today_shanghai
from core.testing import count_statements as counting

OPS = Path(__file__).resolve().parents[3] / "graphql" / "operations" / "canteen"


DOC = "\n".join((OPS / f"{f}.graphql").read_text(encoding="utf-8")
                for f in ("canteens", "meals", "settlement"))


async def call(gql, name: str, variables: dict, **kw) -> dict:
    """Run one named operation of the example documents."""
    doc = _only(name)
    out = await gql(doc, variables, **kw)
    assert "errors" not in out, out
    return out["data"]


def _only(name: str) -> str:
    blocks = DOC.split("\n\n")
    return next(b for b in blocks if f" {name}(" in b.split("{")[0] or f" {name} " in b)


async def test_workflow(city, gql, factory, linli_env):
    admin = await factory.account(city.a.node)
    kw = {"token": admin.token, "node": city.a.node.code}
    created = await call(gql, "CanteenCreate", {"input": {
        "name": "馨颐颐养中心幸福食堂", "kind": "NEW_BUILT", "elderlyCentre": True,
        "slots": ["LUNCH", "DINNER"], "seats": 60}}, **kw)
    canteen = created["canteenCreate"]["canteen"]
    assert canteen["status"] == "PLANNED"
    for status in ("SIGNED", "FITTING_OUT", "READY", "OPERATING"):
        moved = await call(gql, "CanteenChangeStatus", {"input": {
            "canteenId": canteen["id"], "status": status, "changedOn": "2024-01-02",
            "expectedReadyOn": "2024-03-01" if status == "FITTING_OUT" else None}}, **kw)
        if status == "FITTING_OUT":
            assert moved["canteenChangeStatus"]["canteen"]["expectedReadyOn"] == "2024-03-01"
        assert moved["canteenChangeStatus"]["__typename"] == "CanteenChangeStatusPayload", moved
    history = moved["canteenChangeStatus"]["canteen"]["history"]
    assert [h["status"] for h in history] == ["PLANNED", "SIGNED", "FITTING_OUT", "READY",
                                               "OPERATING"]
    # fitting out without its expected ready date is refused, nothing written
    other = await call(gql, "CanteenCreate", {"input": {"name": "东关国际幸福食堂",
                                                        "kind": "ENTERPRISE_LISTED"}}, **kw)
    other_id = other["canteenCreate"]["canteen"]["id"]
    await call(gql, "CanteenChangeStatus", {"input": {"canteenId": other_id,
                                                      "status": "SIGNED"}}, **kw)
    missing = await call(gql, "CanteenChangeStatus", {"input": {
        "canteenId": other_id, "status": "FITTING_OUT"}}, **kw)
    assert (missing["canteenChangeStatus"]["code"],
            missing["canteenChangeStatus"]["field"]) == ("INVALID_ARGUMENT", "expectedReadyOn")
    bad = await call(gql, "CanteenChangeStatus", {"input": {
        "canteenId": canteen["id"], "status": "SIGNED"}}, **kw)
    assert bad["canteenChangeStatus"]["code"] == "CONFLICT"
    resident = await city.resident(city.a, "张桂英", date(1943, 1, 1))
    reg = await call(gql, "CanteenRegisterElder", {"input": {
        "residentId": gid("Resident", resident.id), "cardToken": "CARD-0001"}}, **kw)
    elder = reg["canteenRegisterElder"]["elder"]
    assert elder["nameMasked"] == "张**"
    found = await call(gql, "CanteenIdentifyElder", {"cardToken": "CARD-0001"}, **kw)
    assert found["canteenIdentifyElder"]["id"] == elder["id"]
    meal = await call(gql, "CanteenRecordMeal", {"input": {
        "canteenId": canteen["id"], "slot": "LUNCH", "priceFen": 1000,
        "cardToken": "CARD-0001"}}, **kw)
    assert meal["canteenRecordMeal"]["meal"]["subsidyFen"] == 400
    refused = await call(gql, "CanteenRecordMeal", {"input": {
        "canteenId": canteen["id"], "slot": "BREAKFAST", "priceFen": 1000,
        "cardToken": "CARD-0001"}}, **kw)
    assert (refused["canteenRecordMeal"]["code"], refused["canteenRecordMeal"]["field"]) == (
        "INVALID_ARGUMENT", "slot")
    # a counter key bound to this canteen records; bound to another canteen it is refused
    from core.identity.apikeys import create_api_key

    cid = decode_global_id(canteen["id"], "CanteenCanteen", "id")[1]
    async with linli_env.state.db.transaction():
        _, key = await create_api_key(city.a.node.id, ["canteen.serve", "canteen.read"],
                                      linli_env.state.rolebook, object_kind="canteen",
                                      object_id=cid)
        _, other = await create_api_key(city.a.node.id, ["canteen.serve"],
                                        linli_env.state.rolebook, object_kind="canteen",
                                        object_id=int(city.a.canteen["id"]))
    by_key = await call(gql, "CanteenRecordMeal", {"input": {
        "canteenId": canteen["id"], "slot": "DINNER", "priceFen": 900,
        "elderId": elder["id"]}}, headers={"X-Api-Key": key})
    assert by_key["canteenRecordMeal"]["meal"]["unsubsidisedReason"] == "daily_cap"
    wrong = await call(gql, "CanteenRecordMeal", {"input": {
        "canteenId": canteen["id"], "slot": "DINNER", "priceFen": 900,
        "elderId": elder["id"], "servedOn": "2024-06-01"}},
                       headers={"X-Api-Key": other})
    assert wrong["canteenRecordMeal"]["code"] == "FORBIDDEN"
    csv = "卡号,日期,餐次,价格(分)\nCARD-0001,2024-06-03,午餐,1000\nX,2024-06-03,lunch,1\n"
    up = {"input": {"canteenId": canteen["id"], "filename": "d.csv",
                    "contentBase64": base64.b64encode(csv.encode()).decode()}}
    first = await call(gql, "CanteenUploadMeals", up, **kw)
    again = await call(gql, "CanteenUploadMeals", up, **kw)
    assert first["canteenUploadMeals"]["report"]["recorded"] == 1
    assert again["canteenUploadMeals"]["report"]["unchanged"] == 1
    assert again["canteenUploadMeals"]["report"]["rejected"][0]["row"] == 2
    gen = await call(gql, "CanteenGenerateSettlements", {"input": {"month": "2024-06"}}, **kw)
    assert gen["canteenGenerateSettlements"]["written"] == 1
    claims = await call(gql, "CanteenSettlements", {"first": 10, "month": "2024-06"}, **kw)
    [edge] = claims["canteenSettlements"]["edges"]
    assert (edge["node"]["totalFen"], edge["node"]["canteenName"]) == (400, "馨颐颐养中心幸福食堂")
    ok = await call(gql, "CanteenReviewSettlement", {"input": {
        "settlementId": edge["node"]["id"], "approve": True}}, **kw)
    assert ok["canteenReviewSettlement"]["settlement"]["status"] == "approved"
    export = await call(gql, "CanteenSettlementExport", {"month": "2024-06"}, **kw)
    assert base64.b64decode(export["canteenSettlementExport"])[:2] == b"PK"
    # weekly menu, read anonymously with the node header
    monday = today_shanghai().toordinal() - today_shanghai().weekday()
    week = date.fromordinal(monday).isoformat()
    menu = await call(gql, "CanteenSetMenu", {"input": {
        "canteenId": canteen["id"], "weekStartsOn": week, "dishes": [
            {"weekday": 1, "slot": "LUNCH", "dish": "清蒸鲈鱼", "priceFen": 1200,
             "nutritionTags": ["低盐", "高蛋白"]}]}}, **kw)
    assert menu["canteenSetMenu"]["dishes"] == 1
    public = await call(gql, "CanteenMenu", {"canteenId": canteen["id"]}, node=city.a.node.code)
    assert public["canteenMenu"][0]["nutritionTags"] == ["低盐", "高蛋白"]


async def test_statement_count_of_nested_lists(city, gql, factory, linli_env):
    admin = await factory.account(city.a.node)
    kw = {"token": admin.token, "node": city.a.node.code}
    elders = [await city.elder(f"老人{i}", date(1940 + i % 15, 1, 1)) for i in range(12)]
    for i, elder in enumerate(elders):
        await city.meal(city.a, elder, date(2024, 8, 1 + i % 3))
    for n in range(11):
        await operating_canteen(linli_env, city.a, f"食堂{n}")
    counts = {}
    for first in (10, 100):
        for name in ("CanteenMeals", "CanteenCanteens"):
            # warm: the token's access and the plugin gate are cached after a first request
            await gql(_only(name), {"first": first}, **kw)
            with counting(linli_env.state.db.engine) as calls:
                out = await gql(_only(name), {"first": first}, **kw)
            assert "errors" not in out, out
            counts[(name, first)] = len(calls)
    print(f"\ncanteen statement counts: {counts}")
    assert counts[("CanteenMeals", 10)] == counts[("CanteenMeals", 100)], counts
    assert counts[("CanteenCanteens", 10)] == counts[("CanteenCanteens", 100)], counts


async def test_plugin_disabled(city, gql, factory, linli_env):
    admin = await factory.account(city.b.node)
    await enable(linli_env, city.b.node, False)
    out = await gql(_only("CanteenCanteens"), {"first": 5}, token=admin.token,
                    node=city.b.node.code)
    assert out["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"
    created = await gql(_only("CanteenCreate"), {"input": {"name": "x",
                                                           "kind": "NEW_BUILT"}},
                        token=admin.token, node=city.b.node.code)
    assert "PLUGIN_DISABLED" in str(created)


async def test_isolation_probe(city, isolation_probe):
    from plugins.canteen import tables

    await isolation_probe([tables.Canteen, tables.StatusChange, tables.OperatorLink,
                           tables.Meal, tables.Settlement, tables.MenuItem,
                           tables.AbsenceAlert, tables.Elder, tables.DailySubsidy,
                           tables.Payment])
