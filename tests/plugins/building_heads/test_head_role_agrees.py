"""A building head's login works because the permission answer and the action agree: the
``building_heads.head`` role comes only with an approved appointment (linked to the account),
so neither ``grantMembership`` nor ``linli account create|grant --role`` can make a head whom
``checkPermission`` allows and ``buildingHeadLogVisit`` then refuses ("household not found")."""

from __future__ import annotations

import pytest

from core.identity.service import grant_membership
from core.identity.tables import Membership
from core.plugin import ApiError
from tests.plugins.building_heads.conftest import gid

GRANT = """mutation($input: GrantMembershipInput!) { grantMembership(input: $input) {
  __typename ... on UserError { code field messageEn } } }"""


async def test_the_head_role_is_not_granted_directly(world, factory, gql, linli_env):
    admin = await factory.account(world.node, "tenant_admin")
    someone = await factory.account(world.node, None)
    building = world.buildings[0]
    out = await gql(GRANT, {"input": {"accountId": gid("Account", someone.id),
                                      "role": "building_heads.head", "placeKind": "building",
                                      "placeId": gid("Building", building.id)}},
                    token=admin.token, node=world.node.code)
    refused = out["data"]["grantMembership"]
    assert refused["__typename"] == "UserError" and refused["code"] == "INVALID_ARGUMENT", out
    assert refused["field"] == "role" and "appointment" in refused["messageEn"]
    async with linli_env.state.db.transaction(write=False):
        assert not await Membership.exists().where(Membership.account_id == someone.id)


async def test_the_cli_path_of_the_report_is_refused_too(world, factory, linli_env):
    someone = await factory.account(world.node, None)
    async with linli_env.state.db.transaction():
        with pytest.raises(ApiError) as err:
            await grant_membership(someone.id, world.node.id, "building_heads.head", "building",
                                   world.buildings[0].id, rolebook=linli_env.state.rolebook)
    assert err.value.code == "INVALID_ARGUMENT" and "appointment" in err.value.en
