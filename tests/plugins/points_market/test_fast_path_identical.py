"""Issue 10, item 4, for 积分超市: every example operation of graphql/operations/points_market/
(the demo walk of ``test_operations_on_demo``) answers byte for byte the same through the stock
and the fast execution path (``core/testing/fast_path.py``)."""

from __future__ import annotations

import pytest

from core.testing.fast_path import prove
from tests.plugins.points_market.test_operations_on_demo import (
    test_every_example_operation_runs_on_the_demo as demo_walk,
)

# the module's own tests run on both engines; this second pass through both execution
# paths needs one (PostgreSQL: the SQLite run is the longer one in CI)
pytestmark = pytest.mark.postgres_only


async def test_example_operations_answer_alike_on_both_paths(linli_env, market, factory):
    await prove(linli_env, "points_market", 23, lambda dual: demo_walk(market, factory, dual.http))
