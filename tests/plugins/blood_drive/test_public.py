"""The public call (``bloodDrivePublicCalls``): anonymous with X-Linli-Node a street office's
residents read the running campaigns' call and the sessions ahead with seats left — nothing
about donors or bookings; without the header it says the header is missing."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from core.plugin import encode_global_id
from core.testing import count_statements as counting

CALLS = """{ bloodDrivePublicCalls(first: 5) {
  campaignId title callText organisers contactName contactPhones startsOn endsOn anchorName
  sessions { sessionId siteName address heldOn seatsLeft slots { startsAt endsAt seatsLeft } }
} }"""




async def _seed(world):
    from plugins.blood_drive.services import bookings

    running = await world.campaign(title="学雷锋献血月", call_text="献出一份爱心。",
                                   contact_name="市献血办", contact_phones=("0635-8888888",),
                                   anchor_name="学雷锋纪念日")
    await world.campaign(title="去年的活动", starts_on=date.today() - timedelta(days=60),
                         ends_on=date.today() - timedelta(days=30))
    open_session = await world.session(world.a, running, capacity=1, slots=2, days=2)
    full = await world.session(world.a, running, capacity=1, slots=1, days=3)
    await world.session(world.b, running, capacity=5, days=2)       # another street's
    donor = await world.donor(world.a, name="王献血")
    other = await world.donor(world.a, name="李献血")
    first = (await world.slots(world.a, open_session))[0]
    await world.do(world.a.node, lambda s: bookings.book(s, int(first["id"]), int(donor["id"])))
    whole = (await world.slots(world.a, full))[0]
    await world.do(world.a.node, lambda s: bookings.book(s, int(whole["id"]), int(other["id"])))
    return running, open_session, donor


async def test_anonymous_call_shows_open_sessions_and_no_personal_data(world, gql):
    running, open_session, donor = await _seed(world)
    out = await gql(CALLS, node=world.a.node.code)
    assert "errors" not in out, out
    calls = out["data"]["bloodDrivePublicCalls"]
    assert [c["title"] for c in calls] == ["学雷锋献血月"]
    call = calls[0]
    assert call["campaignId"] == str(encode_global_id("BloodDriveCampaign", int(running["id"])))
    assert call["callText"] == "献出一份爱心。"
    assert call["organisers"] == ["市委市直机关工委", "市红十字会"]
    assert call["contactName"] == "市献血办" and call["contactPhones"] == ["0635-8888888"]
    assert call["anchorName"] == "学雷锋纪念日"
    (session,) = call["sessions"]     # the full one and street B's are not shown
    assert session["sessionId"] == str(encode_global_id("BloodDriveSession",
                                                        int(open_session["id"])))
    assert session["seatsLeft"] == 1
    assert [s["seatsLeft"] for s in session["slots"]] == [0, 1]
    text = json.dumps(out, ensure_ascii=False)
    for secret in ("王献血", "李献血", str(encode_global_id("BloodDriveDonor", int(donor["id"]))),
                   str(encode_global_id("Resident", int(donor["resident_id"])))):
        assert secret not in text
    # street B sees its own session only
    other = (await gql(CALLS, node=world.b.node.code))["data"]["bloodDrivePublicCalls"]
    assert [s["seatsLeft"] for s in other[0]["sessions"]] == [5]


async def test_call_without_the_node_header_says_it_is_missing(world, gql):
    await _seed(world)
    out = await gql(CALLS)
    assert out["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT", out
    assert "X-Linli-Node" in out["errors"][0]["message"]
    assert not out.get("data")


async def test_the_example_operation_runs_anonymously(world, gql):
    await _seed(world)
    document = (Path(__file__).resolve().parents[3] / "graphql" / "operations" / "blood_drive"
                / "public.graphql").read_text(encoding="utf-8")
    out = await gql(document, node=world.a.node.code)
    assert "errors" not in out, out
    assert out["data"]["bloodDrivePublicCalls"][0]["sessions"][0]["seatsLeft"] == 1


async def test_first_is_bounded(world, gql):
    out = await gql("{ bloodDrivePublicCalls(first: 6) { title } }", node=world.a.node.code)
    assert out["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT", out


async def test_statement_count_does_not_grow_with_sessions(world, gql, linli_env):
    campaign = await world.campaign(title="场次多的活动")
    counts = []
    for sessions in (1, 8):
        for n in range(len(counts), sessions):
            await world.session(world.a, campaign, capacity=2, slots=3, days=2 + n)
        await gql(CALLS, node=world.a.node.code)          # warm the node and plugin caches
        with counting(linli_env.state.db.engine) as calls:
            out = await gql(CALLS, node=world.a.node.code)
        assert "errors" not in out, out
        assert len(out["data"]["bloodDrivePublicCalls"][0]["sessions"]) == sessions
        counts.append(len(calls))
    assert counts[0] == counts[1], counts
