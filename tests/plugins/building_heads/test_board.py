"""红旗驿站议事公开栏: the public matter board, read anonymously with X-Linli-Node (public fields only),
isolated per tenant, and its live subscription over WebSocket (graphql-transport-ws)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from litestar.testing import TestClient

from core import db as db_module
from core import pubsub as pubsub_module
from core.app import create_app
from core.db import Database, bind_tables
from core.identity.tables import Account
from core.schema.relay import encode_global_id
from core.state import AppState
from core.tables import all_tables
from plugins.building_heads.services.matters import TOPIC

BOARD = """query($compound: ID, $community: ID, $first: Int!, $after: String) {
  buildingHeadBoard(compoundId: $compound, communityId: $community, first: $first,
                    after: $after) {
    edges { node { id title level step resolved raisedBy rating handedToGridWorker
                   timeline { kind step participants decision decidedOn } } }
    pageInfo { hasNextPage endCursor } } }"""
RAISE = """mutation($input: BuildingHeadRaiseMatterInput!) { buildingHeadRaiseMatter(input: $input) {
  ... on BuildingHeadMatterChange { matter { id } } ... on UserError { code } } }"""
ADVANCE = """mutation($input: BuildingHeadAdvanceMatterInput!) {
  buildingHeadAdvanceMatter(input: $input) {
    ... on BuildingHeadMatterChange { matter { id step } } ... on UserError { code } } }"""
SUBSCRIBE = """subscription($compound: ID) { buildingHeadMatterUpdates(compoundId: $compound) {
  kind matter { title step resolved rating } entry { step participants decision } } }"""
STEPS = ["COMMITTEES", "JOINT", "RESIDENTS", "IMPLEMENTING", "EVALUATED"]


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


async def _raise(gql: Any, world: Any, token: str, b: int, title: str) -> str:
    out = await gql(RAISE, {"input": {"title": title, "participants": ["李楼长"],
                                      "buildingId": gid("Building", world.buildings[b].id)}},
                    token=token, node=world.node.code)
    return str(out["data"]["buildingHeadRaiseMatter"]["matter"]["id"])


async def _resident_account(factory: Any, world: Any) -> Any:
    acct = await factory.account(world.node, "resident")
    resident = world.residents[world.households[world.buildings[0].id][2].id][0]
    async with world.env.state.db.transaction():
        await Account.update({Account.resident_id: resident.id,
                              Account.resident_tenant_id: world.node.id}).where(
            Account.id == acct.id)
    return acct, resident


async def test_anonymous_board_shows_the_timeline_and_no_personal_data(world, gql, factory):
    staff = await factory.account(world.node, "building_heads.coordinator")
    resident_acct, resident = await _resident_account(factory, world)
    mid = await _raise(gql, world, resident_acct.token, 0, "楼下噪音扰民")
    out = await gql(ADVANCE, {"input": {"matterId": mid, "step": "COMMITTEES",
                                        "participants": ["王书记", "赵主任"],
                                        "decision": "约谈商户"}},
                    token=staff.token, node=world.node.code)
    assert out["data"]["buildingHeadAdvanceMatter"]["matter"]["step"] == "COMMITTEES"
    await _raise(gql, world, staff.token, 2, "不在小区的楼")  # not on the compound's board
    board = await gql(BOARD, {"compound": gid("Compound", world.compound.id), "first": 10},
                      node=world.node.code)  # no token
    assert "errors" not in board, board
    nodes = [e["node"] for e in board["data"]["buildingHeadBoard"]["edges"]]
    assert [n["title"] for n in nodes] == ["楼下噪音扰民"]
    assert nodes[0]["raisedBy"] == "resident"
    assert [(t["step"], t["participants"], t["decision"]) for t in nodes[0]["timeline"]] == [
        ("RAISED", ["李楼长"], "楼下噪音扰民"), ("COMMITTEES", ["王书记", "赵主任"], "约谈商户")]
    text = json.dumps(board, ensure_ascii=False)
    assert resident.name not in text
    assert gid("Resident", resident.id) not in text and gid("Account", resident_acct.id) not in text
    community = await gql(BOARD, {"community": gid("Community", world.community.id),
                                  "first": 10}, node=world.node.code)
    assert len(community["data"]["buildingHeadBoard"]["edges"]) == 2


async def test_the_board_type_exposes_only_public_fields(linli_env):
    schema = linli_env.state.schema._schema
    fields = set(schema.type_map["BuildingHeadMatter"].fields)
    assert fields == {"id", "title", "description", "level", "step", "resolved", "resolution",
                      "raisedBy", "rating", "handedToGridWorker", "buildingId", "compoundId",
                      "communityId", "stationId", "createdAt", "updatedAt", "timeline", "stepName",
                      "stepNameEn", "levelName"}


async def test_board_pages_newest_first(world, gql, factory):
    staff = await factory.account(world.node, "building_heads.coordinator")
    titles = [f"事项{i}" for i in range(3)]
    for title in titles:
        await _raise(gql, world, staff.token, 0, title)
    compound = gid("Compound", world.compound.id)
    page = (await gql(BOARD, {"compound": compound, "first": 2}, node=world.node.code))[
        "data"]["buildingHeadBoard"]
    assert [e["node"]["title"] for e in page["edges"]] == ["事项2", "事项1"]
    assert page["pageInfo"]["hasNextPage"]
    rest = (await gql(BOARD, {"compound": compound, "first": 2,
                              "after": page["pageInfo"]["endCursor"]}, token=staff.token,
                      node=world.node.code))["data"]["buildingHeadBoard"]
    assert [e["node"]["title"] for e in rest["edges"]] == ["事项0"]
    assert not rest["pageInfo"]["hasNextPage"]


async def test_another_tenant_sees_nothing(world, make_world, gql, factory):
    staff = await factory.account(world.node, "building_heads.coordinator")
    await _raise(gql, world, staff.token, 0, "本街道的事")
    other = await make_world()
    compound = gid("Compound", world.compound.id)
    for token in (None, (await factory.account(other.node, "tenant_admin")).token):
        out = await gql(BOARD, {"compound": compound, "first": 10}, token=token,
                        node=other.node.code)
        assert out["errors"][0]["extensions"]["code"] == "NOT_FOUND", out
    mine = await gql(BOARD, {"compound": gid("Compound", other.compound.id), "first": 10},
                     node=other.node.code)
    assert mine["data"]["buildingHeadBoard"]["edges"] == []
    nowhere = await gql(BOARD, {"compound": compound, "first": 10})
    error = nowhere["errors"][0]
    assert error["extensions"]["code"] == "INVALID_ARGUMENT", nowhere  # not "sign in"
    assert error["extensions"]["field"] == "X-Linli-Node" and "header is missing" in str(error)
    assert not nowhere.get("data")
    unknown = await gql(BOARD, {"compound": compound, "first": 10}, node="999999999999")
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    both = await gql(BOARD, {"compound": compound, "community": gid("Community", 1),
                             "first": 10}, node=world.node.code)
    assert both["errors"][0]["extensions"]["code"] == "INVALID_ARGUMENT"


async def test_board_answers_plugin_disabled_anonymously(make_world, gql):
    world = await make_world(enable=False)
    out = await gql(BOARD, {"compound": gid("Compound", world.compound.id), "first": 10},
                    node=world.node.code)
    assert out["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"


# -- the live subscription --------------------------------------------------------------------
def _own_app(linli_env: Any) -> tuple[AppState, Any]:
    shared = linli_env.state
    state = AppState(settings=shared.settings, registry=shared.registry,
                     db=Database(shared.settings.database_url, all_tables(shared.registry)),
                     rolebook=shared.rolebook, schema=shared.schema)
    pubsub_module.install(state)  # committed changes are published to this app's pubsub
    return state, create_app(state=state, manage_db=True)


def _wait_for_board(state: AppState, tenant_id: int) -> None:
    for _ in range(500):  # until the subscription is listening (not a timed assertion)
        if state.services.pubsub.subscribers(TOPIC, tenant_id):
            return
        time.sleep(0.01)
    raise AssertionError("the subscription never started listening")


async def test_subscription_delivers_each_step_live(world, linli_env, factory):
    staff = await factory.account(world.node, "building_heads.coordinator")
    shared_db = linli_env.state.db
    previous_pubsub = pubsub_module.get_pubsub()
    state, app = _own_app(linli_env)
    compound = gid("Compound", world.compound.id)
    headers = {"Authorization": f"Bearer {staff.token}", "X-Linli-Node": world.node.code}

    def post(client: TestClient, query: str, input: dict[str, Any]) -> dict[str, Any]:
        data = client.post("/graphql", json={"query": query, "variables": {"input": input}},
                           headers=headers).json()["data"]
        return next(iter(data.values()))  # type: ignore[no-any-return]

    def run() -> list[dict[str, Any]]:
        with TestClient(app) as client, client.websocket_connect(
                "/graphql", subprotocols=["graphql-transport-ws"],
                headers={"X-Linli-Node": world.node.code}) as ws:  # anonymous, like a screen
            ws.send_json({"type": "connection_init"})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "1", "type": "subscribe",
                          "payload": {"query": SUBSCRIBE, "variables": {"compound": compound}}})
            _wait_for_board(state, world.node.id)
            # with LINLI_TEST_REDIS_URL set the updates travel through Redis pub/sub
            assert state.services.pubsub.distributed == bool(state.settings.redis_url)
            post(client, RAISE, {"title": "别处的事", "buildingId": gid("Building",
                                                                    world.buildings[2].id)})
            mid = post(client, RAISE, {"title": "加装电梯", "participants": ["李楼长"],
                                       "buildingId": gid("Building", world.buildings[0].id)}
                       )["matter"]["id"]
            messages = [ws.receive_json()]
            for step in STEPS:
                extra = {"rating": 5} if step == "EVALUATED" else {}
                assert post(client, ADVANCE, {"matterId": mid, "step": step,
                                              "participants": ["王书记"],
                                              "decision": f"{step} 通过", **extra})["matter"]
                messages.append(ws.receive_json())
            ws.send_json({"id": "1", "type": "complete"})
            return messages

    db_module.set_db(state.db)
    try:
        messages = await asyncio.to_thread(run)
    finally:
        db_module.set_db(shared_db)
        pubsub_module.set_pubsub(previous_pubsub)
        bind_tables(shared_db.tables, shared_db.engine)
    assert all(m["type"] == "next" for m in messages), messages
    updates = [m["payload"]["data"]["buildingHeadMatterUpdates"] for m in messages]
    assert {u["matter"]["title"] for u in updates} == {"加装电梯"}
    assert [u["entry"]["step"] for u in updates] == ["RAISED", *STEPS]
    assert [u["matter"]["step"] for u in updates] == ["RAISED", *STEPS]
    assert updates[1]["entry"] == {"step": "COMMITTEES", "participants": ["王书记"],
                                   "decision": "COMMITTEES 通过"}
    assert (updates[-1]["matter"]["resolved"], updates[-1]["matter"]["rating"]) == (True, 5)


async def test_subscription_refuses_where_the_plugin_is_off(make_world, linli_env):
    from plugins.building_heads.schema.subscriptions import building_head_matter_updates

    world = await make_world(enable=False)

    class Ctx:  # the parts of core's context the resolver uses
        principal = None
        auth_error = None
        node_code = world.node.code
        state = linli_env.state
        _enabled: list[str] | None = None

        async def enabled_plugins(self) -> list[str]:
            from tenants.service import enabled_plugins

            async with self.state.db.transaction(write=False):
                return await enabled_plugins(world.node, self.state.registry.names)

    class Info:
        context = Ctx()

    gen = building_head_matter_updates.base_resolver.wrapped_func(
        Info(), compound_id=gid("Compound", world.compound.id))
    try:
        await gen.__anext__()
    except Exception as exc:  # noqa: BLE001 - the typed error is what we look at
        assert getattr(exc, "code", None) == "PLUGIN_DISABLED"
    else:
        raise AssertionError("the subscription started where the plugin is off")


async def test_board_captions_follow_accept_language(world, gql, factory):
    """Captions for people (step, level, entry kind) come in the request's language, one
    language per string — zh-CN by default, English on request (issue 8, item 10)."""
    staff = await factory.account(world.node, "building_heads.coordinator")
    await _raise(gql, world, staff.token, 0, "楼道灯坏了")
    q = """query($c: ID) { buildingHeadBoard(first: 5, compoundId: $c) { edges { node {
      stepName levelName timeline { stepName kindName } } } } }"""
    variables = {"c": gid("Compound", world.compound.id)}
    zh = await gql(q, variables, node=world.node.code)
    en = await gql(q, variables, node=world.node.code, headers={"Accept-Language": "en-GB,en"})
    (zh_node,) = [e["node"] for e in zh["data"]["buildingHeadBoard"]["edges"]]
    (en_node,) = [e["node"] for e in en["data"]["buildingHeadBoard"]["edges"]]
    assert (zh_node["stepName"], zh_node["levelName"]) == ("提事", "楼栋")
    assert (en_node["stepName"], en_node["levelName"]) == ("raised", "building")
    assert en_node["timeline"][0] == {"stepName": "raised", "kindName": "deliberation"}
    assert " / " not in json.dumps(en, ensure_ascii=False)
