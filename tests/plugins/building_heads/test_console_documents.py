"""The console's board document answers an anonymous reader as written (within the query cost
cap: the timeline of each matter is asked for, so the page asks for 20 matters, not 50)."""

from pathlib import Path

from core.plugin import encode_global_id

BOARD = Path(__file__).resolve().parents[3] / "plugins" / "building_heads" / "console" / \
    "board.graphql"


async def test_the_console_board_query_answers_anonymously(world, gql):
    doc = BOARD.read_text(encoding="utf-8").split("subscription")[0]
    out = await gql(doc, {"communityId": encode_global_id("Community", world.community.id)},
                    node=world.node.code)
    assert "errors" not in out, out
    assert out["data"]["buildingHeadBoard"]["edges"] == []
