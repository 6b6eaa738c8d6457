"""core.schema.combined: several extensions as one behave as strawberry runs them apart."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension

from core.schema.combined import CombinedSchema, combined

LOG: list[str] = []


class Boom(Exception):
    pass


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hi"

    @strawberry.field
    def fails(self) -> str:
        raise Boom("resolver")


class SyncOuter(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        LOG.append("sync-outer operation in")
        yield
        LOG.append(f"sync-outer operation out {bool(self.execution_context.result)}")

    def on_execute(self) -> Iterator[None]:
        LOG.append("sync-outer execute in")
        try:
            yield
        except BaseException as exc:
            LOG.append(f"sync-outer execute saw {type(exc).__name__}")
            raise
        LOG.append("sync-outer execute out")


class AsyncInner(SchemaExtension):
    async def on_parse(self) -> AsyncIterator[None]:
        LOG.append("async-inner parse in")
        yield
        LOG.append("async-inner parse out")

    async def on_execute(self) -> AsyncIterator[None]:
        LOG.append("async-inner execute in")
        try:
            yield
        finally:
            LOG.append("async-inner execute finally")
        if self.execution_context.query and "explode" in self.execution_context.query:
            raise Boom("after execute")

    def get_results(self) -> dict[str, Any]:
        return {"inner": 1}


class Validating(SchemaExtension):
    async def on_validate(self) -> AsyncIterator[None]:
        LOG.append("validating in")
        yield
        LOG.append(f"validating out {len(self.execution_context.pre_execution_errors or [])}")


PARTS = (SyncOuter, AsyncInner, Validating)


async def run(extensions: list[Any], query: str,
              schema_class: type[strawberry.Schema] = strawberry.Schema) -> tuple[list[str], Any]:
    schema = schema_class(Query, extensions=extensions)
    LOG.clear()
    try:
        result = await schema.execute(query)
        outcome: Any = (result.data, [e.message for e in result.errors or []], result.extensions)
    except Exception as exc:  # noqa: BLE001 - compared, not hidden
        outcome = f"raised {type(exc).__name__}: {exc}"
    return list(LOG), outcome


@pytest.mark.parametrize("query", ["{ hello }", "{ fails }", "{ nope }", "{", "query explode { hello }"])
async def test_combined_runs_the_hooks_as_strawberry_runs_them_apart(query):
    apart = await run(list(PARTS), query)
    together = await run([combined(*PARTS)], query)
    assert together == apart
    assert apart[0]  # the hooks ran
    # CombinedSchema runs the combined extension's stages itself, not through strawberry's
    # context managers: the same hooks, in the same order, with the same outcome
    assert await run([combined(*PARTS)], query, CombinedSchema) == apart
    assert await run(list(PARTS), query, CombinedSchema) == apart  # not combined: strawberry's


class Swallowing(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        try:
            yield
        except Boom:
            LOG.append("swallowed")
            self.execution_context.result = None


class Replacing(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        try:
            yield
        except Boom as exc:
            raise KeyError("replaced") from exc


class Raising(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        yield
        if "explode" in (self.execution_context.query or ""):
            raise Boom("after execute")


@pytest.mark.parametrize("parts", [(Swallowing, Raising), (Replacing, Raising),
                                   (SyncOuter, Replacing, Raising)])
async def test_combined_stages_pass_on_swallow_or_replace_as_strawberry(parts):
    query = "query explode { hello }"
    apart = await run(list(parts), query)
    assert await run([combined(*parts)], query) == apart
    assert await run([combined(*parts)], query, CombinedSchema) == apart


def test_combined_schema_runs_synchronously_as_strawberry():
    # a combined extension's hooks are asynchronous: synchronous execution refuses it, with
    # or without CombinedSchema, in the same words
    outcomes = []
    for schema_class in (strawberry.Schema, CombinedSchema):
        result = schema_class(Query, extensions=[combined(SyncOuter)]).execute_sync("{ hello }")
        outcomes.append((result.data, [re.sub(" at 0x[0-9a-f]+", "", e.message)
                                       for e in result.errors or []]))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][1]
