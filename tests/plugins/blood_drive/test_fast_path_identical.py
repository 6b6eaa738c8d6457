"""Issue 10, item 4, for 无偿献血: every example operation of graphql/operations/blood_drive/
answers byte for byte the same through the stock and the fast execution path
(``core/testing/fast_path.py``): the GraphQL tests that run the examples (each on a world of its
own), then the two examples no test sends, on the workflow's data."""

from __future__ import annotations

from datetime import date

import pytest

from core.testing.fast_path import prove, run_tests_on_both_paths
from tests.plugins.blood_drive import test_graphql, test_mine, test_public
from tests.plugins.blood_drive.conftest import make_world
from tests.plugins.blood_drive.test_graphql import call, workflow

TESTS = [test_graphql.test_workflow_and_event, test_graphql.test_plugin_disabled,
         test_graphql.test_organisers_never_see_health_answers,
         test_graphql.test_import_is_idempotent_with_rejections,
         test_graphql.test_station_sheet_by_id_number,
         test_graphql.test_a_donor_books_another_street_office_from_the_public_call,
         test_graphql.test_no_query_node_or_export_gives_organisers_health_data,
         test_mine.test_the_donor_sees_their_own_record,
         test_public.test_the_example_operation_runs_anonymously]
"""The tests that between them send every example but two (statement-count tests are left
out: both paths and the snapshots would run inside them)."""

# the module's own tests run on both engines; this second pass through both execution
# paths needs one (PostgreSQL: the SQLite run is the longer one in CI)
pytestmark = pytest.mark.postgres_only


async def test_example_operations_answer_alike_on_both_paths(linli_env, factory, enable_plugin,
                                                             request):
    async def fresh_world():
        return await make_world(linli_env, factory, enable_plugin)

    async def walk(dual):
        await run_tests_on_both_paths(dual, TESTS, request, {"world": fresh_world})
        world = await fresh_world()
        ids = await workflow(world, dual.gql)
        await call(dual.gql, "BloodDriveDonors", {"first": 10}, world.a.admin, world.a.node)
        await call(dual.gql, "BloodDriveUnitAward", {"unit": "市直机关",
                                                     "on": str(date.today())},
                   world.a.admin, world.a.node)
        assert ids["donor"]

    await prove(linli_env, "blood_drive", 29, walk)
