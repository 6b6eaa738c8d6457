"""三方联席会议 and 民情恳谈会 are recorded at a 红旗驿站: date, attendees by party, topics,
decisions and the matters they take up; a joint meeting needs the community, the property
company (named) and building heads; matters must be of the station's community."""

from __future__ import annotations

from core.plugin import encode_global_id as gid
from plugins.building_heads.tables import Meeting

STATION = """mutation($input: BuildingHeadCreateStationInput!) { buildingHeadCreateStation(
  input: $input) { ... on BuildingHeadCreateStationPayload { station { id } } } }"""
RAISE = """mutation($input: BuildingHeadRaiseMatterInput!) { buildingHeadRaiseMatter(input: $input) {
  ... on BuildingHeadRaiseMatterPayload { matter { id } } } }"""
RECORD = """mutation($input: BuildingHeadRecordMeetingInput!) {
  buildingHeadRecordMeeting(input: $input) {
    __typename
    ... on BuildingHeadRecordMeetingPayload { meeting { id kind kindName heldOn propertyCompany
        attendees { party partyName names } topics decisions matterIds } }
    ... on UserError { code field } } }"""
LIST = """query($m: ID) { buildingHeadMeetings(first: 10, matterId: $m) {
  edges { node { kindName topics } } } }"""


async def test_meetings_are_recorded_with_parties_topics_and_matters(world, factory, gql):
    staff = await factory.account(world.node, "building_heads.coordinator")
    station = (await gql(STATION, {"input": {"name": "新纺苑红旗驿站",
                                             "communityId": str(gid("Community",
                                                                    world.community.id))}},
                         token=staff.token, node=world.node.code)
               )["data"]["buildingHeadCreateStation"]["station"]["id"]
    matter = (await gql(RAISE, {"input": {"title": "加装电梯",
                                          "buildingId": str(gid("Building",
                                                                world.buildings[0].id))}},
                        token=staff.token, node=world.node.code)
              )["data"]["buildingHeadRaiseMatter"]["matter"]["id"]
    joint = {"kind": "JOINT", "stationId": station, "topics": ["加装电梯费用分摊"],
             "decisions": ["物业出具方案，下周居民议事"], "matterIds": [matter],
             "attendees": [{"party": "COMMUNITY", "names": ["王书记"]},
                           {"party": "HEADS", "names": ["李楼长"]}]}
    out = await gql(RECORD, {"input": joint}, token=staff.token, node=world.node.code)
    assert out["data"]["buildingHeadRecordMeeting"]["field"] == "attendees"  # no 物业
    joint["attendees"].append({"party": "PROPERTY", "names": ["张经理"]})
    out = await gql(RECORD, {"input": joint}, token=staff.token, node=world.node.code)
    assert out["data"]["buildingHeadRecordMeeting"]["field"] == "propertyCompany"
    joint["propertyCompany"] = "聊城安居物业"
    out = await gql(RECORD, {"input": joint}, token=staff.token, node=world.node.code)
    meeting = out["data"]["buildingHeadRecordMeeting"]["meeting"]
    assert meeting["kindName"] == "三方联席会议" and meeting["matterIds"] == [matter]
    assert {a["partyName"] for a in meeting["attendees"]} == {"社区", "楼长", "物业"}

    opinion = {"kind": "OPINION", "stationId": station, "topics": ["夜间照明"],
               "attendees": [{"party": "RESIDENTS", "names": ["居民甲", "居民乙"]}]}
    out = await gql(RECORD, {"input": opinion}, token=staff.token, node=world.node.code)
    assert out["data"]["buildingHeadRecordMeeting"]["meeting"]["kindName"] == "民情恳谈会"
    listed = await gql(LIST, {"m": matter}, token=staff.token, node=world.node.code)
    assert [e["node"]["kindName"] for e in listed["data"]["buildingHeadMeetings"]["edges"]] == [
        "三方联席会议"]

    elsewhere = await factory.community(world.node, "中巨社区")
    other = await factory.building(elsewhere, "9号楼")
    foreign = (await gql(RAISE, {"input": {"title": "别处的事",
                                           "buildingId": str(gid("Building", other.id))}},
                         token=staff.token, node=world.node.code)
               )["data"]["buildingHeadRaiseMatter"]["matter"]["id"]
    out = await gql(RECORD, {"input": {**opinion, "matterIds": [foreign]}}, token=staff.token,
                    node=world.node.code)
    assert out["data"]["buildingHeadRecordMeeting"]["field"] == "matterIds"
    async with world.read():
        assert await Meeting.count() == 2
