"""A building head's login works because the permission answer and the action agree: both are
core's check of the ``building_heads.head`` membership. A head made by staff directly —
``linli account create --role building_heads.head --place-kind building --place-id …`` (which
calls ``grant_membership``), or ``grantMembership`` — can log a visit in that building, where
``checkPermission`` says allowed; elsewhere both say no. An appointment can be linked to an
account at approval or later (``buildingHeadLinkAccount``), which grants the same membership."""

from __future__ import annotations

from core.identity.service import grant_membership
from core.plugin import scope_for
from plugins.building_heads.tables import Appointment, Visit
from tests.plugins.building_heads.conftest import gid

CHECK = """query($p: String!, $o: ID) { checkPermission(permission: $p, objectId: $o) {
  allowed reasonEn } }"""
GRANT = """mutation($input: GrantMembershipInput!) { grantMembership(input: $input) {
  __typename ... on UserError { code field messageEn } } }"""
LINK = """mutation($input: BuildingHeadLinkAccountInput!) { buildingHeadLinkAccount(input: $input) {
  __typename ... on BuildingHeadLinkAccountPayload { appointment { id accountId } }
  ... on UserError { code field messageEn } } }"""


async def _allowed(gql, token, node, building) -> bool:
    out = await gql(CHECK, {"p": "building_heads.visit", "o": gid("Building", building.id)},
                    token=token, node=node)
    if out.get("data") is None:  # an account with no membership here is refused outright
        return False
    return bool(out["data"]["checkPermission"]["allowed"])


async def test_a_head_created_by_the_cli_can_log_a_visit_in_that_building(
        world, factory, gql, heads_kit, linli_env):
    building, elsewhere = world.buildings[0], world.buildings[2]
    head = await factory.account(world.node, None)
    async with linli_env.state.db.transaction():  # what `linli account create --role …` runs
        await grant_membership(head.id, world.node.id, "building_heads.head", "building",
                               building.id, rolebook=linli_env.state.rolebook)
    assert await _allowed(gql, head.token, world.node.code, building)
    household = world.households[building.id][0]
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household", household.id)}},
                    token=head.token, node=world.node.code)
    assert out["data"]["buildingHeadLogVisit"]["__typename"] == "BuildingHeadLogVisitPayload", out

    assert not await _allowed(gql, head.token, world.node.code, elsewhere)
    foreign = world.households[elsewhere.id][0]
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household", foreign.id)}},
                    token=head.token, node=world.node.code)
    assert out["data"]["buildingHeadLogVisit"]["code"] == "NOT_FOUND"
    async with world.read():
        assert await Visit.count() == 1


async def test_grant_membership_through_the_api_gives_a_working_head(world, factory, gql,
                                                                   heads_kit):
    admin = await factory.account(world.node, "tenant_admin")
    someone = await factory.account(world.node, None)
    building = world.buildings[1]
    out = await gql(GRANT, {"input": {"accountId": gid("Account", someone.id),
                                      "role": "building_heads.head", "placeKind": "building",
                                      "placeId": gid("Building", building.id)}},
                    token=admin.token, node=world.node.code)
    assert out["data"]["grantMembership"]["__typename"] != "UserError", out
    assert await _allowed(gql, someone.token, world.node.code, building)
    household = world.households[building.id][0]
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household", household.id)}},
                    token=someone.token, node=world.node.code)
    assert out["data"]["buildingHeadLogVisit"]["__typename"] == "BuildingHeadLogVisitPayload", out


async def test_an_appointment_is_linked_to_an_account_later(world, factory, gql, heads_kit,
                                                            linli_env):
    building = world.buildings[0]
    resident = world.residents[world.households[building.id][1].id][0]
    appointment_id = await heads_kit.make_head(world, linli_env.state.services.rules, building, resident)
    coordinator = await factory.account(world.node, "building_heads.coordinator")
    login = await factory.account(world.node, None)
    assert not await _allowed(gql, login.token, world.node.code, building)
    out = await gql(LINK, {"input": {"appointmentId": gid("BuildingHeadAppointment",
                                                          appointment_id),
                                     "accountId": gid("Account", login.id)}},
                    token=coordinator.token, node=world.node.code)
    payload = out["data"]["buildingHeadLinkAccount"]
    assert payload["appointment"]["accountId"] == gid("Account", login.id), out
    assert await _allowed(gql, login.token, world.node.code, building)
    household = world.households[building.id][0]
    out = await gql(heads_kit.LOG, {"input": {"householdId": gid("Household", household.id)}},
                    token=login.token, node=world.node.code)
    assert out["data"]["buildingHeadLogVisit"]["__typename"] == "BuildingHeadLogVisitPayload"
    async with linli_env.state.db.scoped(scope_for(world.node)):
        visit = await Visit.select(Visit.appointment_id).first()
        assert visit["appointment_id"] == appointment_id
        assert (await Appointment.select(Appointment.account_id).where(
            Appointment.id == appointment_id).first())["account_id"] == login.id

    # a head may not link accounts; an unknown account is NOT_FOUND on its field
    out = await gql(LINK, {"input": {"appointmentId": gid("BuildingHeadAppointment",
                                                          appointment_id),
                                     "accountId": gid("Account", 999999)}},
                    token=coordinator.token, node=world.node.code)
    assert out["data"]["buildingHeadLinkAccount"]["field"] == "accountId"
    out = await gql(LINK, {"input": {"appointmentId": gid("BuildingHeadAppointment",
                                                          appointment_id),
                                     "accountId": gid("Account", login.id)}},
                    token=login.token, node=world.node.code)
    assert out["data"]["buildingHeadLinkAccount"]["__typename"] == "UserError"
