"""Every example operation in graphql/operations/canteen/ runs as it is on the demo data of
柳园街道 (the live subscription is exercised in test_live.py)."""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path
from typing import Any

from canteen_kit import enable, gid, liuyuan

from core.people.records import ResidentRec, from_row
from core.people.residents import reveal_values
from core.people.tables import Resident
from core.plugin import today_shanghai
from plugins.canteen.demo import seed_demo
from plugins.canteen.tables import Canteen, Elder, Settlement
from tenants.service import scope_for

OPS = Path(__file__).resolve().parents[3] / "graphql" / "operations" / "canteen"


def _operations() -> dict[str, str]:
    """Operation name → its block, over every example file."""
    out: dict[str, str] = {}
    for path in sorted(OPS.glob("*.graphql")):
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            lines = [ln for ln in block.splitlines() if ln and not ln.startswith("#")]
            if lines and lines[0].split()[0] in ("query", "mutation", "subscription"):
                out[lines[0].split()[1].split("(")[0]] = "\n".join(lines)
    return out


async def test_every_example_runs_on_the_demo(linli_env, factory, gql):
    node = await liuyuan(linli_env, factory)
    async with linli_env.state.db.scoped(scope_for(node), write=True):
        await seed_demo(node.id)
    async with linli_env.state.db.scoped(scope_for(node)):
        canteens = {r["name"]: r for r in await Canteen.select()}
        elder = await Elder.select().order_by(Elder.id).first()
        claims = {r["status"]: r for r in await Settlement.select()}
        resident = from_row(ResidentRec, await Resident.select().where(
            Resident.id == elder["resident_id"]).first())
        unregistered = await Resident.select(Resident.id).where(
            Resident.id.not_in([r["resident_id"] for r in await Elder.select(
                Elder.resident_id)])).first()
    id_number, _ = reveal_values(resident, linli_env.settings.pii_key)
    admin = await factory.account(node)
    await enable(linli_env, await _parent(node))   # the district's finance marks claims paid
    finance = await factory.account(await _parent(node), "canteen.finance")
    operating = gid("CanteenCanteen", canteens["馨颐颐养中心幸福食堂"]["id"])
    today = today_shanghai()
    sheet = f"卡号,日期,餐次,价格(分)\n{elder['card_token']},{today - timedelta(days=1)},午餐,1000\n"
    month = f"{today.year:04d}-{today.month:02d}"
    variables: dict[str, dict[str, Any]] = {
        "CanteenCreate": {"input": {"name": "示例新食堂", "kind": "ENTERPRISE_LISTED",
                                    "slots": ["LUNCH"], "seats": 20}},
        "CanteenChangeStatus": {"input": {
            "canteenId": gid("CanteenCanteen", canteens["福乐居幸福食堂"]["id"]),
            "status": "FITTING_OUT", "expectedReadyOn": str(today + timedelta(days=30))}},
        "CanteenLinkOperator": {"input": {"canteenId": operating,
                                          "accountId": gid("Account", admin.id)}},
        "CanteenCanteens": {"first": 10},
        "CanteenSetMenu": {"input": {"canteenId": operating,
                                     "weekStartsOn": str(today - timedelta(days=today.weekday())),
                                     "dishes": [{"weekday": 1, "slot": "LUNCH",
                                                 "dish": "清炖排骨", "priceFen": 1200}]}},
        "CanteenMenu": {"canteenId": operating},
        "CanteenPublicCanteens": {"first": 10},
        "CanteenRegisterElder": {"input": {"residentId": gid("Resident",
                                                             unregistered["id"])}},
        "CanteenIdentifyElder": {"cardToken": elder["card_token"]},
        "CanteenFindElderByIdNumber": {"input": {"idNumber": id_number}},
        "CanteenElders": {"name": str(elder["name"])[:1], "first": 10},
        "CanteenRecordMeal": {"input": {
            "canteenId": gid("CanteenCanteen", elder_canteen(canteens, elder)),
            "slot": "DINNER", "priceFen": 1000, "idNumber": id_number}},
        "CanteenUploadMeals": {"input": {"canteenId": gid(
            "CanteenCanteen", elder_canteen(canteens, elder)), "filename": "day.csv",
            "contentBase64": base64.b64encode(sheet.encode()).decode(), "source": "BATCH"}},
        "CanteenMeals": {"first": 10},
        "CanteenSignals": {"from": str(today - timedelta(days=30)), "to": str(today)},
        "CanteenGenerateSettlements": {"input": {"month": month}},
        "CanteenSettlements": {"first": 10},
        "CanteenReviewSettlement": {"input": {
            "settlementId": gid("CanteenSettlement", claims["generated"]["id"]),
            "approve": True}},
        "CanteenMarkPaid": {"input": {"settlementId": gid("CanteenSettlement",
                                                          claims["approved"]["id"])}},
        "CanteenSettlementExport": {"month": month},
    }
    operations = _operations()
    missing = sorted(set(operations) - set(variables) - {"CanteenLiveStats"})
    assert not missing, f"examples without a demo run: {missing}"
    for name, doc in operations.items():
        if name == "CanteenLiveStats":
            continue
        caller = finance if name == "CanteenMarkPaid" else admin
        code = (await _parent(node)).code if name == "CanteenMarkPaid" else node.code
        token = None if name in ("CanteenMenu", "CanteenPublicCanteens") else caller.token
        out = await gql(doc, variables[name], token=token, node=code)
        assert "errors" not in out, (name, out)
        for value in out["data"].values():
            if isinstance(value, dict) and "__typename" in value:
                assert value["__typename"].endswith("Payload"), (name, value)
            assert value not in (None, [], {"edges": []}), (name, out)


def elder_canteen(canteens: dict[str, Any], elder: dict[str, Any]) -> int:
    """A canteen serving dinner, where the demo elder has not eaten today."""
    return int(canteens["馨颐颐养中心幸福食堂"]["id"])


async def _parent(node: Any) -> Any:
    from core.plugin import get_node

    parent = await get_node(node.parent_id)
    assert parent is not None
    return parent
