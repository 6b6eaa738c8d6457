"""Notes and open needs become 楼长制 matters through the ``mutual_aid.matter_requested``
event when building_heads is enabled; either plugin alone still works."""

from __future__ import annotations

from typing import Any, ClassVar

from core.plugin import encode_global_id
from plugins.building_heads.tables import Matter
from plugins.mutual_aid.services import menu, notes

TO_MATTER = """mutation($input: MutualAidNoteToMatterInput!) { mutualAidNoteToMatter(input: $input) {
  __typename ... on UserError { code } } }"""


async def _published_note(world: Any) -> dict[str, Any]:
    async with world.write():
        access = await world.access()
        note = await notes.post_note(access, tenant_id=world.node.id, secret="s",
                                     poster="device:1", community_id=world.community.id,
                                     building_id=world.buildings[0].id, text_="楼道灯坏了",
                                     topic="设施")
        return await notes.moderate_note(access, note_id=note["id"], publish=True)


async def test_a_note_becomes_a_matter_once(world, factory, gql, enable_plugin, drain,
                                            emitted_events):
    await enable_plugin(world.node, "building_heads")
    staff = await factory.account(world.node, "community_staff")
    note = await _published_note(world)
    body = {"input": {"noteId": str(encode_global_id("MutualAidNote", note["id"]))}}
    out = await gql(TO_MATTER, body, token=staff.token, node=world.node.code)
    assert out["data"]["mutualAidNoteToMatter"]["__typename"] == "MutualAidNoteToMatterPayload"
    again = await gql(TO_MATTER, body, token=staff.token, node=world.node.code)
    assert again["data"]["mutualAidNoteToMatter"]["code"] == "CONFLICT"
    await drain()
    [event] = await emitted_events(world.node, "mutual_aid.matter_requested")
    assert event.state == "delivered"
    async with world.read():
        matters = await Matter.select()
    assert len(matters) == 1
    assert matters[0]["building_id"] == world.buildings[0].id
    assert matters[0]["raised_by_kind"] == "staff" and matters[0]["raised_by_resident_id"] is None
    assert "楼道灯坏了" in matters[0]["description"]


async def test_redelivery_raises_no_second_matter(world, enable_plugin, drain):
    from plugins.building_heads.services.matters import on_matter_requested

    await enable_plugin(world.node, "building_heads")
    async with world.write():
        access = await world.access()
        order = await menu.place_order(access, team_id=(await menu.teams_of(
            world.community.id))[0]["id"], title="加装电梯", resident_id=world.residents[0].id)
        await menu.request_matter_for_need(access, order_id=order["id"])
    await drain()

    class Again:
        id = 0
        tenant_id = world.node.id
        payload: ClassVar[dict[str, Any]] = {"source_kind": "need", "source_id": order["id"], "title": "加装电梯",
                   "description": "", "community_id": world.community.id, "building_id": None}

    async with world.write():
        assert await on_matter_requested(Again()) is None
        assert await Matter.count() == 1


async def test_without_building_heads_the_request_is_recorded_and_nothing_breaks(
        world, factory, gql, drain, emitted_events):
    staff = await factory.account(world.node, "community_staff")
    note = await _published_note(world)
    out = await gql(TO_MATTER, {"input": {"noteId": str(encode_global_id("MutualAidNote",
                                                                         note["id"]))}},
                    token=staff.token, node=world.node.code)
    assert out["data"]["mutualAidNoteToMatter"]["__typename"] == "MutualAidNoteToMatterPayload"
    await drain()
    [event] = await emitted_events(world.node, "mutual_aid.matter_requested")
    assert event.state != "parked"
    async with world.read():
        assert await Matter.count() == 0


async def test_building_heads_alone_still_works(make_world, factory, gql, enable_plugin):
    world = await make_world(enable=False)
    await enable_plugin(world.node, "building_heads")
    staff = await factory.account(world.node, "community_staff")
    out = await gql("""mutation($input: BuildingHeadRaiseMatterInput!) {
      buildingHeadRaiseMatter(input: $input) { __typename } }""",
                    {"input": {"title": "楼道灯", "buildingId": str(encode_global_id(
                        "Building", world.buildings[0].id))}},
                    token=staff.token, node=world.node.code)
    assert out["data"]["buildingHeadRaiseMatter"]["__typename"] != "UserError", out
    out = await gql(TO_MATTER, {"input": {"noteId": str(encode_global_id("MutualAidNote", 1))}},
                    token=staff.token, node=world.node.code)
    assert out["errors"][0]["extensions"]["code"] == "PLUGIN_DISABLED"
