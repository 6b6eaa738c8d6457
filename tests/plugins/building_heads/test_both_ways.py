"""Issue 17 items 1, 3 and 6, and the head's own places:

- information collection (信息采集) reaches core's resident record through the plugin API,
  audited with the plugin named; a safety hazard is reported, assigned and closed;
- a property company (物业) is a registered party with an account that answers the matters
  handed to it; a matter belongs to the 红旗驿站 where it is deliberated (its board);
- grid worker ↔ head both ways (双向进入): each hands matters and duties to the other and each
  sees what the other handed them;
- a head reads their own building, its compound and community through ``node(id:)`` — and
  nothing else (another building, the households)."""

from __future__ import annotations

import asyncio
import json

import pytest

from core.audit.service import AuditEntry
from core.people.tables import Resident
from core.plugin import encode_global_id as gid
from plugins.building_heads.services import rota
from plugins.building_heads.tables import Duty, Matter, MatterStep

NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on Building { name compound { id name } community { name } }
  ... on Compound { name } } }"""
HOUSEHOLDS = """query($id: ID!) { node(id: $id) { ... on Building { households { id } } } }"""
RECORD = """mutation($input: BuildingHeadRecordDutyInput!) { buildingHeadRecordDuty(input: $input) {
  __typename
  ... on BuildingHeadRecordDutyPayload { duty { id open kind collectedResidentId
                                               collectedFields assignedTo assignedOn } }
  ... on UserError { code field } } }"""
ASSIGN = """mutation($input: BuildingHeadAssignDutyInput!) { buildingHeadAssignDuty(input: $input) {
  __typename
  ... on BuildingHeadAssignDutyPayload { duty { id open assignedTo assignedOn } }
  ... on UserError { code field } } }"""
CLOSE = """mutation($input: BuildingHeadCloseDutyInput!) { buildingHeadCloseDuty(input: $input) {
  __typename
  ... on BuildingHeadCloseDutyPayload { duty { id open assignedTo closedOn minutes outcome
                                              appointmentId } }
  ... on UserError { code field } } }"""
HAND = """mutation($input: BuildingHeadHandOffInput!) { buildingHeadHandOff(input: $input) {
  __typename
  ... on BuildingHeadHandOffPayload { handoff { id fromParty toParty subject answered
                                                matterId dutyId } }
  ... on UserError { code field } } }"""
REQUEST = """mutation($input: BuildingHeadRequestDutyInput!) { buildingHeadRequestDuty(input: $input) {
  __typename
  ... on BuildingHeadRequestDutyPayload { handoff { id fromParty toParty subject dutyId } }
  ... on UserError { code field } } }"""
ANSWER = """mutation($input: BuildingHeadAnswerHandoffInput!) {
  buildingHeadAnswerHandoff(input: $input) { __typename
  ... on BuildingHeadAnswerHandoffPayload { handoff { id answered answer } }
  ... on UserError { code field } } }"""
LIST = """query($d: BuildingHeadHandoffDirection!) { buildingHeadHandoffs(direction: $d, first: 20) {
  edges { node { fromParty toParty subject answered answer } } } }"""
RAISE = """mutation($input: BuildingHeadRaiseMatterInput!) { buildingHeadRaiseMatter(input: $input) {
  __typename ... on BuildingHeadRaiseMatterPayload { matter { id stationId } }
  ... on UserError { code field } } }"""
REGISTER = """mutation($input: BuildingHeadRegisterPropertyCompanyInput!) {
  buildingHeadRegisterPropertyCompany(input: $input) { __typename
  ... on BuildingHeadRegisterPropertyCompanyPayload { propertyCompany { id name hasAccount } }
  ... on UserError { code field } } }"""
LINK = """mutation($input: BuildingHeadLinkPropertyAccountInput!) {
  buildingHeadLinkPropertyAccount(input: $input) { __typename
  ... on BuildingHeadLinkPropertyAccountPayload { propertyCompany { id hasAccount } }
  ... on UserError { code field } } }"""
MEETING = """mutation($input: BuildingHeadRecordMeetingInput!) {
  buildingHeadRecordMeeting(input: $input) { __typename
  ... on BuildingHeadRecordMeetingPayload { meeting { propertyCompany propertyCompanyId } }
  ... on UserError { code field } } }"""
BOARD = """query($s: ID!) { buildingHeadBoard(stationId: $s, first: 20) {
  edges { node { title stationId timeline { kind decision } } } } }"""


def _data(out: dict, field: str) -> dict:
    assert "errors" not in out, out
    return out["data"][field]


async def _head(world, factory, heads_kit, linli_env, b=0):
    building = world.buildings[b]
    head = await factory.account(world.node, None)
    resident = world.residents[world.households[building.id][1].id][0]
    appointment = await heads_kit.make_head(world, linli_env.state.services.rules, building,
                                            resident, link_account_id=head.id)
    return head, appointment


async def test_a_head_reads_their_own_building_and_its_compound_and_nothing_else(
        world, factory, gql, heads_kit, linli_env):
    head, _ = await _head(world, factory, heads_kit, linli_env)
    b0, b2 = world.buildings[0], world.buildings[2]
    out = await gql(NODE, {"id": gid("Building", b0.id)}, token=head.token,
                    node=world.node.code)
    node = _data(out, "node")
    assert node["name"] == b0.name and node["community"]["name"] == "御苑社区"
    compound_id = node["compound"]["id"]
    assert compound_id == gid("Compound", world.compound.id)
    compound = await gql(NODE, {"id": compound_id}, token=head.token, node=world.node.code)
    assert _data(compound, "node")["name"] == world.compound.name
    other = await gql(NODE, {"id": gid("Building", b2.id)}, token=head.token,
                      node=world.node.code)
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    households = await gql(HOUSEHOLDS, {"id": gid("Building", b0.id)}, token=head.token,
                           node=world.node.code)
    assert households["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    household = await gql(NODE, {"id": gid("Household", world.households[b0.id][0].id)},
                          token=head.token, node=world.node.code)
    assert household["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_information_collection_reaches_the_resident_record_audited(
        world, factory, gql, heads_kit, linli_env):
    head, _ = await _head(world, factory, heads_kit, linli_env)
    b0 = world.buildings[0]
    household = world.households[b0.id][2]
    resident = world.residents[household.id][0]
    stranger = world.residents[world.households[b0.id][0].id][0]
    base = {"buildingId": gid("Building", b0.id), "kind": "INFO_COLLECTION",
            "summary": "入户核对联系方式", "householdId": gid("Household", household.id),
            "minutes": 15}
    wrong = _data(await gql(RECORD, {"input": {**base, "collected": {
        "residentId": gid("Resident", stranger.id), "phone": "13800000000"}}},
        token=head.token, node=world.node.code), "buildingHeadRecordDuty")
    assert wrong == {"__typename": "UserError", "code": "NOT_FOUND",
                     "field": "collected.residentId"}
    bad_phone = _data(await gql(RECORD, {"input": {**base, "collected": {
        "residentId": gid("Resident", resident.id), "phone": "12"}}},
        token=head.token, node=world.node.code), "buildingHeadRecordDuty")
    assert bad_phone["code"] == "INVALID_ARGUMENT"
    not_info = _data(await gql(RECORD, {"input": {**base, "kind": "POLICY_RELAY", "collected": {
        "residentId": gid("Resident", resident.id), "tagsAdded": ["长期空巢"]}}},
        token=head.token, node=world.node.code), "buildingHeadRecordDuty")
    assert not_info == {"__typename": "UserError", "code": "INVALID_ARGUMENT",
                        "field": "collected"}
    async with world.read():
        assert await Duty.count() == 0  # nothing half-written

    out = _data(await gql(RECORD, {"input": {**base, "collected": {
        "residentId": gid("Resident", resident.id), "phone": "13912345678",
        "tagsAdded": ["长期空巢"]}}}, token=head.token, node=world.node.code),
        "buildingHeadRecordDuty")
    duty = out["duty"]
    assert duty["collectedResidentId"] == gid("Resident", resident.id)
    assert set(duty["collectedFields"]) >= {"phone_index", "tags"}
    async with world.read():
        row = await Resident.select().where(Resident.id == resident.id).first()
        audit = await AuditEntry.select().where(
            AuditEntry.action == "people.update_resident").order_by(AuditEntry.id)
        kept = await Duty.select(Duty.collected).first()
    assert row["phone_masked"] == "139******78"
    assert audit and json.loads(audit[-1]["summary"])["source"] == "building_heads"
    assert audit[-1]["account_id"] == head.id
    assert "13912345678" not in kept["collected"]  # the values stay in core only


async def test_a_safety_hazard_is_reported_assigned_and_closed(world, factory, gql, heads_kit,
                                                                linli_env):
    head, _ = await _head(world, factory, heads_kit, linli_env)
    b0 = world.buildings[0]
    hazard = _data(await gql(RECORD, {"input": {"buildingId": gid("Building", b0.id),
                                                "kind": "SAFETY", "summary": "楼道堆放杂物"}},
                             token=head.token, node=world.node.code),
                   "buildingHeadRecordDuty")["duty"]
    assert hazard["open"] and hazard["assignedTo"] == ""
    relay = _data(await gql(RECORD, {"input": {"buildingId": gid("Building", b0.id),
                                               "kind": "POLICY_RELAY", "summary": "传达"}},
                            token=head.token, node=world.node.code),
                  "buildingHeadRecordDuty")["duty"]
    refused = _data(await gql(ASSIGN, {"input": {"dutyId": relay["id"], "assignedTo": "物业"}},
                              token=head.token, node=world.node.code), "buildingHeadAssignDuty")
    assert refused["code"] == "INVALID_ARGUMENT"
    assigned = _data(await gql(ASSIGN, {"input": {"dutyId": hazard["id"],
                                                  "assignedTo": "物业保洁"}},
                               token=head.token, node=world.node.code),
                     "buildingHeadAssignDuty")["duty"]
    assert assigned["assignedTo"] == "物业保洁" and assigned["assignedOn"] and assigned["open"]
    again = _data(await gql(ASSIGN, {"input": {"dutyId": hazard["id"], "assignedTo": "别人"}},
                            token=head.token, node=world.node.code), "buildingHeadAssignDuty")
    assert again["code"] == "CONFLICT"
    closed = _data(await gql(CLOSE, {"input": {"dutyId": hazard["id"]}}, token=head.token,
                             node=world.node.code), "buildingHeadCloseDuty")["duty"]
    assert closed["open"] is False and closed["assignedTo"] == "物业保洁"


async def test_grid_worker_and_head_hand_to_each_other_and_each_sees_it(
        world, factory, gql, heads_kit, linli_env, emitted_events):
    head, appointment = await _head(world, factory, heads_kit, linli_env)
    b0 = world.buildings[0]
    worker = await factory.account(world.node, "grid_worker", place_kind="grid",
                                   place_id=world.grids[0].id)
    elsewhere = await factory.account(world.node, "grid_worker", place_kind="grid",
                                      place_id=world.grids[1].id)
    node = world.node.code
    # head → grid worker: a safety hazard handed over is assigned
    hazard = _data(await gql(RECORD, {"input": {"buildingId": gid("Building", b0.id),
                                                "kind": "SAFETY", "summary": "电动车楼内充电"}},
                             token=head.token, node=node), "buildingHeadRecordDuty")["duty"]
    wrong = _data(await gql(HAND, {"input": {"dutyId": hazard["id"], "to": "GRID_WORKER",
                                             "gridWorkerId": gid("Account", elsewhere.id),
                                             "note": "请处理"}}, token=head.token, node=node),
                  "buildingHeadHandOff")
    assert wrong == {"__typename": "UserError", "code": "INVALID_ARGUMENT",
                     "field": "gridWorkerId"}
    handed = _data(await gql(HAND, {"input": {"dutyId": hazard["id"], "to": "GRID_WORKER",
                                              "gridWorkerId": gid("Account", worker.id),
                                              "note": "请网格员劝导"}}, token=head.token,
                             node=node), "buildingHeadHandOff")["handoff"]
    assert (handed["fromParty"], handed["toParty"]) == ("HEAD", "GRID_WORKER")
    assert handed["subject"] == "维护平安稳定：电动车楼内充电"
    async with world.read():
        row = await Duty.select().where(Duty.kind == "safety").first()
    assert row["assigned_to"] == "网格员" and row["assigned_on"] is not None

    # grid worker → head: a matter and a task of the service content
    matter = _data(await gql(RAISE, {"input": {"buildingId": gid("Building", b0.id),
                                               "title": "网格巡查：单元门禁损坏"}},
                             token=worker.token, node=node), "buildingHeadRaiseMatter")["matter"]
    to_head = _data(await gql(HAND, {"input": {"matterId": matter["id"], "to": "HEAD",
                                               "note": "请楼长牵头议一议"}},
                              token=worker.token, node=node), "buildingHeadHandOff")["handoff"]
    assert (to_head["fromParty"], to_head["toParty"]) == ("GRID_WORKER", "HEAD")
    async with world.read():
        matter_pk = (await Matter.select(Matter.id).first())["id"]
    task = _data(await gql(REQUEST, {"input": {"buildingId": gid("Building", b0.id),
                                               "kind": "INFO_COLLECTION",
                                               "summary": "核对新入住住户",
                                               "note": "本周内完成"}},
                           token=worker.token, node=node), "buildingHeadRequestDuty")["handoff"]
    assert task["toParty"] == "HEAD" and task["subject"] == "信息采集：核对新入住住户"
    outsider = _data(await gql(REQUEST, {"input": {"buildingId": gid("Building", b0.id),
                                                   "kind": "CAMPAIGN", "summary": "x",
                                                   "note": "y"}},
                               token=elsewhere.token, node=node), "buildingHeadRequestDuty")
    assert outsider["code"] == "NOT_FOUND"

    # each sees what the other handed them
    mine = _data(await gql(LIST, {"d": "TO_ME"}, token=head.token, node=node),
                 "buildingHeadHandoffs")["edges"]
    assert [e["node"]["subject"] for e in mine] == ["信息采集：核对新入住住户",
                                                    "网格巡查：单元门禁损坏"]
    theirs = _data(await gql(LIST, {"d": "TO_ME"}, token=worker.token, node=node),
                   "buildingHeadHandoffs")["edges"]
    assert [e["node"]["subject"] for e in theirs] == ["维护平安稳定：电动车楼内充电"]
    by_worker = _data(await gql(LIST, {"d": "BY_ME"}, token=worker.token, node=node),
                      "buildingHeadHandoffs")["edges"]
    assert len(by_worker) == 2
    assert _data(await gql(LIST, {"d": "TO_ME"}, token=elsewhere.token, node=node),
                 "buildingHeadHandoffs")["edges"] == []

    # the grid worker answers and closes the hazard they were handed
    answered = _data(await gql(ANSWER, {"input": {"handoffId": handed["id"],
                                                  "answer": "已劝导，车已移出"}},
                               token=worker.token, node=node),
                     "buildingHeadAnswerHandoff")["handoff"]
    assert answered["answered"] is True
    twice = _data(await gql(ANSWER, {"input": {"handoffId": handed["id"], "answer": "再答"}},
                            token=worker.token, node=node), "buildingHeadAnswerHandoff")
    assert twice["code"] == "CONFLICT"
    closed = _data(await gql(CLOSE, {"input": {"dutyId": hazard["id"]}}, token=worker.token,
                             node=node), "buildingHeadCloseDuty")["duty"]
    assert closed["open"] is False
    by_head = _data(await gql(LIST, {"d": "BY_ME"}, token=head.token, node=node),
                    "buildingHeadHandoffs")["edges"]
    assert by_head[0]["node"]["answer"] == "已劝导，车已移出"

    # the head closes the task with its real minutes: credited to the head's term
    before = len(await emitted_events(world.node, "volunteer.service_recorded"))
    done = _data(await gql(CLOSE, {"input": {"dutyId": task["dutyId"], "outcome": "已核对3户",
                                             "minutes": 40}}, token=head.token, node=node),
                 "buildingHeadCloseDuty")["duty"]
    assert done["appointmentId"] == gid("BuildingHeadAppointment", appointment)
    assert done["minutes"] == 40 and done["outcome"] == "已核对3户"
    events = await emitted_events(world.node, "volunteer.service_recorded")
    assert len(events) == before + 1 and json.loads(events[0].payload)["minutes"] == 40
    # the head's answer to the matter goes on its public timeline
    to_head_answer = _data(await gql(ANSWER, {"input": {"handoffId": to_head["id"],
                                                        "answer": "已列入本月楼栋议事"}},
                                     token=head.token, node=node),
                           "buildingHeadAnswerHandoff")["handoff"]
    assert to_head_answer["answered"]
    async with world.read():
        kinds = [r["kind"] for r in await MatterStep.select(MatterStep.kind).where(
            MatterStep.matter_id == int(matter_pk)).order_by(MatterStep.id)]
    assert kinds == ["step", "handoff", "followup"]


async def test_the_property_company_answers_from_its_account_and_matters_belong_to_stations(
        world, factory, gql, heads_kit, linli_env):
    head, _ = await _head(world, factory, heads_kit, linli_env)
    staff = await factory.account(world.node, "building_heads.coordinator")
    company_account = await factory.account(world.node, None)
    other_account = await factory.account(world.node, "volunteer")
    node = world.node.code
    async with world.write():
        station = await rota.create_station(name="新纺苑红旗驿站",
                                            community_id=world.community.id,
                                            compound_id=world.compound.id,
                                            fixed_head_resident_id=None, account_id=staff.id)
        other = await rota.create_station(name="社区红旗驿站", community_id=world.community.id,
                                          compound_id=None, fixed_head_resident_id=None,
                                          account_id=staff.id)
    station_gid, other_gid = (gid("BuildingHeadStation", station["id"]),
                              gid("BuildingHeadStation", other["id"]))
    community = gid("Community", world.community.id)
    company = _data(await gql(REGISTER, {"input": {"communityId": community,
                                                   "name": "安居物业", "contact": "客服中心"}},
                              token=staff.token, node=node),
                    "buildingHeadRegisterPropertyCompany")["propertyCompany"]
    assert company["hasAccount"] is False
    dup = _data(await gql(REGISTER, {"input": {"communityId": community, "name": "安居物业"}},
                          token=staff.token, node=node), "buildingHeadRegisterPropertyCompany")
    assert dup["code"] == "CONFLICT"
    by_head = _data(await gql(REGISTER, {"input": {"communityId": community, "name": "别家"}},
                              token=head.token, node=node), "buildingHeadRegisterPropertyCompany")
    assert by_head["code"] == "FORBIDDEN"
    linked = _data(await gql(LINK, {"input": {"propertyCompanyId": company["id"],
                                              "accountId": gid("Account", company_account.id)}},
                             token=staff.token, node=node),
                   "buildingHeadLinkPropertyAccount")["propertyCompany"]
    assert linked["hasAccount"] is True

    # a matter raised in the compound belongs to the compound's station
    matter = _data(await gql(RAISE, {"input": {"buildingId": gid("Building", world.buildings[0].id),
                                               "title": "电梯异响"}},
                             token=head.token, node=node), "buildingHeadRaiseMatter")["matter"]
    assert matter["stationId"] == station_gid
    elsewhere = _data(await gql(RAISE, {"input": {"buildingId": gid("Building", world.buildings[0].id),
                                                  "title": "社区驿站议", "stationId": other_gid}},
                                token=head.token, node=node), "buildingHeadRaiseMatter")
    assert elsewhere["matter"]["stationId"] == other_gid

    handed = _data(await gql(HAND, {"input": {"matterId": matter["id"], "to": "PROPERTY",
                                              "propertyCompanyId": company["id"],
                                              "note": "请物业检修电梯"}},
                             token=head.token, node=node), "buildingHeadHandOff")["handoff"]
    assert handed["toParty"] == "PROPERTY"
    seen = _data(await gql(LIST, {"d": "TO_ME"}, token=company_account.token, node=node),
                 "buildingHeadHandoffs")["edges"]
    assert [e["node"]["subject"] for e in seen] == ["电梯异响"]
    stranger = _data(await gql(ANSWER, {"input": {"handoffId": handed["id"], "answer": "x"}},
                               token=other_account.token, node=node),
                     "buildingHeadAnswerHandoff")
    assert stranger["code"] in ("NOT_FOUND", "FORBIDDEN")
    answered = _data(await gql(ANSWER, {"input": {"handoffId": handed["id"],
                                                  "answer": "已更换曳引机轴承"}},
                               token=company_account.token, node=node),
                     "buildingHeadAnswerHandoff")["handoff"]
    assert answered["answered"]

    board = _data(await gql(BOARD, {"s": station_gid}, node=node), "buildingHeadBoard")["edges"]
    assert [e["node"]["title"] for e in board] == ["电梯异响"]
    assert [t["decision"] for t in board[0]["node"]["timeline"]][1:] == [
        "楼长转交安居物业：请物业检修电梯", "安居物业答复：已更换曳引机轴承"]

    # a joint meeting names the registered company; it takes up only its station's matters
    base = {"kind": "JOINT", "topics": ["电梯"], "attendees": [
        {"party": "COMMUNITY", "names": ["王书记"]}, {"party": "PROPERTY", "names": ["赵经理"]},
        {"party": "HEADS", "names": ["李楼长"]}], "propertyCompanyId": company["id"]}
    clash = _data(await gql(MEETING, {"input": {**base, "stationId": station_gid,
                                                "matterIds": [elsewhere["matter"]["id"]]}},
                            token=staff.token, node=node), "buildingHeadRecordMeeting")
    assert clash == {"__typename": "UserError", "code": "CONFLICT", "field": "matterIds"}
    met = _data(await gql(MEETING, {"input": {**base, "stationId": station_gid,
                                              "matterIds": [matter["id"]]}},
                          token=staff.token, node=node), "buildingHeadRecordMeeting")["meeting"]
    assert met == {"propertyCompany": "安居物业", "propertyCompanyId": company["id"]}


HANDOFF_NODE = """query($id: ID!) { node(id: $id) { __typename
  ... on BuildingHeadHandoff { subject toParty } } }"""


async def test_the_handoff_lists_are_flat_in_statements_and_nodes_stay_private(
        world, factory, gql, heads_kit, linli_env):
    from core.testing import count_statements as counting

    head, _ = await _head(world, factory, heads_kit, linli_env)
    b0 = world.buildings[0]
    worker = await factory.account(world.node, "grid_worker", place_kind="grid",
                                   place_id=world.grids[0].id)
    stranger = await factory.account(world.node, "grid_worker", place_kind="grid",
                                     place_id=world.grids[1].id)
    node = world.node.code
    counts = []
    first_id = None
    for round_ in (1, 5):
        for k in range(round_):
            out = _data(await gql(REQUEST, {"input": {"buildingId": gid("Building", b0.id),
                                                      "kind": "CAMPAIGN",
                                                      "summary": f"任务{round_}-{k}",
                                                      "note": "请办理"}},
                                  token=worker.token, node=node),
                        "buildingHeadRequestDuty")["handoff"]
            first_id = first_id or out["id"]
            raised = _data(await gql(RAISE, {"input": {"buildingId": gid("Building", b0.id),
                                                       "title": f"事项{round_}-{k}"}},
                                     token=worker.token, node=node),
                           "buildingHeadRaiseMatter")["matter"]
            _data(await gql(HAND, {"input": {"matterId": raised["id"], "to": "HEAD",
                                             "note": "请议"}}, token=worker.token, node=node),
                  "buildingHeadHandOff")
        await gql(LIST, {"d": "TO_ME"}, token=head.token, node=node)  # warm
        with counting(linli_env.state.db.engine) as calls:
            out = await gql(LIST, {"d": "TO_ME"}, token=head.token, node=node)
        assert "errors" not in out, out
        counts.append(len(calls))
    assert len(out["data"]["buildingHeadHandoffs"]["edges"]) == 12
    assert counts[0] == counts[1], counts
    seen = _data(await gql(HANDOFF_NODE, {"id": first_id}, token=head.token, node=node), "node")
    assert seen["toParty"] == "HEAD"
    hidden = await gql(HANDOFF_NODE, {"id": first_id}, token=stranger.token, node=node)
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.postgres_only
async def test_concurrent_answers_and_registrations_happen_once(world, factory, gql, heads_kit,
                                                                linli_env):
    from plugins.building_heads.tables import Handoff, PropertyCompany

    head, _ = await _head(world, factory, heads_kit, linli_env)
    worker = await factory.account(world.node, "grid_worker", place_kind="grid",
                                   place_id=world.grids[0].id)
    staff = await factory.account(world.node, "building_heads.coordinator")
    node = world.node.code
    handed = _data(await gql(REQUEST, {"input": {"buildingId": gid("Building",
                                                                   world.buildings[0].id),
                                                 "kind": "CAMPAIGN", "summary": "入户排查",
                                                 "note": "请办理"}},
                             token=worker.token, node=node), "buildingHeadRequestDuty")["handoff"]
    answers = await asyncio.gather(*(gql(ANSWER, {"input": {"handoffId": handed["id"],
                                                            "answer": f"答复{i}"}},
                                         token=head.token, node=node) for i in range(4)))
    kinds = sorted(a["data"]["buildingHeadAnswerHandoff"]["__typename"] for a in answers)
    assert kinds == ["BuildingHeadAnswerHandoffPayload"] + ["UserError"] * 3, answers
    community = gid("Community", world.community.id)
    made = await asyncio.gather(*(gql(REGISTER, {"input": {"communityId": community,
                                                           "name": "同名物业"}},
                                      token=staff.token, node=node) for _ in range(4)))
    kinds = sorted(m["data"]["buildingHeadRegisterPropertyCompany"]["__typename"] for m in made)
    assert kinds == ["BuildingHeadRegisterPropertyCompanyPayload"] + ["UserError"] * 3, made
    async with world.read():
        assert await PropertyCompany.count() == 1
        assert await Handoff.count().where(Handoff.status == "answered") == 1
