"""红旗驿站 rota: stations with a fixed head, weekly round robin over the serving heads that
continues from the last shift (fair over time), leave skipped, swaps recorded with a reason."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from core.audit.service import AuditEntry
from core.schema.relay import encode_global_id
from plugins.building_heads.services import rota
from plugins.building_heads.tables import RotaShift

COORD = "building_heads.coordinator"
START = date(2025, 1, 6)  # a Monday

CREATE = """mutation($input: BuildingHeadCreateStationInput!) {
  buildingHeadCreateStation(input: $input) {
    __typename
    ... on BuildingHeadCreateStationPayload { station { id name compoundId fixedHeadResidentId } }
    ... on UserError { code field }
  }
}"""

GENERATE = """mutation($input: BuildingHeadGenerateRotaInput!) {
  buildingHeadGenerateRota(input: $input) {
    __typename
    ... on BuildingHeadGenerateRotaPayload { shifts { id startsOn endsOn appointment { id } }
                                     unfilledWeeksStartingOn }
    ... on UserError { code field messageZh }
  }
}"""

LEAVE = """mutation($input: BuildingHeadRecordLeaveInput!) {
  buildingHeadRecordLeave(input: $input) {
    __typename
    ... on BuildingHeadRecordLeavePayload { leave { id startsOn endsOn reason } }
    ... on UserError { code field }
  }
}"""

SWAP = """mutation($input: BuildingHeadSwapShiftsInput!) {
  buildingHeadSwapShifts(input: $input) {
    __typename
    ... on BuildingHeadSwapShiftsPayload { shifts { id swapReason appointment { id }
                                              swappedFrom { id } } }
    ... on UserError { code field }
  }
}"""

ROTA = """query($s: ID!, $from: Date!, $to: Date!) {
  buildingHeadRota(stationId: $s, startsOn: $from, endsOn: $to) {
    id startsOn endsOn swapReason appointment { id residentName } swappedFrom { id }
  }
}"""


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


async def _heads(world: Any, kit: Any, rules: Any) -> list[int]:
    """A serving head for each of the world's three buildings, from 1 January 2025."""
    out = []
    for building in world.buildings:
        resident = world.residents[world.households[building.id][1].id][0]
        out.append(await kit.make_head(world, rules, building, resident, start=date(2025, 1, 1)))
    return out


async def _station(gql: Any, world: Any, coord: Any, compound: bool = False) -> str:
    fixed = world.residents[world.households[world.buildings[0].id][2].id][0]
    out = await gql(CREATE, {"input": {
        "name": "新纺苑红旗驿站", "communityId": gid("Community", world.community.id),
        "compoundId": gid("Compound", world.compound.id) if compound else None,
        "fixedHeadResidentId": gid("Resident", fixed.id)}}, token=coord.token,
        node=world.node.code)
    station = out["data"]["buildingHeadCreateStation"]["station"]
    assert station["fixedHeadResidentId"] == gid("Resident", fixed.id)
    return station["id"]  # type: ignore[no-any-return]


async def _generate(gql: Any, world: Any, coord: Any, station: str, start: date, end: date
                    ) -> dict[str, Any]:
    out = await gql(GENERATE, {"input": {"stationId": station, "startsOn": start.isoformat(),
                                         "endsOn": end.isoformat()}},
                    token=coord.token, node=world.node.code)
    return out["data"]["buildingHeadGenerateRota"]  # type: ignore[no-any-return]


async def _counts(world: Any) -> Counter[int]:
    async with world.read():
        rows = await RotaShift.select(RotaShift.appointment_id)
    return Counter(int(r["appointment_id"]) for r in rows)


async def test_round_robin_is_fair_over_periods_and_skips_leave(world, gql, factory, linli_env,
                                                                 heads_kit):
    rules = linli_env.state.services.rules
    coord = await factory.account(world.node, COORD)
    heads = await _heads(world, heads_kit, rules)
    station = await _station(gql, world, coord)

    first = await _generate(gql, world, coord, station, START, START + timedelta(weeks=6))
    assert len(first["shifts"]) == 7 and first["unfilledWeeksStartingOn"] == []
    assert first["shifts"][0]["endsOn"] == (START + timedelta(days=6)).isoformat()
    counts = await _counts(world)
    assert set(counts) == set(heads) and max(counts.values()) - min(counts.values()) <= 1

    again = await _generate(gql, world, coord, station, START, START + timedelta(weeks=6))
    assert again["shifts"] == []  # weeks that have a shift are kept

    later = START + timedelta(weeks=7)
    second = await _generate(gql, world, coord, station, later, later + timedelta(weeks=4))
    assert len(second["shifts"]) == 5
    assert set((await _counts(world)).values()) == {4}  # 12 weeks, 3 heads: 4 each

    away = heads[0]
    leave_week = START + timedelta(weeks=12)
    out = await gql(LEAVE, {"input": {"appointmentId": gid("BuildingHeadAppointment", away),
                                      "startsOn": (leave_week + timedelta(days=2)).isoformat(),
                                      "endsOn": (leave_week + timedelta(days=3)).isoformat(),
                                      "reason": "住院"}},
                    token=coord.token, node=world.node.code)
    assert out["data"]["buildingHeadRecordLeave"]["leave"]["reason"] == "住院"
    third = await _generate(gql, world, coord, station, leave_week,
                            leave_week + timedelta(weeks=2))
    by_week = {s["startsOn"]: s["appointment"]["id"] for s in third["shifts"]}
    assert by_week[leave_week.isoformat()] != gid("BuildingHeadAppointment", away)
    assert gid("BuildingHeadAppointment", away) in by_week.values()  # catches up after leave
    final = await _counts(world)
    assert max(final.values()) - min(final.values()) <= 1


async def test_compound_station_uses_its_heads_and_unfilled_weeks(world, gql, factory,
                                                                   linli_env, heads_kit):
    rules = linli_env.state.services.rules
    coord = await factory.account(world.node, COORD)
    heads = await _heads(world, heads_kit, rules)
    station = await _station(gql, world, coord, compound=True)
    for appointment in heads[:2]:  # buildings 0 and 1 are in the compound
        async with world.write():
            await rota.record_leave(appointment, START, START + timedelta(days=6), "", None)
    out = await _generate(gql, world, coord, station, START, START + timedelta(weeks=3))
    assert out["unfilledWeeksStartingOn"] == [START.isoformat()]
    used = {s["appointment"]["id"] for s in out["shifts"]}
    assert used == {gid("BuildingHeadAppointment", a) for a in heads[:2]}


async def test_swap_recorded_with_reason(world, gql, factory, linli_env, heads_kit):
    rules = linli_env.state.services.rules
    coord = await factory.account(world.node, COORD)
    await _heads(world, heads_kit, rules)
    station = await _station(gql, world, coord)
    shifts = (await _generate(gql, world, coord, station, START,
                              START + timedelta(weeks=1)))["shifts"]
    a, b = shifts
    blank = await gql(SWAP, {"input": {"shiftAId": a["id"], "shiftBId": b["id"], "reason": ""}},
                      token=coord.token, node=world.node.code)
    assert blank["data"]["buildingHeadSwapShifts"]["field"] == "reason"
    out = await gql(SWAP, {"input": {"shiftAId": a["id"], "shiftBId": b["id"],
                                     "reason": "外出探亲 / family visit"}},
                    token=coord.token, node=world.node.code)
    swapped = out["data"]["buildingHeadSwapShifts"]["shifts"]
    assert swapped[0]["appointment"]["id"] == b["appointment"]["id"]
    assert swapped[0]["swappedFrom"]["id"] == a["appointment"]["id"]
    listed = (await gql(ROTA, {"s": station, "from": START.isoformat(),
                               "to": (START + timedelta(days=13)).isoformat()},
                        token=coord.token, node=world.node.code))["data"]["buildingHeadRota"]
    assert [s["swapReason"] for s in listed] == ["外出探亲 / family visit"] * 2
    assert listed[1]["appointment"]["id"] == a["appointment"]["id"]
    assert listed[0]["appointment"]["residentName"]
    async with world.read():
        assert await AuditEntry.count().where(AuditEntry.action == "building_heads.rota.swap") == 1


async def test_rota_isolation_permissions_and_plugin_gate(world, gql, factory, linli_env,
                                                          heads_kit, make_world):
    rules = linli_env.state.services.rules
    coord = await factory.account(world.node, COORD)
    heads = await _heads(world, heads_kit, rules)
    station = await _station(gql, world, coord)
    empty = await gql(ROTA, {"s": station, "from": "2025-01-01", "to": "2025-01-31"},
                      token=coord.token, node=world.node.code)
    assert empty["data"]["buildingHeadRota"] == []
    listed = await gql("{ buildingHeadStations(first: 5) { edges { node { id name } } } }",
                       token=coord.token, node=world.node.code)
    assert [e["node"]["id"] for e in listed["data"]["buildingHeadStations"]["edges"]] == [station]

    other = await make_world()
    stranger = await factory.account(other.node, COORD)
    out = await gql(ROTA, {"s": station, "from": "2025-01-01", "to": "2025-01-31"},
                    token=stranger.token, node=other.node.code)
    assert out["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    gen = await _generate(gql, other, stranger, station, START, START)
    assert gen["code"] == "NOT_FOUND"
    leave = await gql(LEAVE, {"input": {"appointmentId": gid("BuildingHeadAppointment", heads[0]),
                                        "startsOn": "2025-01-01", "endsOn": "2025-01-02"}},
                      token=stranger.token, node=other.node.code)
    assert leave["data"]["buildingHeadRecordLeave"]["code"] == "NOT_FOUND"
    none = await gql("{ buildingHeadStations(first: 5) { edges { node { id } } } }",
                     token=stranger.token, node=other.node.code)
    assert none["data"]["buildingHeadStations"]["edges"] == []

    head_account = await factory.account(world.node, "building_heads.head", place_kind="building",
                                         place_id=world.buildings[0].id)
    refused = await _generate(gql, world, head_account, station, START, START)
    assert refused["code"] == "FORBIDDEN"

    off = await make_world(enable=False)
    admin = await factory.account(off.node, COORD)
    gated = await gql("{ buildingHeadStations(first: 5) { edges { node { id } } } }",
                      token=admin.token, node=off.node.code)
    assert gated["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"
