"""core.schema.combined: several extensions as one behave as strawberry runs them apart."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension

from core.schema.combined import combined

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


async def run(extensions: list[Any], query: str) -> tuple[list[str], Any]:
    schema = strawberry.Schema(Query, extensions=extensions)
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


def test_combined_refuses_what_it_cannot_run_alike():
    class Resolving(SchemaExtension):
        def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            return _next(root, info, *args, **kwargs)

    class Plain(SchemaExtension):
        def on_execute(self) -> None:  # type: ignore[override]
            return None

    with pytest.raises(TypeError):
        combined(Resolving)
    with pytest.raises(TypeError):
        combined(Plain)
    assert combined(*PARTS) is combined(*PARTS)  # one class per set of parts
