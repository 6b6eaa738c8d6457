"""Issue 10, item 4, for 阅览室: every example operation of graphql/operations/reading_rooms/
answers byte for byte the same through the stock and the fast execution path
(``core/testing/fast_path.py``): the demo walk of ``test_demo``, then the catalogue import
(the one example it does not send) as ``test_graphql`` sends it."""

from __future__ import annotations

import pytest

from core.testing.fast_path import prove, run_tests_on_both_paths
from tests.plugins.reading_rooms import test_demo, test_graphql

TESTS = [test_demo.test_demo_and_every_example_operation,
         test_graphql.test_catalogue_sheet_import_with_row_errors]

# the module's own tests run on both engines; this second pass through both execution
# paths needs one (PostgreSQL: the SQLite run is the longer one in CI)
pytestmark = pytest.mark.postgres_only


async def test_example_operations_answer_alike_on_both_paths(linli_env, make_world, request):
    await prove(linli_env, "reading_rooms", 30, lambda dual: run_tests_on_both_paths(
        dual, TESTS, request, {"world": make_world}))
