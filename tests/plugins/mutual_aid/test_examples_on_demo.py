"""Every example operation in graphql/operations/mutual_aid/ runs as it is on the demo data of
御苑社区 (the live subscription is exercised in test_live.py): staff with the tenant
administrator's grants, a resident with their own account for what residents do themselves,
anonymous readers for the public boards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from core.demo.people import demo_rows
from core.demo.places import DEMO_COMPOUNDS
from core.identity.tables import Account
from core.people.excel import import_rows
from core.plugin import encode_global_id, today_shanghai
from plugins.mutual_aid import tables as t
from plugins.mutual_aid.demo import seed_demo
from tenants.service import scope_for

OPS = Path(__file__).resolve().parents[3] / "graphql" / "operations" / "mutual_aid"
RESIDENT_OPS = {"MutualAidSignUp", "MutualAidPlaceOrder", "MutualAidPlusOne",
                "MutualAidPostNote"}
PUBLIC_OPS = {"MutualAidNeedsBoard", "MutualAidTeamResponseTimes", "MutualAidNotesBoard",
              "MutualAidTeams", "MutualAidOpenNeedsByAge", "MutualAidDishes", "MutualAidSessions"}


def gid(type_name: str, pk: Any) -> str:
    return str(encode_global_id(type_name, int(pk)))


def _operations() -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(OPS.glob("*.graphql")):
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            lines = [ln for ln in block.splitlines() if ln and not ln.startswith("#")]
            if lines and lines[0].split()[0] in ("query", "mutation", "subscription"):
                out[lines[0].split()[1].split("(")[0]] = "\n".join(lines)
    return out


async def test_every_example_runs_on_the_demo(linli_env, factory, gql, enable_plugin):
    node = await factory.tenant()
    rows = demo_rows(node.code, ("御苑社区", "中巨社区"), DEMO_COMPOUNDS, count=120, seed=node.id)
    report = await import_rows(linli_env.state.db, node,
                               ((i + 2, r) for i, r in enumerate(rows)), None,
                               pii_key=linli_env.settings.pii_key, progress=False)
    assert report.ok, report.errors[:3]
    await enable_plugin(node, "mutual_aid")
    async with linli_env.state.db.scoped(scope_for(node), write=True):
        await seed_demo(node.id)
    async with linli_env.state.db.scoped(scope_for(node)):
        box = await t.Box.select().order_by(t.Box.id).first()
        community = int(box["community_id"])
        items = await t.Item.select().where(t.Item.box_id == box["id"]).order_by(t.Item.id)
        tool = next(i for i in items if i["loanable"] and i["quantity"] > 0)
        supply = next(i for i in items if not i["loanable"] and i["quantity"] >= 2)
        loan = await t.Loan.select().where(t.Loan.returned_at.is_null()).first()
        donation = await t.Donation.select().where(t.Donation.status == "pending").first()
        team = await t.Team.select().where(t.Team.community_id == community).first()
        dishes = await t.Dish.select().where(t.Dish.community_id == community)
        session_dish = next(d for d in dishes if d["mode"] == "session")
        service = next(d for d in dishes if d["mode"] == "service" and not d["eligible_tag"])
        now = datetime.now(UTC)
        held = await t.Session.select().where(t.Session.starts_at < now).first()
        coming = await t.Session.select().where(
            (t.Session.starts_at > now) & (t.Session.signed_up < t.Session.capacity)).first()
        signed = await t.Signup.select().where(t.Signup.session_id == held["id"]).first()
        taken = {int(r["resident_id"]) for r in await t.Signup.select(t.Signup.resident_id)
                 .where(t.Signup.session_id == coming["id"])}
        orders: dict[str, list[dict[str, Any]]] = {}
        for r in await t.Order.select().order_by(t.Order.id):
            orders.setdefault(r["status"], []).append(r)
        voiced = {int(r["resident_id"]) for r in await t.PlusOne.select(t.PlusOne.resident_id)}
        residents = [int(r["resident_id"]) for r in await t.Signup.select(t.Signup.resident_id)]
        notes_: dict[str, list[dict[str, Any]]] = {}
        for r in await t.Note.select().order_by(t.Note.id):
            notes_.setdefault(r["status"], []).append(r)
        projects = {r["stage"]: r for r in await t.Project.select()}
    from core.plugin import residents_in

    async with linli_env.state.db.scoped(scope_for(node)):
        everyone = [r.id for r in await residents_in()]
    placed = orders["placed"]
    me = next(r for r in everyone if r not in taken and r not in voiced
              and r != placed[1]["resident_id"])
    staff = await factory.account(node)
    resident = await factory.account(node, "resident")
    async with linli_env.state.db.transaction():
        await Account.update({Account.resident_id: me, Account.resident_tenant_id: node.id}
                             ).where(Account.id == resident.id)
    month = f"{today_shanghai():%Y-%m}"
    variables: dict[str, dict[str, Any]] = {
        "MutualAidCreateBox": {"buildingId": gid("Building", box["building_id"])},
        "MutualAidAddItem": {"boxId": gid("MutualAidBox", box["id"])},
        "MutualAidTake": {"itemId": gid("MutualAidItem", tool["id"]),
                          "residentId": gid("Resident", everyone[0])},
        "MutualAidReturn": {"loanId": gid("MutualAidLoan", loan["id"])},
        "MutualAidOfferDonation": {"boxId": gid("MutualAidBox", box["id"])},
        "MutualAidConfirmDonation": {"donationId": gid("MutualAidDonation", donation["id"])},
        "MutualAidCountItem": {"itemId": gid("MutualAidItem", supply["id"])},
        "MutualAidBoxes": {"first": 10},
        "MutualAidOverdueLoans": {},
        "MutualAidTeams": {"communityId": gid("Community", community)},
        "MutualAidCreateDish": {"teamId": gid("MutualAidTeam", team["id"])},
        "MutualAidCreateSession": {"dishId": gid("MutualAidDish", session_dish["id"]),
                                   "startsAt": (now + timedelta(days=9)).isoformat()},
        "MutualAidSignUp": {"sessionId": gid("MutualAidSession", coming["id"])},
        "MutualAidMarkAttendance": {"sessionId": gid("MutualAidSession", held["id"]),
                                    "residentId": gid("Resident", signed["resident_id"])},
        "MutualAidPlaceOrder": {"dishId": gid("MutualAidDish", service["id"])},
        "MutualAidAcceptOrder": {"orderId": gid("MutualAidOrder", placed[0]["id"]),
                                 "volunteerId": gid("Resident", everyone[0])},
        "MutualAidScheduleOrder": {"orderId": gid("MutualAidOrder", orders["accepted"][0]["id"]),
                                   "at": (now + timedelta(days=1)).isoformat()},
        "MutualAidFinishOrder": {"orderId": gid("MutualAidOrder", orders["scheduled"][0]["id"])},
        "MutualAidConfirmOrder": {"orderId": gid("MutualAidOrder", orders["done"][0]["id"])},
        "MutualAidPlusOne": {"orderId": gid("MutualAidOrder", placed[1]["id"])},
        "MutualAidNeedToMatter": {"orderId": gid("MutualAidOrder", placed[-1]["id"])},
        "MutualAidOrders": {"status": "placed"},
        "MutualAidNeedsBoard": {"communityId": gid("Community", community)},
        "MutualAidDishes": {"teamId": gid("MutualAidTeam", session_dish["team_id"])},
        "MutualAidSessions": {"communityId": gid("Community", community)},
        "MutualAidTeamResponseTimes": {"communityId": gid("Community", community)},
        "MutualAidPostNote": {"communityId": gid("Community", community)},
        "MutualAidTranscribeNote": {"communityId": gid("Community", community)},
        "MutualAidModerateNote": {"noteId": gid("MutualAidNote", notes_["pending"][0]["id"]),
                                  "publish": True, "reason": ""},
        "MutualAidAnswerNote": {"noteId": gid("MutualAidNote", next(
            n for n in notes_["published"] if not n["answer"])["id"])},
        "MutualAidNoteToMatter": {"noteId": gid("MutualAidNote", notes_["published"][0]["id"])},
        "MutualAidNotesForModeration": {},
        "MutualAidNotesBoard": {"communityId": gid("Community", community)},
        "MutualAidCreateProject": {"communityId": gid("Community", community)},
        "MutualAidRecordSurvey": {"projectId": gid("MutualAidProject", projects["survey"]["id"]),
                                  "buildingId": gid("Building", box["building_id"])},
        "MutualAidAdvanceProject": {"projectId": gid("MutualAidProject",
                                                     projects["design"]["id"])},
        "MutualAidCreateProjectDish": {"teamId": gid("MutualAidTeam", team["id"]),
                                       "projectId": gid("MutualAidProject",
                                                        projects["delivery"]["id"])},
        "MutualAidProjects": {"communityId": gid("Community", community)},
        "MutualAidBoxSummary": {"month": month},
        "MutualAidBoxSummaryExport": {"month": month},
        "MutualAidResponseTimesExport": {"communityId": gid("Community", community)},
        "MutualAidOpenNeedsByAge": {"communityId": gid("Community", community)},
    }
    operations = _operations()
    missing = sorted(set(operations) - set(variables) - {"MutualAidBoardUpdates"})
    assert not missing, f"examples without a demo run: {missing}"
    for name, doc in operations.items():
        if name == "MutualAidBoardUpdates":
            continue
        token = None if name in PUBLIC_OPS else (
            resident.token if name in RESIDENT_OPS else staff.token)
        out = await gql(doc, variables[name], token=token, node=node.code)
        assert "errors" not in out, (name, out)
        for value in out["data"].values():
            if isinstance(value, dict) and "__typename" in value:
                assert value["__typename"].endswith("Payload"), (name, value)
            assert value not in (None, [], {"edges": []}), (name, out)
    assert residents
