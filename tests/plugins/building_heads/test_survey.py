"""Residents rate their building's head: an anonymous survey per building and year, one
response per household (decided by a unique index, also between concurrent answers); only
counts and the average are shown; only a resident of the building may answer."""

from __future__ import annotations

import asyncio

import pytest

from core.identity.tables import Account
from core.plugin import encode_global_id as gid
from plugins.building_heads.tables import SurveyResponse

RATE = """mutation($s: Int!) { buildingHeadRateHead(input: {score: $s}) {
  __typename ... on BuildingHeadRateHeadPayload { responses } ... on UserError { code field } } }"""
SURVEY = """query($b: ID!) { buildingHeadSurvey(buildingId: $b) {
  households responses average } }"""


async def _resident_account(world, factory, linli_env, household):
    account = await factory.account(world.node, "resident")
    resident = world.residents[household.id][0]
    async with linli_env.state.db.transaction():
        await Account.update({Account.resident_id: resident.id,
                              Account.resident_tenant_id: world.node.id}).where(
            Account.id == account.id)
    return account


async def test_one_anonymous_answer_per_household(world, factory, gql, linli_env):
    b0 = world.buildings[0]
    first, second = world.households[b0.id][:2]
    one = await _resident_account(world, factory, linli_env, first)
    same_home = await factory.account(world.node, "resident")
    async with linli_env.state.db.transaction():
        await Account.update({Account.resident_id: world.residents[first.id][0].id,
                              Account.resident_tenant_id: world.node.id}).where(
            Account.id == same_home.id)
    other = await _resident_account(world, factory, linli_env, second)
    out = await gql(RATE, {"s": 6}, token=one.token, node=world.node.code)
    assert out["data"]["buildingHeadRateHead"]["field"] == "score"
    out = await gql(RATE, {"s": 5}, token=one.token, node=world.node.code)
    assert out["data"]["buildingHeadRateHead"]["responses"] == 1
    out = await gql(RATE, {"s": 1}, token=same_home.token, node=world.node.code)
    assert out["data"]["buildingHeadRateHead"]["code"] == "CONFLICT"
    out = await gql(RATE, {"s": 4}, token=other.token, node=world.node.code)
    assert out["data"]["buildingHeadRateHead"]["responses"] == 2
    staff = await factory.account(world.node, "building_heads.coordinator")
    out = await gql(RATE, {"s": 3}, token=staff.token, node=world.node.code)
    assert out["data"]["buildingHeadRateHead"]["code"] == "FORBIDDEN"
    result = await gql(SURVEY, {"b": str(gid("Building", b0.id))}, token=staff.token,
                       node=world.node.code)
    assert result["data"]["buildingHeadSurvey"] == {"households": 3, "responses": 2,
                                                    "average": 4.5}
    fields = set(linli_env.state.schema._schema.type_map["BuildingHeadSurvey"].fields)
    assert fields == {"buildingId", "year", "households", "responses", "average"}  # nobody named


@pytest.mark.postgres_only
async def test_concurrent_answers_of_one_household_count_once(world, factory, gql, linli_env):
    household = world.households[world.buildings[1].id][0]
    accounts = [await _resident_account(world, factory, linli_env, household) for _ in range(4)]
    results = await asyncio.gather(*(gql(RATE, {"s": 4}, token=a.token, node=world.node.code)
                                     for a in accounts))
    kinds = sorted(r["data"]["buildingHeadRateHead"]["__typename"] for r in results)
    assert kinds == ["BuildingHeadRateHeadPayload", "UserError", "UserError", "UserError"]
    async with world.read():
        assert await SurveyResponse.count() == 1
