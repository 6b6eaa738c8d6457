"""Fixtures for 红邻菜单 tests: a tenant with the plugin enabled, one community with two
buildings, a household per building with residents, and a staff account."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from core.plugin import encode_global_id
from core.testing import count_statements as _counting
from tenants.service import scope_for

PLUGIN = "mutual_aid"


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


@dataclass
class World:
    env: Any
    node: Any
    community: Any = None
    buildings: list[Any] = field(default_factory=list)
    residents: list[Any] = field(default_factory=list)

    def write(self) -> Any:
        return self.env.state.db.scoped(scope_for(self.node), write=True)

    def read(self) -> Any:
        return self.env.state.db.scoped(scope_for(self.node))

    async def access(self) -> Any:
        """An operator's access at the tenant (inside a scope)."""
        from core.plugin import get_node, system_access

        node = await get_node(self.node.id)
        return system_access(node)


async def build_world(env: Any, factory: Any, enable_plugin: Any, *, enable: bool = True,
                      residents: int = 4) -> World:
    node = await factory.tenant()
    world = World(env=env, node=node)
    world.community = await factory.community(node, "御苑社区")
    for b in range(2):
        building = await factory.building(world.community, f"{b + 1}号楼")
        world.buildings.append(building)
        household = await factory.household(building)
        for r in range(residents // 2):
            world.residents.append(await factory.resident(
                household, f"居民{b}{r}", tags=["独居"] if r == 0 else []))
    if enable:
        await enable_plugin(node, PLUGIN)
    return world


@pytest.fixture
async def world(linli_env: Any, factory: Any, enable_plugin: Any) -> World:
    return await build_world(linli_env, factory, enable_plugin)


@pytest.fixture
def make_world(linli_env: Any, factory: Any, enable_plugin: Any) -> Any:
    async def make(**kw: Any) -> World:
        return await build_world(linli_env, factory, enable_plugin, **kw)
    return make




@pytest.fixture
def statements(linli_env: Any) -> Any:
    """``with statements() as calls:`` → the SQL statements the app's engine ran inside."""
    return lambda: _counting(linli_env.state.db.engine)
