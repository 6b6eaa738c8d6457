"""Appointments: eligibility (age on the appointment date, health declaration) with an audited
override, ranking by priority tags, the notice period, approval with one serving head per
building (enforced by the database), handover on the same day, the account link, isolation."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest

from core.audit.service import AuditEntry
from core.identity.access import Access
from core.identity.auth import access_at, load_principal
from core.identity.tables import Account, Membership
from core.plugin import ApiError
from core.rules.service import today_shanghai
from core.schema.relay import encode_global_id
from plugins.building_heads.services import appointments as svc
from plugins.building_heads.services.access import building_place, check_building
from plugins.building_heads.services.appointments import add_years
from plugins.building_heads.tables import Appointment, Candidate

COORD = "building_heads.coordinator"


def gid_of(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))

NOMINATE = """mutation($input: BuildingHeadNominateInput!) {
  buildingHeadNominate(input: $input) {
    __typename
    ... on BuildingHeadCandidateChange { candidate { id eligible mayBeAppointed priority status
        reasons { code messageZh } overridden overrideReason method methodLabel residentName } }
    ... on UserError { code field messageZh }
  }
}"""

CANDIDATE_OP = """mutation($input: %(input)s!) {
  %(name)s(input: $input) {
    __typename
    ... on BuildingHeadCandidateChange { candidate { id eligible mayBeAppointed status
        reasons { code } overridden overrideReason noticeStartsOn noticeEndsOn } }
    ... on UserError { code field messageZh }
  }
}"""

APPOINTMENT_OP = """mutation($input: %(input)s!) {
  %(name)s(input: $input) {
    __typename
    ... on BuildingHeadAppointmentChange { appointment { id role serving termStartsOn termEndsOn
        endedOn partyGroupLead termRuleVersion accountId buildingName residentName } }
    ... on UserError { code field messageZh }
  }
}"""

CANDIDATES = """query($b: ID!, $first: Int!, $after: String) {
  buildingHeadCandidates(buildingId: $b, first: $first, after: $after) {
    edges { cursor node { id priority residentName } } pageInfo { hasNextPage endCursor }
  }
}"""


def op(name: str, input_type: str, template: str = CANDIDATE_OP) -> str:
    return template % {"name": name, "input": input_type}


def years_ago(years: int, today: date | None = None) -> date:
    return add_years(today or today_shanghai(), -years)


async def nominate_gql(gql: Any, world: Any, coord: Any, building: Any, resident: Any,
                       method: str = "SELF", health: bool = True) -> dict[str, Any]:
    out = await gql(NOMINATE, {"input": {
        "buildingId": gid_of("Building", building.id),
        "residentId": gid_of("Resident", resident.id),
        "method": method, "healthDeclared": health}}, token=coord.token, node=world.node.code)
    return out["data"]["buildingHeadNominate"]  # type: ignore[no-any-return]


async def test_age_66_refused_without_override_and_accepted_with_audited_override(
        world, gql, factory):
    coord = await factory.account(world.node, COORD)
    household = world.households[world.buildings[0].id][2]
    elder = await world.resident(household, name="老王", birth=years_ago(66))
    result = await nominate_gql(gql, world, coord, world.buildings[0], elder, "ORGANISATION")
    cand = result["candidate"]
    assert cand["eligible"] is False and cand["mayBeAppointed"] is False
    assert [r["code"] for r in cand["reasons"]] == ["AGE_OVER_LIMIT"]
    assert cand["methodLabel"] == "组织推荐" and cand["residentName"] == "老王"

    notice = op("buildingHeadStartNotice", "BuildingHeadStartNoticeInput")
    refused = (await gql(notice, {"input": {"candidateId": cand["id"]}}, token=coord.token,
                         node=world.node.code))["data"]["buildingHeadStartNotice"]
    assert refused["__typename"] == "UserError"
    assert (refused["code"], refused["field"]) == ("INVALID_ARGUMENT", "candidateId")

    override = op("buildingHeadOverrideEligibility", "BuildingHeadOverrideEligibilityInput")
    blank = (await gql(override, {"input": {"candidateId": cand["id"], "reason": "  "}},
                       token=coord.token, node=world.node.code))["data"]
    assert blank["buildingHeadOverrideEligibility"]["field"] == "reason"
    done = (await gql(override, {"input": {"candidateId": cand["id"],
                                           "reason": "身体硬朗，群众基础好"}},
                      token=coord.token, node=world.node.code))["data"]
    after = done["buildingHeadOverrideEligibility"]["candidate"]
    assert after["overridden"] and after["mayBeAppointed"] and not after["eligible"]
    async with world.read():
        audits = await AuditEntry.select().where(
            AuditEntry.action == "building_heads.candidate.override")
    assert len(audits) == 1 and audits[0]["account_id"] == coord.id
    assert "群众基础好" in audits[0]["summary"]

    started = (await gql(notice, {"input": {"candidateId": cand["id"]}}, token=coord.token,
                         node=world.node.code))["data"]["buildingHeadStartNotice"]
    assert started["candidate"]["status"] == "noticed"
    today = today_shanghai()
    assert started["candidate"]["noticeEndsOn"] == (today + timedelta(days=4)).isoformat()


async def test_age_exactly_65_accepted_on_the_appointment_date(world, gql, factory, linli_env):
    coord = await factory.account(world.node, COORD)
    household = world.households[world.buildings[1].id][2]
    today = today_shanghai()
    exact = await world.resident(household, name="刚满65", birth=years_ago(65, today))
    cand = (await nominate_gql(gql, world, coord, world.buildings[1], exact))["candidate"]
    assert cand["eligible"] is True and cand["reasons"] == []
    rules = linli_env.state.services.rules
    async with world.write():
        pk = (await Candidate.select(Candidate.id).where(
            Candidate.resident_id == exact.id).first())["id"]
        day_before_66 = add_years(exact.birth_date, 66) - timedelta(days=1)
        assert (await svc.check_eligibility(rules, pk, day_before_66))["eligible"] is True
        on_66 = await svc.check_eligibility(rules, pk, add_years(exact.birth_date, 66))
        assert on_66["eligible"] is False and on_66["rule_version"] >= 1  # the seeded row
    no_health = await world.resident(world.households[world.buildings[1].id][0], name="未声明",
                                     birth=years_ago(50, today))
    res = await nominate_gql(gql, world, coord, world.buildings[1], no_health, health=False)
    assert [r["code"] for r in res["candidate"]["reasons"]] == ["HEALTH_NOT_DECLARED"]


async def test_candidates_ranked_by_priority_tags(world, gql, factory):
    coord = await factory.account(world.node, COORD)
    b0, b1 = world.buildings[0], world.buildings[1]
    hh0, hh1 = world.households[b0.id], world.households[b1.id]
    born = years_ago(55)
    plain = await world.resident(hh0[0], name="普通", birth=born)
    elsewhere = await world.resident(hh1[0], name="外楼常住", birth=born, tags=["常住"])
    permanent = await world.resident(hh0[1], name="本楼常住", birth=born, tags=["permanent"])
    member = await world.resident(hh0[2], name="党员", birth=born, tags=["党员"])
    cadre = await world.resident(hh0[2], name="老干部", birth=born, tags=["离退休干部"])
    both = await world.resident(hh0[1], name="党员常住", birth=born, tags=["党员", "常住"])
    for r in (plain, elsewhere, permanent, member, cadre, both):
        await nominate_gql(gql, world, coord, b0, r, "RESIDENTS")
    page = (await gql(CANDIDATES, {"b": gid_of("Building", b0.id), "first": 4},
                      token=coord.token, node=world.node.code))["data"]["buildingHeadCandidates"]
    names = [e["node"]["residentName"] for e in page["edges"]]
    assert names == ["老干部", "党员常住", "党员", "本楼常住"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = (await gql(CANDIDATES, {"b": gid_of("Building", b0.id), "first": 4,
                                   "after": page["pageInfo"]["endCursor"]},
                      token=coord.token, node=world.node.code))["data"]["buildingHeadCandidates"]
    assert [e["node"]["residentName"] for e in rest["edges"]] == ["普通", "外楼常住"]
    assert [e["node"]["priority"] for e in rest["edges"]] == [0, 0]


async def test_notice_period_enforced(world, linli_env):
    rules = linli_env.state.services.rules
    household = world.households[world.buildings[0].id][1]
    resident = world.residents[household.id][0]
    d = date(2024, 3, 4)
    async with world.write():
        cand = await svc.nominate(rules, building_id=world.buildings[0].id,
                                  resident_id=resident.id, method="party_claim", nominators=[],
                                  health_declared=True, account_id=None, today=d)
        with pytest.raises(ApiError) as early:
            await svc.approve(rules, cand["id"], account_id=None, today=d)
        assert early.value.field == "candidateId"
        noticed = await svc.start_notice(rules, cand["id"], None, d)
        assert noticed["notice_until"] == d + timedelta(days=4)
        assert noticed["notice_rule_version"] >= 1    # the seeded row
        with pytest.raises(ApiError) as during:
            await svc.approve(rules, cand["id"], account_id=None, today=d + timedelta(days=4))
        assert during.value.code == "INVALID_ARGUMENT" and "公示" in during.value.zh
        appt = await svc.approve(rules, cand["id"], account_id=None, today=d + timedelta(days=5),
                                 party_group_lead=True)
    assert appt["term_start"] == d + timedelta(days=5)
    assert appt["term_end"] == date(2027, 3, 8)
    assert appt["party_group_lead"] is True and appt["serving_head"] == world.buildings[0].id


async def _approve_alone(world: Any, rules: Any, candidate_id: int, today: date) -> Any:
    try:
        async with world.write():
            return await svc.approve(rules, candidate_id, account_id=None, today=today)
    except ApiError as exc:
        return exc


async def test_two_concurrent_approvals_leave_exactly_one_serving_head(heads_kit, world, linli_env):
    rules = linli_env.state.services.rules
    building = world.buildings[2]
    a = world.residents[world.households[building.id][0].id][0]
    b = world.residents[world.households[building.id][1].id][0]
    past = today_shanghai() - timedelta(days=30)
    ids = [await heads_kit.nominate_noticed(world, rules, building, r, past) for r in (a, b)]
    results = await asyncio.gather(*(_approve_alone(world, rules, i, today_shanghai())
                                      for i in ids))
    errors = [r for r in results if isinstance(r, ApiError)]
    assert len(errors) == 1 and errors[0].code == "CONFLICT"
    async with world.read():
        serving = await Appointment.select().where(Appointment.serving_head == building.id)
    assert len(serving) == 1


async def test_database_refuses_two_serving_heads(world):
    building = world.buildings[0]
    resident = world.residents[world.households[building.id][0].id][0]
    row = {"building_id": building.id, "resident_id": resident.id, "serving_head": building.id,
               "term_start": date(2024, 1, 1), "term_end": date(2026, 12, 31)}
    async with world.write():
        await Appointment.insert(Appointment(tenant_id=world.node.id, **row))
    with pytest.raises(Exception) as caught:
        async with world.write():
            await Appointment.insert(Appointment(tenant_id=world.node.id, **row))
    assert svc._is_unique_violation(caught.value)
    async with world.write():  # deputies do not count
        for _ in range(2):
            await Appointment.insert(Appointment(tenant_id=world.node.id, **{
                **row, "serving_head": None, "role": "deputy"}))


async def _access(world: Any, linli_env: Any, account_id: int) -> Access:
    async with linli_env.state.db.transaction(write=False):
        principal = await load_principal(account_id, linli_env.state.rolebook)
        return await access_at(principal, world.node)


async def _may_visit(world: Any, linli_env: Any, account_id: int, building: Any) -> bool:
    access = await _access(world, linli_env, account_id)
    async with world.read():
        place = building_place(access, {"tenant_id": world.node.id, "id": building.id,
                                        "community_id": building.community_id,
                                        "grid_id": building.grid_id}, world.node.path)
        return bool(await check_building(access, "building_heads.visit", place))


async def test_approve_links_account_and_handover_ends_old_term_same_day(heads_kit, 
        world, gql, factory, linli_env):
    rules = linli_env.state.services.rules
    coord = await factory.account(world.node, COORD)
    building = world.buildings[0]
    old_res = world.residents[world.households[building.id][1].id][0]
    new_res = world.residents[world.households[building.id][2].id][0]
    old_acct = await factory.account(world.node, None)
    async with linli_env.state.db.transaction():
        await Account.update({Account.resident_id: old_res.id,
                              Account.resident_tenant_id: world.node.id}).where(
            Account.id == old_acct.id)
    past = today_shanghai() - timedelta(days=40)
    first = await heads_kit.nominate_noticed(world, rules, building, old_res, past)
    approve = op("buildingHeadApprove", "BuildingHeadApproveInput", APPOINTMENT_OP)
    start = today_shanghai() - timedelta(days=10)
    out = (await gql(approve, {"input": {"candidateId": gid_of("BuildingHeadCandidate", first),
                                         "termStartsOn": start.isoformat(),
                                         "partyGroupLead": True}},
                     token=coord.token, node=world.node.code))["data"]["buildingHeadApprove"]
    old = out["appointment"]
    assert old["serving"] and old["partyGroupLead"] and old["role"] == "HEAD"
    assert old["accountId"] == gid_of("Account", old_acct.id)
    assert old["termEndsOn"] == (add_years(start, 3) - timedelta(days=1)).isoformat()
    assert await _may_visit(world, linli_env, old_acct.id, building)
    assert not await _may_visit(world, linli_env, old_acct.id, world.buildings[1])

    second = await heads_kit.nominate_noticed(world, rules, building, new_res, past)
    conflict = (await gql(approve, {"input": {"candidateId": gid_of("BuildingHeadCandidate",
                                                                    second)}},
                          token=coord.token, node=world.node.code))["data"]
    assert conflict["buildingHeadApprove"]["code"] == "CONFLICT"

    new_acct = await factory.account(world.node, None)
    handover = op("buildingHeadHandover", "BuildingHeadHandoverInput", APPOINTMENT_OP)
    day = today_shanghai()
    out = (await gql(handover, {"input": {
        "candidateId": gid_of("BuildingHeadCandidate", second), "handoverOn": day.isoformat(),
        "accountId": gid_of("Account", new_acct.id)}},
        token=coord.token, node=world.node.code))["data"]["buildingHeadHandover"]
    assert out["appointment"]["termStartsOn"] == day.isoformat()
    async with world.read():
        rows = {r["resident_id"]: r for r in await Appointment.select().where(
            Appointment.building_id == building.id)}
    assert rows[old_res.id]["ended_on"] == day and rows[old_res.id]["serving_head"] is None
    assert rows[new_res.id]["term_start"] == day
    async with linli_env.state.db.transaction(write=False):
        held = {m["account_id"] for m in await Membership.select().where(
            (Membership.role == "building_heads.head") & (Membership.place_id == building.id))}
    assert held == {new_acct.id}
    assert not await _may_visit(world, linli_env, old_acct.id, building)
    assert await _may_visit(world, linli_env, new_acct.id, building)
    async with world.read():
        actions = [r["action"] for r in await AuditEntry.select(AuditEntry.action).where(
            AuditEntry.action.like("building_heads.%")).order_by(AuditEntry.id)]
    assert "building_heads.appoint" in actions and "building_heads.handover" in actions


async def test_ending_a_term_takes_the_role_and_a_new_grant_gives_it_back(heads_kit, world, gql, factory, linli_env):
    rules = linli_env.state.services.rules
    coord = await factory.account(world.node, COORD)
    building = world.buildings[1]
    resident = world.residents[world.households[building.id][0].id][0]
    head = await factory.account(world.node, None)
    appt = await heads_kit.make_head(world, rules, building, resident, link_account_id=head.id)
    cands = (await gql(CANDIDATES, {"b": gid_of("Building", building.id), "first": 5},
                       token=head.token, node=world.node.code))
    assert cands["data"]["buildingHeadCandidates"]["edges"] == []
    other = await gql(CANDIDATES, {"b": gid_of("Building", world.buildings[0].id), "first": 5},
                      token=head.token, node=world.node.code)
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    end = op("buildingHeadEndTerm", "BuildingHeadEndTermInput", APPOINTMENT_OP)
    out = (await gql(end, {"input": {"appointmentId": gid_of("BuildingHeadAppointment", appt),
                                     "reason": "搬离本楼"}},
                     token=coord.token, node=world.node.code))["data"]["buildingHeadEndTerm"]
    assert out["appointment"]["serving"] is False
    async with linli_env.state.db.transaction(write=False):
        assert not await Membership.exists().where(Membership.account_id == head.id)
    assert not await _may_visit(world, linli_env, head.id, building)
    denied = await gql(CANDIDATES, {"b": gid_of("Building", building.id), "first": 5},
                       token=head.token, node=world.node.code)
    assert denied["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # staff grant the role again directly: the permission answer and the action agree
    await factory.grant(head, world.node, "building_heads.head", place_kind="building",
                        place_id=building.id)
    assert await _may_visit(world, linli_env, head.id, building)
    again = await gql(CANDIDATES, {"b": gid_of("Building", building.id), "first": 5},
                      token=head.token, node=world.node.code)
    assert again["data"]["buildingHeadCandidates"]["edges"] == []
    heads = await gql("{ buildingHeads(first: 5, includeEnded: true) { edges { node { id } } } }",
                      token=coord.token, node=world.node.code)
    assert len(heads["data"]["buildingHeads"]["edges"]) == 1


async def test_deputy_alongside_the_head(heads_kit, world, linli_env):
    rules = linli_env.state.services.rules
    building = world.buildings[2]
    head = world.residents[world.households[building.id][0].id][0]
    deputy = world.residents[world.households[building.id][1].id][0]
    await heads_kit.make_head(world, rules, building, head)
    past = today_shanghai() - timedelta(days=20)
    cid = await heads_kit.nominate_noticed(world, rules, building, deputy, past)
    async with world.write():
        row = await svc.approve(rules, cid, account_id=None, today=today_shanghai(),
                                role="deputy")
    assert row["role"] == "deputy" and row["serving_head"] is None


async def test_disabled_plugin_and_other_tenant(heads_kit, world, gql, factory, make_world,
                                                linli_env):
    rules = linli_env.state.services.rules
    coord = await factory.account(world.node, COORD)
    building = world.buildings[0]
    resident = world.residents[world.households[building.id][0].id][0]
    appt = await heads_kit.make_head(world, rules, building, resident)
    cand = (await nominate_gql(gql, world, coord, building,
                               world.residents[world.households[building.id][2].id][0]))
    cand_id = cand["candidate"]["id"]

    other = await make_world()
    stranger = await factory.account(other.node, COORD)
    q = await gql(CANDIDATES, {"b": gid_of("Building", building.id), "first": 5},
                  token=stranger.token, node=other.node.code)
    assert q["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    for ident in (cand_id, gid_of("BuildingHeadAppointment", appt)):
        node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": ident},
                         token=stranger.token, node=other.node.code)
        assert node["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    listed = await gql("{ buildingHeads(first: 10, includeEnded: true) { edges { node { id } } } }",
                       token=stranger.token, node=other.node.code)
    assert listed["data"]["buildingHeads"]["edges"] == []
    mine = await gql("query($id: ID!) { node(id: $id) { ... on BuildingHeadCandidate "
                     "{ status } } }",
                     {"id": cand_id}, token=coord.token, node=world.node.code)
    assert mine["data"]["node"]["status"] == "nominated"
    end = op("buildingHeadEndTerm", "BuildingHeadEndTermInput", APPOINTMENT_OP)
    foreign = await gql(end, {"input": {"appointmentId": gid_of("BuildingHeadAppointment", appt)}},
                        token=stranger.token, node=other.node.code)
    assert foreign["data"]["buildingHeadEndTerm"]["code"] == "NOT_FOUND"

    off = await make_world(enable=False)
    admin = await factory.account(off.node, COORD)
    for query, variables in (
            ("{ buildingHeads(first: 5) { edges { node { id } } } }", None),
            (CANDIDATES, {"b": gid_of("Building", off.buildings[0].id), "first": 5})):
        out = await gql(query, variables, token=admin.token, node=off.node.code)
        assert out["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"
    nominated = await gql(NOMINATE, {"input": {
        "buildingId": gid_of("Building", off.buildings[0].id),
        "residentId": gid_of("Resident",
                             off.residents[off.households[off.buildings[0].id][0].id][0].id),
        "method": "SELF", "healthDeclared": True}}, token=admin.token, node=off.node.code)
    assert nominated["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"


async def test_enablement_seeds_the_rules_so_a_notice_stores_a_real_version(world, linli_env,
                                                                           seeded_rules):
    """Enabling the plugin writes every default as a dated row of the root region: a public
    notice stores the notice period's row version (≥ 1), never 0."""
    from plugins.building_heads.rules import RULES, SINCE

    rules = linli_env.state.services.rules
    resident = world.residents[world.households[world.buildings[0].id][1].id][0]
    d = date(2024, 3, 4)
    async with world.write():
        cand = await svc.nominate(rules, building_id=world.buildings[0].id,
                                  resident_id=resident.id, method="party_claim", nominators=[],
                                  health_declared=True, account_id=None, today=d)
        noticed = await svc.start_notice(rules, cand["id"], None, d)
    got = await seeded_rules(world.node, RULES, SINCE, d)
    assert noticed["notice_rule_version"] == got["building_heads.notice_days"].version
