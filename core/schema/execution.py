"""graphql-core's executor with yield points in long lists.

graphql-core completes a list of objects in one go: for a page of 100 residents it builds the
edge, the node and every selected field of each of the 100 before it returns to the event
loop — 15–40 ms on this machine under load for the dearest allowed page, time in which no other
request (``/health/live`` included) is served. Here a list longer than :data:`LIST_SLICE` is
completed in slices with a yield to the event loop between them; what the executor computes,
its order, paths and error handling are graphql-core's own (the item completion is the stock
``complete_list_item_value``/``complete_awaitable_list_item_value``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from graphql.pyutils import Path, gather_with_cancel
from strawberry.dataloader import DataLoader
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graphql import GraphQLOutputType, GraphQLResolveInfo

__all__ = ["LIST_SLICE", "WAVE", "FastExecutionContext", "LinliExecutionContext", "PacedDataLoader",
           "yields"]

LIST_SLICE = 20
"""Items completed between two yields to the event loop (about 1–2 ms of work under load)."""

_YIELDS = [0]


def yields() -> int:
    """How many times list completion has yielded to the event loop so far (for tests)."""
    return _YIELDS[0]


class LinliExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def complete_iterable_value(
        self,
        item_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        items: Iterable[Any],
        position_context: Any,
    ) -> Any:
        if not isinstance(items, list | tuple) or len(items) <= LIST_SLICE \
                or self.get_stream_usage(field_details_list, path) is not None:
            return super().complete_iterable_value(item_type, field_details_list, info, path,
                                                   items, position_context)
        return self._complete_in_slices(item_type, field_details_list, info, path, items,
                                        position_context)

    async def _complete_in_slices(
        self,
        item_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        items: list[Any] | tuple[Any, ...],
        position_context: Any,
    ) -> list[Any]:
        # graphql-core's complete_iterable_value, less streaming (excluded above), with a
        # yield every LIST_SLICE items
        is_awaitable = self.is_awaitable
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        try:
            for index, item in enumerate(items):
                if index and index % LIST_SLICE == 0:
                    _YIELDS[0] += 1
                    await asyncio.sleep(0)
                item_path = path.add_key(index, None)
                if is_awaitable(item):
                    completed.append(self.complete_awaitable_list_item_value(
                        item, item_type, field_details_list, info, item_path, position_context))
                    awaitable_indices.append(index)
                elif self.complete_list_item_value(item, completed, item_type,
                                                   field_details_list, info, item_path,
                                                   position_context):
                    awaitable_indices.append(index)
        except BaseException:
            pending = [completed[i] for i in awaitable_indices]
            pending += [item for item in items[len(completed):] if is_awaitable(item)]
            if pending:
                self.settle_in_background(pending)
            raise
        if len(awaitable_indices) == 1:
            index = awaitable_indices[0]
            completed[index] = await completed[index]
        elif awaitable_indices:
            results = await gather_with_cancel(*(completed[i] for i in awaitable_indices))
            for index, result in zip(awaitable_indices, results, strict=True):
                completed[index] = result
        return completed


class FastExecutionContext(LinliExecutionContext):
    """The fast execution path (issue 10; being built)."""


WAVE = 64
"""Waiters of a DataLoader batch resumed per turn of the event loop."""


class _Wave:
    """How many DataLoader waiters resumed in the current turn of the event loop (reset by a
    callback scheduled for the next turn)."""

    def __init__(self) -> None:
        self.count = 0
        self.reset_pending = False

    def claim(self) -> int:
        if not self.reset_pending:
            self.reset_pending = True
            asyncio.get_running_loop().call_soon(self._reset)
        self.count += 1
        return self.count - 1

    def _reset(self) -> None:
        self.count = 0
        self.reset_pending = False


_WAVE = _Wave()


async def _paced(future: Any) -> Any:
    value = await future
    for _ in range(_WAVE.claim() // WAVE):
        await asyncio.sleep(0)
    return value


class PacedDataLoader(DataLoader[Any, Any]):
    """A DataLoader whose waiters resume at most :data:`WAVE` per turn of the event loop.

    When a batch resolves, every resolver waiting on it resumes in the same turn: for 9 aliases
    of a full page, 900 ``household`` fields completed their objects back to back (~60 ms under
    load) before anything else — ``/health/live`` included — ran. Here the n-th waiter to resume
    in a turn yields ``n // WAVE`` times first, so each turn completes one wave."""

    def load(self, key: Any) -> Any:  # a coroutine, not a Future
        return _paced(super().load(key))
