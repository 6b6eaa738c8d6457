"""On demand: how long the 楼长制 demo takes for one demo tenant (200 residents), the figure
behind "the whole demo seeds in under 30 s". Run with
``LINLI_TEST_ENGINE=sqlite python -m pytest -q -s tests/benchmarks/bench_building_heads_demo.py``."""

from __future__ import annotations

from tests.plugins.building_heads.conftest import heads_kit  # noqa: F401 - the fixture
from tests.plugins.building_heads.test_demo_walk import _demo


async def test_building_heads_demo_for_one_tenant(linli_env, factory, heads_kit):  # noqa: F811
    _, _, seconds = await _demo(linli_env, factory, heads_kit)
    print(f"\n楼长制 demo, one tenant of 200 residents: {seconds:.2f} s")
