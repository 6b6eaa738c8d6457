"""The standard's duties (服务内容) are recorded: each kind with building, date, who, outcome and
real time; a mediation needs its parties and outcome; an opinion is answered and a safety
hazard assigned and closed; a serving head's duty emits ``volunteer.service_recorded`` with
the minutes recorded; a head records only at their own building."""

from __future__ import annotations

import json

from core.plugin import encode_global_id as gid
from plugins.building_heads.tables import Duty

RECORD = """mutation($input: BuildingHeadRecordDutyInput!) { buildingHeadRecordDuty(input: $input) {
  __typename
  ... on BuildingHeadRecordDutyPayload { duty { id kind kindName doneOn minutes parties open
                                               appointmentId outcome } }
  ... on UserError { code field } } }"""
CLOSE = """mutation($input: BuildingHeadCloseDutyInput!) { buildingHeadCloseDuty(input: $input) {
  __typename
  ... on BuildingHeadCloseDutyPayload { duty { id open answer assignedTo closedOn } }
  ... on UserError { code field } } }"""
LIST = """query($b: ID, $kind: BuildingHeadDutyKind) {
  buildingHeadDuties(first: 20, buildingId: $b, kind: $kind) {
    edges { node { kind kindName summary } } } }"""
KINDS = ["POLICY_RELAY", "BUILDING_AFFAIRS", "MEDIATION", "OPINION", "SAFETY",
         "INFO_COLLECTION", "CAMPAIGN"]


async def test_every_duty_kind_is_recorded_and_counted(world, factory, gql, heads_kit,
                                                      linli_env, emitted_events):
    b0 = world.buildings[0]
    head = await factory.account(world.node, None)
    resident = world.residents[world.households[b0.id][1].id][0]
    appointment = await heads_kit.make_head(world, linli_env.state.services.rules, b0, resident,
                                            link_account_id=head.id)
    building = str(gid("Building", b0.id))
    made = {}
    for k, kind in enumerate(KINDS):
        extra = {"parties": ["张三", "李四"], "outcome": "双方和解", "followUp": "一周后回访"} \
            if kind == "MEDIATION" else {}
        out = await gql(RECORD, {"input": {"buildingId": building, "kind": kind,
                                           "summary": f"{kind} 记录", "minutes": 10 + k,
                                           **extra}},
                        token=head.token, node=world.node.code)
        duty = out["data"]["buildingHeadRecordDuty"]["duty"]
        assert duty["appointmentId"] == str(gid("BuildingHeadAppointment", appointment))
        made[kind] = duty
    assert made["OPINION"]["open"] and made["SAFETY"]["open"]
    assert not made["POLICY_RELAY"]["open"] and made["MEDIATION"]["parties"] == ["张三", "李四"]
    assert made["MEDIATION"]["kindName"] == "调解矛盾纠纷"

    minutes = sorted(json.loads(e.payload)["minutes"] for e in await emitted_events(
        world.node, "volunteer.service_recorded"))
    assert minutes == [10 + k for k in range(len(KINDS))]  # the real time, nothing invented

    out = await gql(CLOSE, {"input": {"dutyId": made["OPINION"]["id"]}}, token=head.token,
                    node=world.node.code)
    assert out["data"]["buildingHeadCloseDuty"]["field"] == "answer"
    out = await gql(CLOSE, {"input": {"dutyId": made["OPINION"]["id"],
                                      "answer": "社区已协调物业"}},
                    token=head.token, node=world.node.code)
    assert out["data"]["buildingHeadCloseDuty"]["duty"]["open"] is False
    out = await gql(CLOSE, {"input": {"dutyId": made["SAFETY"]["id"],
                                      "assignedTo": "物业公司"}},
                    token=head.token, node=world.node.code)
    closed = out["data"]["buildingHeadCloseDuty"]["duty"]
    assert closed["assignedTo"] == "物业公司" and closed["closedOn"]

    listed = await gql(LIST, {"b": building}, token=head.token, node=world.node.code)
    assert len(listed["data"]["buildingHeadDuties"]["edges"]) == len(KINDS)
    async with world.read():
        assert await Duty.count() == len(KINDS)


async def test_mediation_needs_parties_and_a_head_stays_in_their_building(world, factory, gql,
                                                                         heads_kit, linli_env):
    b0, b2 = world.buildings[0], world.buildings[2]
    head = await factory.account(world.node, None)
    resident = world.residents[world.households[b0.id][1].id][0]
    await heads_kit.make_head(world, linli_env.state.services.rules, b0, resident,
                              link_account_id=head.id)
    out = await gql(RECORD, {"input": {"buildingId": str(gid("Building", b0.id)),
                                       "kind": "MEDIATION", "summary": "邻里噪音",
                                       "parties": ["张三"]}},
                    token=head.token, node=world.node.code)
    assert out["data"]["buildingHeadRecordDuty"]["field"] == "parties"
    out = await gql(RECORD, {"input": {"buildingId": str(gid("Building", b2.id)),
                                       "kind": "POLICY_RELAY", "summary": "传达文件"}},
                    token=head.token, node=world.node.code)
    assert out["data"]["buildingHeadRecordDuty"]["code"] == "NOT_FOUND"
    async with world.read():
        assert await Duty.count() == 0
