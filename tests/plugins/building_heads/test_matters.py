"""议事 Matters through GraphQL: the four steps, resolution at any step, escalation, hand-off to
the grid worker with a notification, refused transitions, who may raise, plugin disabled."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from core.audit.service import AuditEntry
from core.identity.tables import Account
from core.notify.service import Notification
from core.schema.relay import decode_global_id, encode_global_id
from plugins.building_heads.services.appointments import end_term
from plugins.building_heads.tables import Appointment, MatterStep

STEPS = ["COMMITTEES", "JOINT", "RESIDENTS", "IMPLEMENTING"]
MATTER = """id title level step resolved resolution raisedBy rating handedToGridWorker
  buildingId compoundId communityId
  timeline { kind step participants decision decidedOn }"""
RESULT = ("... on BuildingHeadMatterChange { matter { " + MATTER
          + " } entry { kind step decision } } ... on UserError { code field messageEn }")


def _op(name: str, input_type: str) -> str:
    return (f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {RESULT} }} }}")


RAISE = _op("buildingHeadRaiseMatter", "BuildingHeadRaiseMatterInput")
ADVANCE = _op("buildingHeadAdvanceMatter", "BuildingHeadAdvanceMatterInput")
RESOLVE = _op("buildingHeadResolveMatter", "BuildingHeadResolveMatterInput")
ESCALATE = _op("buildingHeadEscalateMatter", "BuildingHeadEscalateMatterInput")
HAND_OFF = _op("buildingHeadHandOffMatter", "BuildingHeadHandOffMatterInput")
FOLLOW_UP = _op("buildingHeadFollowUpMatter", "BuildingHeadFollowUpMatterInput")


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


def _pk(global_id: str) -> int:
    return decode_global_id(global_id)[1]


async def make_head(factory: Any, world: Any, b: int = 0) -> Any:
    """A serving head of building ``b``: the role at the building plus an appointment."""
    building = world.buildings[b]
    acct = await factory.account(world.node, "building_heads.head", place_kind="building",
                                 place_id=building.id)
    resident = world.residents[world.households[building.id][1].id][0]
    async with world.write():
        await Appointment.insert(Appointment(
            tenant_id=world.node.id, building_id=building.id, resident_id=resident.id,
            account_id=acct.id, serving_head=building.id, term_start=date(2024, 1, 1),
            term_end=date(2027, 1, 1), created_at=datetime.now(UTC)))
    return acct


async def make_resident_account(factory: Any, world: Any, b: int = 0) -> Any:
    """An account linked to the resident of household 2 of building ``b``."""
    acct = await factory.account(world.node, "resident")
    resident = world.residents[world.households[world.buildings[b].id][2].id][0]
    async with world.env.state.db.transaction():
        await Account.update({Account.resident_id: resident.id,
                              Account.resident_tenant_id: world.node.id}).where(
            Account.id == acct.id)
    return acct


class Caller:
    """Runs the matter mutations as one account and unwraps the result."""

    def __init__(self, gql: Any, world: Any, acct: Any) -> None:
        self.gql, self.world, self.acct = gql, world, acct

    async def run(self, op: str, **input: Any) -> dict[str, Any]:
        out = await self.gql(op, {"input": input}, token=self.acct.token,
                             node=self.world.node.code)
        assert "errors" not in out, out
        return next(iter(out["data"].values()))  # type: ignore[no-any-return]

    async def ok(self, op: str, **input: Any) -> dict[str, Any]:
        result = await self.run(op, **input)
        assert "matter" in result, result
        return result

    async def fails(self, op: str, code: str, **input: Any) -> dict[str, Any]:
        result = await self.run(op, **input)
        assert result.get("code") == code, result
        return result

    async def raise_at(self, b: int = 0, title: str = "楼道灯坏了", **more: Any) -> dict[str, Any]:
        return (await self.ok(RAISE, title=title, description="三单元楼道灯不亮",
                              buildingId=gid("Building", self.world.buildings[b].id), **more)
                )["matter"]

    async def advance(self, matter: dict[str, Any], step: str, **more: Any) -> dict[str, Any]:
        more.setdefault("participants", ["王书记", "李楼长"])
        more.setdefault("decision", f"{step} 同意")
        return (await self.ok(ADVANCE, matterId=matter["id"], step=step, **more))["matter"]


async def test_a_matter_walks_all_four_steps_and_is_rated(world, gql, factory):
    head = Caller(gql, world, await make_head(factory, world))
    resident = Caller(gql, world, await make_resident_account(factory, world))
    matter = await head.raise_at(participants=["李楼长"], raisedOn="2025-03-01")
    assert (matter["step"], matter["level"], matter["raisedBy"]) == ("RAISED", "BUILDING", "head")
    assert matter["compoundId"] == gid("Compound", world.compound.id)
    for i, step in enumerate(STEPS):
        matter = await head.advance(matter, step, decidedOn=f"2025-03-0{i + 2}")
    assert (matter["step"], matter["resolved"]) == ("IMPLEMENTING", False)
    done = await resident.advance(matter, "EVALUATED", rating=4, participants=["居民代表"],
                                  decision="满意", decidedOn="2025-03-09")
    assert (done["step"], done["resolved"], done["rating"]) == ("EVALUATED", True, 4)
    assert done["resolution"] == "满意"
    assert [e["step"] for e in done["timeline"]] == ["RAISED", *STEPS, "EVALUATED"]
    assert done["timeline"][1] == {"kind": "STEP", "step": "COMMITTEES",
                                   "participants": ["王书记", "李楼长"],
                                   "decision": "COMMITTEES 同意", "decidedOn": "2025-03-02"}
    assert done["timeline"][0]["participants"] == ["李楼长"]
    async with world.read():
        actions = [r["action"] for r in await AuditEntry.select(AuditEntry.action).where(
            AuditEntry.action.like("building_heads.matter.%"))]
    assert actions == ["building_heads.matter.raise"] + ["building_heads.matter.step"] * 5


@pytest.mark.parametrize("advanced", [0, 1, 2, 3, 4])
async def test_a_matter_can_be_resolved_at_any_step(world, gql, factory, advanced):
    staff = Caller(gql, world, await factory.account(world.node, "building_heads.coordinator"))
    matter = await staff.raise_at()
    for step in STEPS[:advanced]:
        matter = await staff.advance(matter, step)
    closed = (await staff.ok(RESOLVE, matterId=matter["id"], resolution="物业已修好",
                             participants=["物业张经理"]))["matter"]
    assert closed["resolved"] and closed["resolution"] == "物业已修好"
    assert closed["step"] == matter["step"]
    assert closed["timeline"][-1]["kind"] == "RESOLVE"
    if advanced < len(STEPS):  # only the evaluation may follow a resolution
        await staff.fails(ADVANCE, "CONFLICT", matterId=matter["id"], step=STEPS[advanced],
                          participants=[], decision="继续")
    await staff.fails(RESOLVE, "CONFLICT", matterId=matter["id"], resolution="再次办结")
    rated = await staff.advance(closed, "EVALUATED", rating=5, decision="居民满意")
    assert (rated["step"], rated["rating"], rated["resolution"]) == ("EVALUATED", 5, "物业已修好")


async def test_escalation_building_to_compound_to_community(world, gql, factory):
    head = Caller(gql, world, await make_head(factory, world))
    staff = Caller(gql, world, await factory.account(world.node, "building_heads.coordinator"))
    matter = await head.raise_at(title="小区停车难")
    up = (await head.ok(ESCALATE, matterId=matter["id"], reason="涉及全小区",
                        participants=["李楼长"]))["matter"]
    assert up["level"] == "COMPOUND" and up["timeline"][-1]["kind"] == "ESCALATE"
    # a compound matter is staff's: the head no longer reaches it
    await head.fails(ADVANCE, "NOT_FOUND", matterId=matter["id"], step="COMMITTEES",
                     participants=[], decision="x")
    top = (await staff.ok(ESCALATE, matterId=matter["id"], reason="需社区协调"))["matter"]
    assert top["level"] == "COMMUNITY" and top["compoundId"] == up["compoundId"]
    await staff.fails(ESCALATE, "CONFLICT", matterId=matter["id"], reason="再上移")
    assert [e["kind"] for e in top["timeline"]] == ["STEP", "ESCALATE", "ESCALATE"]
    # a building in no compound goes straight to the community
    other = await staff.raise_at(b=2, title="单元门禁坏了")
    assert (await staff.ok(ESCALATE, matterId=other["id"], reason="无小区"))["matter"][
        "level"] == "COMMUNITY"


async def test_hand_off_to_the_grid_worker_notifies_them_and_they_follow_up(world, gql,
                                                                            factory):
    head = Caller(gql, world, await make_head(factory, world))
    worker = await factory.account(world.node, "grid_worker", place_kind="grid",
                                   place_id=world.grids[0].id)
    elsewhere = await factory.account(world.node, "grid_worker", place_kind="grid",
                                      place_id=world.grids[1].id)
    matter = await head.raise_at()
    await head.fails(FOLLOW_UP, "CONFLICT", matterId=matter["id"], note="还没下单")
    wrong = await head.fails(HAND_OFF, "INVALID_ARGUMENT", matterId=matter["id"],
                             gridWorkerId=gid("Account", elsewhere.id), note="请处理")
    assert wrong["field"] == "gridWorkerId"
    handed = (await head.ok(HAND_OFF, matterId=matter["id"],
                            gridWorkerId=gid("Account", worker.id), note="请协调物业维修"))
    assert handed["matter"]["handedToGridWorker"] is True
    assert handed["entry"] == {"kind": "HANDOFF", "step": "RAISED", "decision": "请协调物业维修"}
    async with world.read():
        notes = await Notification.select().where(Notification.account_id == worker.id)
    assert [(n["kind"], n["body"]) for n in notes] == [
        ("building_heads.matter_handoff", "请协调物业维修")]
    followed = await Caller(gql, world, worker).ok(FOLLOW_UP, matterId=matter["id"],
                                                   note="已联系物业，明天修")
    assert followed["entry"]["kind"] == "FOLLOWUP"
    await Caller(gql, world, elsewhere).fails(FOLLOW_UP, "NOT_FOUND", matterId=matter["id"],
                                              note="不是我的")
    await head.ok(FOLLOW_UP, matterId=matter["id"], note="楼长回访：已修好")
    async with world.read():
        kinds = [r["kind"] for r in await MatterStep.select(MatterStep.kind).where(
            MatterStep.matter_id == _pk(matter["id"])).order_by(MatterStep.id)]
    assert kinds == ["step", "handoff", "followup", "followup"]


async def test_illegal_transitions_are_refused(world, gql, factory):
    staff = Caller(gql, world, await factory.account(world.node, "building_heads.coordinator"))
    matter = await staff.raise_at(raisedOn="2025-05-10")
    mid = matter["id"]
    skip = await staff.fails(ADVANCE, "CONFLICT", matterId=mid, step="JOINT", participants=[],
                             decision="跳过两委")
    assert skip["field"] == "step"
    await staff.fails(ADVANCE, "CONFLICT", matterId=mid, step="EVALUATED", participants=[],
                      decision="过早评价", rating=5)
    await staff.fails(ADVANCE, "INVALID_ARGUMENT", matterId=mid, step="RAISED",
                      participants=[], decision="再提一次")
    await staff.fails(ADVANCE, "INVALID_ARGUMENT", matterId=mid, step="COMMITTEES",
                      participants=[], decision="带评分", rating=3)
    await staff.fails(ADVANCE, "INVALID_ARGUMENT", matterId=mid, step="COMMITTEES",
                      participants=[], decision="  ")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    await staff.fails(ADVANCE, "INVALID_ARGUMENT", matterId=mid, step="COMMITTEES",
                      participants=[], decision="未来", decidedOn=tomorrow)
    early = await staff.fails(ADVANCE, "INVALID_ARGUMENT", matterId=mid, step="COMMITTEES",
                              participants=[], decision="早于提事", decidedOn="2025-05-01")
    assert early["field"] == "decidedOn"
    for step in STEPS:
        matter = await staff.advance(matter, step)
    for rating in (0, 6, None):
        await staff.fails(ADVANCE, "INVALID_ARGUMENT", matterId=mid, step="EVALUATED",
                          participants=[], decision="评价", rating=rating)
    await staff.advance(matter, "EVALUATED", rating=3)
    await staff.fails(ADVANCE, "CONFLICT", matterId=mid, step="EVALUATED", participants=[],
                      decision="再评", rating=4)
    await staff.fails(RESOLVE, "CONFLICT", matterId=mid, resolution="再办结")
    await staff.fails(ESCALATE, "CONFLICT", matterId=mid, reason="上移")
    await staff.fails(ADVANCE, "NOT_FOUND", matterId=gid("BuildingHeadMatter", 2**31 - 1),
                      step="COMMITTEES", participants=[], decision="x")
    async with world.read():
        assert await MatterStep.count().where(MatterStep.matter_id == _pk(mid)) == 6


async def test_who_may_raise_and_move_a_matter(world, gql, factory):
    head = Caller(gql, world, await make_head(factory, world))
    resident = Caller(gql, world, await make_resident_account(factory, world))
    staff = Caller(gql, world, await factory.account(world.node, "building_heads.coordinator"))
    grid = Caller(gql, world, await factory.account(world.node, "grid_worker",
                                                   place_kind="grid", place_id=world.grids[0].id))
    mine = await resident.raise_at(title="电梯异响")
    assert mine["raisedBy"] == "resident"
    await resident.fails(RAISE, "NOT_FOUND", title="别的楼",
                         buildingId=gid("Building", world.buildings[1].id))
    await resident.fails(RAISE, "NOT_FOUND", title="小区的事",
                         compoundId=gid("Compound", world.compound.id))
    await resident.fails(ADVANCE, "NOT_FOUND", matterId=mine["id"], step="COMMITTEES",
                         participants=[], decision="居民不能推进")
    await head.fails(RAISE, "NOT_FOUND", title="别的楼",
                     buildingId=gid("Building", world.buildings[1].id))
    await head.fails(RAISE, "NOT_FOUND", title="小区的事",
                     compoundId=gid("Compound", world.compound.id))
    # a grid worker raises in their own grid's buildings (双向进入: then hands it to the head)
    await grid.fails(RAISE, "NOT_FOUND", title="别的网格",
                     buildingId=gid("Building", world.buildings[2].id))
    by_grid = await grid.ok(RAISE, title="网格员提事",
                            buildingId=gid("Building", world.buildings[0].id))
    assert by_grid["matter"]["raisedBy"] == "staff"
    await head.advance(mine, "COMMITTEES")
    community = (await staff.ok(RAISE, title="社区议事", communityId=gid("Community",
                                                                      world.community.id)))
    assert community["matter"]["level"] == "COMMUNITY"
    assert community["matter"]["buildingId"] is None
    bad = await staff.fails(RAISE, "INVALID_ARGUMENT", title="两处",
                            buildingId=gid("Building", world.buildings[0].id),
                            communityId=gid("Community", world.community.id))
    assert bad["field"] == "buildingId"
    # a head whose term ended loses the role and no longer reaches the building
    async with world.write():
        ended = await Appointment.select(Appointment.id).where(
            Appointment.account_id == head.acct.id).first()
        await end_term(int(ended["id"]), on=date.today(), reason="任期已满", account_id=None)
    gone = await gql(ADVANCE, {"input": {"matterId": mine["id"], "step": "JOINT",
                                         "participants": [], "decision": "任期已满"}},
                     token=head.acct.token, node=world.node.code)  # no membership left here
    assert gone["data"] is None and gone["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_other_tenants_matters_are_not_found(world, make_world, gql, factory):
    staff = Caller(gql, world, await factory.account(world.node, "building_heads.coordinator"))
    matter = await staff.raise_at()
    other = await make_world()
    outsider = Caller(gql, other, await factory.account(other.node, "building_heads.coordinator"))
    await outsider.fails(ADVANCE, "NOT_FOUND", matterId=matter["id"], step="COMMITTEES",
                         participants=[], decision="越界")
    await outsider.fails(RAISE, "NOT_FOUND", title="越界",
                         buildingId=gid("Building", world.buildings[0].id))
    out = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": matter["id"]},
                    token=outsider.acct.token, node=other.node.code)
    assert out["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    out = await gql("query($id: ID!) { node(id: $id) { ... on BuildingHeadMatter { title } } }",
                    {"id": matter["id"]}, token=staff.acct.token, node=world.node.code)
    assert out["data"]["node"]["title"] == "楼道灯坏了"


async def test_plugin_disabled_answers_plugin_disabled(make_world, gql, factory, heads_kit):
    world = await make_world(enable=False)
    staff = await factory.account(world.node, "building_heads.coordinator")
    out = await gql(RAISE, {"input": {"title": "x", "buildingId": gid("Building",
                                                                      world.buildings[0].id)}},
                    token=staff.token, node=world.node.code)
    assert out["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"
    await heads_kit.enable(world.node)
    matter = await Caller(gql, world, staff).raise_at()
    await heads_kit.enable(world.node, False)
    out = await gql(ADVANCE, {"input": {"matterId": matter["id"],
                                        "step": "COMMITTEES", "participants": [],
                                        "decision": "x"}},
                    token=staff.token, node=world.node.code)
    assert out["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"
