"""Logging a visit: one mutation with defaults, only in the head's own building, never in the
future, audited; staff with the permission may log too; a matter raised on the way."""

from datetime import timedelta
from pathlib import Path

from core.audit.service import AuditEntry
from core.plugin import encode_global_id as gid
from core.plugin import today_shanghai
from plugins.building_heads.tables import Matter, MatterStep, Visit


async def test_head_logs_a_visit_in_one_step_with_defaults(world, factory, gql, heads_kit):
    b0 = world.buildings[0]
    head = await heads_kit.appoint(world, b0)
    household = world.households[b0.id][2]
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household", household.id)}},
                    token=head.token, node=world.node.code)
    result = out["data"]["buildingHeadLogVisit"]
    assert result["__typename"] == "BuildingHeadLogVisitPayload", out
    assert result["visit"]["visitedOn"] == today_shanghai().isoformat()
    assert result["visit"]["way"] == "IN_PERSON"
    assert result["visit"]["room"] == "301" and result["visit"]["buildingName"] == "1号楼"
    assert result["closedTaskIds"] == [] and result["matterId"] is None
    async with world.read():
        visits = await Visit.select().where(Visit.household_id == household.id)
        audit = await AuditEntry.select().where(AuditEntry.action == "building_heads.visit.log")
    assert len(visits) == 1 and visits[0]["visitor_account_id"] == head.id
    assert visits[0]["appointment_id"] is not None
    assert len(audit) == 1 and audit[0]["account_id"] == head.id


async def test_head_cannot_log_outside_their_building(world, factory, gql, make_world, heads_kit):
    head = await heads_kit.appoint(world, world.buildings[0])
    elsewhere = world.households[world.buildings[2].id][0]
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household", elsewhere.id)}},
                    token=head.token, node=world.node.code)
    assert out["data"]["buildingHeadLogVisit"]["code"] == "NOT_FOUND"
    other = await make_world()
    foreign = other.households[other.buildings[0].id][0]
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household", foreign.id)}},
                    token=head.token, node=world.node.code)
    assert out["data"]["buildingHeadLogVisit"]["code"] == "NOT_FOUND"
    async with world.read():
        assert await Visit.count() == 0


async def test_a_former_head_without_the_role_cannot_log(world, factory, gql, heads_kit):
    b0 = world.buildings[0]
    former = await heads_kit.appoint(world, b0, serving=False, membership=False)
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household",
                                                       world.households[b0.id][0].id)}},
                    token=former.token, node=world.node.code)
    assert out["data"] is None and out["errors"][0]["extensions"]["code"] == "NOT_FOUND", out


async def test_future_dates_and_bad_input_are_refused(world, factory, gql, heads_kit):
    b0 = world.buildings[0]
    head = await heads_kit.appoint(world, b0)
    household = gid("Household", world.households[b0.id][0].id)
    tomorrow = (today_shanghai() + timedelta(days=1)).isoformat()
    out = await gql(heads_kit.LOG, {"input": {"householdId": household, "visitedOn": tomorrow}},
                    token=head.token, node=world.node.code)
    error = out["data"]["buildingHeadLogVisit"]
    assert error["code"] == "INVALID_ARGUMENT" and error["field"] == "visitedOn"
    out = await gql(heads_kit.LOG, {"input": {"householdId": household, "notes": "x" * 2001}},
                    token=head.token, node=world.node.code)
    assert out["data"]["buildingHeadLogVisit"]["field"] == "notes"
    async with world.read():
        assert await Visit.count() == 0


async def test_staff_with_the_permission_log_anywhere_in_the_tenant(world, factory, gql, heads_kit):
    coordinator = await factory.account(world.node, "building_heads.coordinator")
    household = world.households[world.buildings[2].id][1]
    yesterday = (today_shanghai() - timedelta(days=1)).isoformat()
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household", household.id),
                                    "visitedOn": yesterday, "way": "PHONE",
                                    "notes": "电话联系，身体尚好"}},
                    token=coordinator.token, node=world.node.code)
    visit = out["data"]["buildingHeadLogVisit"]["visit"]
    assert visit["visitedOn"] == yesterday and visit["way"] == "PHONE"
    assert visit["notes"] == "电话联系，身体尚好"
    grid_worker = await factory.account(world.node, "grid_worker", place_kind="grid",
                                        place_id=world.grids[1].id)
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household", household.id)}},
                    token=grid_worker.token, node=world.node.code)
    assert out["data"]["buildingHeadLogVisit"]["code"] == "NOT_FOUND"


async def test_a_matter_raised_during_a_visit(world, factory, gql, heads_kit):
    b0 = world.buildings[0]
    head = await heads_kit.appoint(world, b0)
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household",
                                                       world.households[b0.id][0].id),
                                    "matterTitle": "楼道灯不亮"}},
                    token=head.token, node=world.node.code)
    result = out["data"]["buildingHeadLogVisit"]
    assert result["matterId"] is not None, out
    async with world.read():
        matter = await Matter.select().first()
        steps = await MatterStep.select().where(MatterStep.matter_id == matter["id"])
        visit = await Visit.select().first()
    assert matter["title"] == "楼道灯不亮" and matter["step"] == "raised"
    assert matter["level"] == "building" and matter["raised_by_kind"] == "head"
    assert matter["building_id"] == b0.id and matter["compound_id"] == world.compound.id
    assert matter["community_id"] == world.community.id
    assert [(s["kind"], s["step"]) for s in steps] == [("step", "raised")]
    assert visit["matter_id"] == matter["id"]


async def test_disabled_plugin_answers_plugin_disabled(make_world, factory, gql, heads_kit):
    off = await make_world(enable=False)
    coordinator = await factory.account(off.node, "building_heads.coordinator")
    household = gid("Household", off.households[off.buildings[0].id][0].id)
    out = await gql(heads_kit.LOG, {"input": {"householdId": household}}, token=coordinator.token,
                    node=off.node.code)
    assert out["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"
    building = gid("Building", off.buildings[0].id)
    overdue = f'{{ buildingHeadOverdue(buildingId: "{building}", first: 5) {{ pageInfo '
    for query in ("{ buildingHeadCoverage(level: BUILDING) { households } }",
                  "{ buildingHeadVisitTasks(first: 5) { edges { node { id } } } }",
                  overdue + "{ hasNextPage } } }"):
        out = await gql(query, token=coordinator.token, node=off.node.code)
        assert out["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED", query


async def test_node_of_a_visit_answers_plugin_disabled_once_the_plugin_is_off(
        make_world, factory, gql, linli_env, heads_kit):
    """Gated centrally by node(id:) (the type is the plugin's), not by the visit's loader."""
    world = await make_world()
    head = await heads_kit.appoint(world, world.buildings[0])
    household = world.households[world.buildings[0].id][0]
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household", household.id)}},
                    token=head.token, node=world.node.code)
    visit_id = out["data"]["buildingHeadLogVisit"]["visit"]["id"]
    node = "query($id: ID!) { node(id: $id) { id ... on BuildingHeadVisit { room } } }"
    seen = await gql(node, {"id": visit_id}, token=head.token, node=world.node.code)
    assert seen["data"]["node"] == {"id": visit_id, "room": "101"}, seen
    await heads_kit.enable(world.node, False)
    gone = await gql(node, {"id": visit_id}, token=head.token, node=world.node.code)
    assert gone["data"] is None
    assert gone["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"


def test_example_operations_validate_against_the_schema(linli_env):
    from graphql import parse, validate

    path = Path(__file__).resolve().parents[3] / "graphql/operations/building_heads/coverage.graphql"
    document = parse(path.read_text(encoding="utf-8"))
    assert validate(linli_env.state.schema._schema, document) == []
    assert len(document.definitions) == 6
