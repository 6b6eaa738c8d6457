"""The plugin loads through its entry point and is on for the world's tenant."""


async def test_plugin_enabled_for_the_world(world, gql, factory):
    admin = await factory.account(world.node)
    result = await gql("{ tenant { enabledPlugins } }", token=admin.token, node=world.node.code)
    assert result["data"]["tenant"]["enabledPlugins"] == ["building_heads"]
    assert len(world.buildings) == 3
    assert sum(len(h) for h in world.households.values()) == 9
