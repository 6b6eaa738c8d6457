"""Core's ``people.welfare_concern`` event becomes a visit task for the resident's building
head (due within the rule's days, one per event), the head is notified, a visit closes the
task; those responsible for a resident; export and erasure of a person's data."""

from datetime import UTC, datetime, timedelta

from core.events.service import emit
from core.events.types import Event, WelfareConcern
from core.plugin import encode_global_id as gid
from core.plugin import today_shanghai
from plugins.building_heads.tables import Visit

TASKS = """query($status: BuildingHeadVisitTaskStatus) {
  buildingHeadVisitTasks(first: 10, status: $status) {
    edges { node { id residentName room buildingName reasonCode dueOn status visitId } } } }"""


async def concern(world, resident, since=None, reason="canteen_absent"):
    """Emit the event as any module would, then let core dispatch it."""
    async with world.write():
        event_id = await emit("people.welfare_concern", WelfareConcern(
            resident_id=resident.id, reason_code=reason,
            noticed_since=since or today_shanghai(), source_module="canteen"))
    await world.env.state.services.events.dispatch_pending()
    return event_id


async def test_concern_creates_one_task_due_in_the_rule_days(world, factory, gql, heads_kit,
                                                             notifications):
    b0 = world.buildings[0]
    head = await heads_kit.appoint(world, b0)
    household = world.households[b0.id][0]
    resident = world.residents[household.id][0]
    today = today_shanghai()
    event_id = await concern(world, resident)
    [task] = await heads_kit.tasks_of(world, resident.id)
    assert task["due_on"] == today + timedelta(days=3)  # building_heads.welfare_visit_days
    assert (task["status"], task["event_id"], task["household_id"], task["building_id"]) == (
        "open", event_id, household.id, b0.id)
    assert task["reason_code"] == "canteen_absent" and task["source_module"] == "canteen"
    [note] = await notifications(world.node, head.id, "building_heads.welfare_visit")
    assert resident.name in note["title"]

    # redelivery (at least once): the dispatcher again, then the handler called directly
    await world.env.state.services.events.dispatch_pending()
    event = Event(id=event_id, type="people.welfare_concern", version=1,
                  tenant_id=world.node.id, created_at=datetime.now(UTC),
                  payload=WelfareConcern(resident.id, "canteen_absent", today, "canteen"))
    async with world.write():
        await world.env.state.registry.on_event(event, "building_heads")
    assert len(await heads_kit.tasks_of(world, resident.id)) == 1
    assert len(await notifications(world.node, head.id, "building_heads.welfare_visit")) == 1

    out = await gql(TASKS, {"status": "OPEN"}, token=head.token, node=world.node.code)
    [node] = [e["node"] for e in out["data"]["buildingHeadVisitTasks"]["edges"]]
    assert (node["residentName"], node["room"], node["buildingName"]) == (
        resident.name, "101", "1号楼")
    assert node["dueOn"] == (today + timedelta(days=3)).isoformat()

    # one visit to the household closes the task
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household", household.id)}},
                    token=head.token, node=world.node.code)
    assert out["data"]["buildingHeadLogVisit"]["closedTaskIds"] == [node["id"]]
    [task] = await heads_kit.tasks_of(world, resident.id)
    assert task["status"] == "done" and task["visit_id"] is not None
    out = await gql(TASKS, {"status": "OPEN"}, token=head.token, node=world.node.code)
    assert out["data"]["buildingHeadVisitTasks"]["edges"] == []
    out = await gql(TASKS, {"status": "DONE"}, token=head.token, node=world.node.code)
    assert out["data"]["buildingHeadVisitTasks"]["edges"][0]["node"]["visitId"] is not None


async def test_the_rule_sets_the_days_and_its_version_is_stored(world, factory, heads_kit):
    rules = world.env.state.services.rules
    async with world.write():
        resolved = await rules.set("building_heads.welfare_visit_days", 7, world.node)
    resident = world.residents[world.households[world.buildings[2].id][1].id][0]
    since = today_shanghai() - timedelta(days=2)
    await concern(world, resident, since=since)
    [task] = await heads_kit.tasks_of(world, resident.id)
    assert task["noticed_since"] == since and task["due_on"] == since + timedelta(days=7)
    assert task["rule_version"] == resolved.version > 0


async def test_a_given_task_is_closed_by_its_visit(world, factory, gql, heads_kit):
    b1 = world.buildings[1]
    head = await heads_kit.appoint(world, b1)
    household = world.households[b1.id][2]
    resident = world.residents[household.id][0]
    await concern(world, resident, reason="first")
    await concern(world, resident, reason="second")
    tasks = await heads_kit.tasks_of(world, resident.id)
    assert len(tasks) == 2
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household", household.id),
                                    "taskId": gid("BuildingHeadVisitTask", tasks[1]["id"])}},
                    token=head.token, node=world.node.code)
    assert out["data"]["buildingHeadLogVisit"]["closedTaskIds"] == [
        gid("BuildingHeadVisitTask", tasks[1]["id"])]
    assert [t["status"] for t in await heads_kit.tasks_of(world, resident.id)] == ["open", "done"]
    other = world.households[b1.id][0]
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household", other.id),
                                    "taskId": gid("BuildingHeadVisitTask", tasks[0]["id"])}},
                    token=head.token, node=world.node.code)
    assert out["data"]["buildingHeadLogVisit"]["field"] == "taskId"


async def test_no_serving_head_means_a_task_and_no_notification(world, factory, gql, heads_kit,
                                                                notifications):
    b2 = world.buildings[2]
    former = await heads_kit.appoint(world, b2, serving=False, membership=False)
    resident = world.residents[world.households[b2.id][0].id][0]
    await concern(world, resident)
    assert len(await heads_kit.tasks_of(world, resident.id)) == 1
    assert await notifications(world.node, former.id, "building_heads.welfare_visit") == []
    out = await gql(TASKS, {}, token=former.token, node=world.node.code)
    assert out["data"] is None or out["data"]["buildingHeadVisitTasks"]["edges"] == []
    other_head = await heads_kit.appoint(world, world.buildings[0])
    out = await gql(TASKS, {}, token=other_head.token, node=world.node.code)
    assert out["data"]["buildingHeadVisitTasks"]["edges"] == []
    coordinator = await factory.account(world.node, "building_heads.coordinator")
    out = await gql(TASKS, {}, token=coordinator.token, node=world.node.code)
    assert len(out["data"]["buildingHeadVisitTasks"]["edges"]) == 1


async def test_disabled_tenant_ignores_the_event(make_world, factory, heads_kit):
    off = await make_world(enable=False)
    resident = off.residents[off.households[off.buildings[0].id][0].id][0]
    await concern(off, resident)
    assert await heads_kit.tasks_of(off, resident.id) == []


async def test_responsible_accounts_are_the_serving_heads(world, factory, heads_kit):
    b0 = world.buildings[0]
    head = await heads_kit.appoint(world, b0)
    resident = world.residents[world.households[b0.id][2].id][0]
    elsewhere = world.residents[world.households[world.buildings[1].id][0].id][0]
    notify = world.env.state.services.notify
    registry = world.env.state.registry
    async with world.read():
        assert await registry.responsible_accounts(resident.id, world.node.id) == [head.id]
        assert await registry.responsible_accounts(elsewhere.id, world.node.id) == []
        assert await notify.accounts_for_resident(resident.id, world.node.id) == [head.id]


async def test_personal_data_export_and_erase(world, factory, gql, heads_kit):
    b0 = world.buildings[0]
    head = await heads_kit.appoint(world, b0)
    household = world.households[b0.id][0]
    resident = world.residents[household.id][0]
    await concern(world, resident)
    await gql(heads_kit.LOG, {"input": {"householdId": gid("Household", household.id),
                              "notes": "独居，需要帮买药"}}, token=head.token, node=world.node.code)
    await heads_kit.add_visits(world, [(world.households[b0.id][1], today_shanghai())])
    registry = world.env.state.registry
    async with world.read():
        exported = await registry.personal_data(resident.id, "export", world.node)
    data = exported["building_heads"]
    assert [v["notes"] for v in data["visits"]] == ["独居，需要帮买药"]
    assert len(data["visit_tasks"]) == 1 and data["visit_tasks"][0]["status"] == "done"
    async with world.write():
        erased = await registry.personal_data(resident.id, "erase", world.node)
    assert {k: v for k, v in erased["building_heads"].items() if v} == {
        "visits_anonymised": 1, "visit_tasks_deleted": 1}
    assert await heads_kit.tasks_of(world, resident.id) == []
    async with world.read():
        visit = await Visit.select().where(Visit.household_id == household.id).first()
    assert visit["notes"] == "" and visit["task_id"] is None
    stranger = world.residents[world.households[world.buildings[2].id][2].id][0]
    async with world.read():
        assert await registry.personal_data(stranger.id, "export", world.node) == {}


async def test_personal_data_includes_terms_as_head(world, factory, heads_kit):
    b0 = world.buildings[0]
    await heads_kit.appoint(world, b0)
    head_resident = world.residents[world.households[b0.id][1].id][0]
    async with world.read():
        exported = await world.env.state.registry.personal_data(
            head_resident.id, "export", world.node)
    terms = exported["building_heads"]["terms"]
    assert [(t["building_id"], t["role"]) for t in terms] == [(b0.id, "head")]
