"""Selection as the sources say: priority (retired cadre, party member, permanent resident)
counts only for people living in the building (本楼宇); a candidate lives in the community
(社区居民); 党员互荐 records the nominating party members and checks they are; 一肩挑 (also
leading the 楼院党小组) needs a party member; relaxing the age limit is 适当放宽."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from core.plugin import ApiError, today_shanghai
from plugins.building_heads.services import appointments as svc


def _person(world, b: int, h: int):
    return world.residents[world.households[world.buildings[b].id][h].id][0]


async def _nominate(world, rules, b: int, resident, method="organisation", nominators=()):
    async with world.write():
        return await svc.nominate(rules, building_id=world.buildings[b].id,
                                  resident_id=resident.id, method=method,
                                  nominators=list(nominators), health_declared=True,
                                  account_id=None, today=today_shanghai())


async def test_priority_counts_only_for_people_living_in_the_building(world, linli_env):
    rules = linli_env.state.services.rules
    member = _person(world, 0, 1)  # 党员、常住 living in building 0
    here = await _nominate(world, rules, 0, member)
    there = await _nominate(world, rules, 1, member)  # same community, another building
    assert here["priority"] == svc.PRIORITY_WEIGHTS["party_member"] + svc.PRIORITY_WEIGHTS[
        "permanent"]
    assert there["priority"] == 0


async def test_a_candidate_lives_in_the_community(world, factory, linli_env):
    rules = linli_env.state.services.rules
    elsewhere = await factory.community(world.node, "中巨社区")
    building = await factory.building(elsewhere, "9号楼")
    household = await factory.household(building, "101")
    outsider = await world.resident(household, name="外社区居民", birth=date(1970, 1, 1))
    with pytest.raises(ApiError) as err:
        await _nominate(world, rules, 0, outsider)
    assert err.value.field == "residentId" and "community" in err.value.en


async def test_party_mutual_nomination_records_and_checks_party_members(world, linli_env):
    rules = linli_env.state.services.rules
    candidate = _person(world, 0, 0)
    with pytest.raises(ApiError) as err:
        await _nominate(world, rules, 0, candidate, "party_mutual")
    assert err.value.field == "nominatorIds"
    with pytest.raises(ApiError) as err:
        await _nominate(world, rules, 0, candidate, "party_mutual", [_person(world, 0, 2).id])
    assert err.value.field == "nominatorIds" and "party member" in err.value.en
    members = [_person(world, 0, 1).id, _person(world, 1, 1).id]
    row = await _nominate(world, rules, 0, candidate, "party_mutual", members)
    assert row["method"] == "party_mutual" and sorted(json.loads(row["nominators"])) == sorted(members)


async def test_the_party_group_lead_must_be_a_party_member(world, linli_env, heads_kit):
    rules = linli_env.state.services.rules
    start = today_shanghai()
    plain = await heads_kit.nominate_noticed(world, rules, world.buildings[2],
                                             _person(world, 2, 2), start - timedelta(days=10))
    with pytest.raises(ApiError) as err:
        async with world.write():
            await svc.approve(rules, plain, account_id=None, today=start,
                              party_group_lead=True)
    assert err.value.field == "partyGroupLead"
    member = await heads_kit.nominate_noticed(world, rules, world.buildings[2],
                                              _person(world, 2, 1), start - timedelta(days=10))
    async with world.write():
        row = await svc.approve(rules, member, account_id=None, today=start,
                                party_group_lead=True)
    assert row["party_group_lead"]


def test_relaxing_the_age_limit_says_shi_dang_fang_kuan(linli_env):
    from graphql import GraphQLObjectType

    schema = linli_env.state.schema._schema
    mutation = schema.mutation_type
    assert isinstance(mutation, GraphQLObjectType)
    text = mutation.fields["buildingHeadOverrideEligibility"].description or ""
    assert "适当放宽" in text and "破格" not in text
