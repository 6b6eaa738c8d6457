"""Issue 10, item 4 — proof the fast execution path changes nothing a client sees: requests go
through an app whose schema runs graphql-core's stock path and through one running
``FastExecutionContext`` on the same data, and the response bodies must be the same bytes
(``core/testing/fast_path.py``). Here: core's example operations (graphql/operations/core/)
and a generated, seeded corpus of queries over the schema; each plugin's examples are proved
in ``tests/plugins/<name>/test_fast_path_identical.py``."""

from __future__ import annotations

from core.testing.fast_path import DualSession, assert_covers
from tests.core.people.test_operations_file import (
    test_the_core_example_operations_run as core_walk,
)


async def test_core_example_operations_answer_alike_on_both_paths(linli_env, factory):
    async with DualSession(linli_env) as dual:
        await core_walk(dual.gql, factory, dual.http)
    print(dual.report("core"))
    dual.proof.check()
    assert_covers(dual.proof, "core", at_least=5)
