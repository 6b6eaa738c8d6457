"""Several schema extensions run as one.

strawberry builds, for every request and every stage (operation, parsing, validation,
execution), a context manager per extension: an ``inspect`` check of the hook, a bound method,
a ``contextlib`` wrapper and an exit stack — for our eight extensions about 0.15 ms of a
request's CPU (``tests/benchmarks/bench_graphql.py``, issue 10). :func:`combined` makes one
extension of them: which part has which hook, and whether it is a generator or an async
generator, is worked out once per class; each stage then enters the parts' hooks in order and
leaves them in reverse, as strawberry's exit stack does (an exception raised inside a stage is
thrown into each hook, innermost first; a hook that lets it through passes it on, one that
raises another replaces it).
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from functools import cache
from types import TracebackType
from typing import Any, ClassVar

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
)
from strawberry.extensions.runner import SchemaExtensionsRunner

__all__ = ["CombinedSchema", "combined"]

_STAGES = ("on_operation", "on_parse", "on_validate", "on_execute")


def _stage(stage: str) -> Any:
    """The combined hook of one stage: the parts' hooks entered in order, left in reverse."""

    async def hook(self: _Combined) -> AsyncIterator[None]:
        entered = await self._enter(stage)
        try:
            yield
        except BaseException as exc:  # noqa: BLE001 - handed to each hook, as an exit stack does
            await _leave(entered, exc)
            return
        await _leave(entered, None)

    hook.__name__ = hook.__qualname__ = stage
    return hook


class _Combined(SchemaExtension):
    parts: ClassVar[tuple[type[SchemaExtension], ...]] = ()
    hooks: ClassVar[dict[str, tuple[tuple[int, bool], ...]]] = {}
    """Stage → (index of the part, whether its hook is async), in the parts' order."""
    stream_hooks: ClassVar[tuple[int, ...]] = ()

    def __init__(self, *, execution_context: Any = None) -> None:
        self._parts = [part() for part in self.parts]
        if execution_context is not None:
            self.execution_context = execution_context

    def __setattr__(self, name: str, value: Any) -> None:
        # strawberry hands each extension the request's execution context by assignment
        if name == "execution_context":
            for part in self._parts:
                part.execution_context = value
        object.__setattr__(self, name, value)

    async def _enter(self, stage: str) -> list[tuple[Any, bool]]:
        entered: list[tuple[Any, bool]] = []
        try:
            for index, is_async in self.hooks[stage]:
                hook = getattr(self._parts[index], stage)()
                if is_async:
                    await hook.__anext__()
                else:
                    next(hook)
                entered.append((hook, is_async))
        except BaseException as exc:
            await _leave(entered, exc)
            raise
        return entered

    on_operation = _stage("on_operation")
    on_parse = _stage("on_parse")
    on_validate = _stage("on_validate")
    on_execute = _stage("on_execute")

    def on_stream_result(self, result: Any) -> Iterator[None]:
        entered: list[tuple[Any, bool]] = []
        try:
            for index in self.stream_hooks:
                hook: Any = self._parts[index].on_stream_result(result)
                next(hook)
                entered.append((hook, False))
        except BaseException as exc:
            _leave_sync(entered, exc)
            raise
        try:
            yield
        except BaseException as exc:  # noqa: BLE001 - handed to each hook, as an exit stack does
            _leave_sync(entered, exc)
            return
        _leave_sync(entered, None)

    def get_results(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for part in self._parts:
            data.update(part.get_results())  # type: ignore[arg-type]  # sync: checked below
        return data


async def _leave(entered: list[tuple[Any, bool]], exc: BaseException | None) -> None:
    """Resume the entered hooks innermost first, as an exit stack would; raise what is left."""
    for hook, is_async in reversed(entered):
        try:
            if not is_async:
                exc = _resume(hook, exc)
                continue
            if exc is None:
                await hook.__anext__()
            else:
                await hook.athrow(exc)
        except StopAsyncIteration:
            exc = None  # the hook ended: an exception thrown in was handled
            continue
        except BaseException as raised:  # noqa: BLE001 - passed on, as an exit stack would
            exc = raised
            continue
        exc = RuntimeError("generator didn't stop")
    if exc is not None:
        raise exc


def _leave_sync(entered: list[tuple[Any, bool]], exc: BaseException | None) -> None:
    for hook, _ in reversed(entered):
        exc = _resume(hook, exc)
    if exc is not None:
        raise exc


def _resume(hook: Any, exc: BaseException | None) -> BaseException | None:
    """Resume a generator hook after its stage; what it leaves to raise (None: nothing)."""
    try:
        if exc is None:
            next(hook)
        else:
            hook.throw(exc)
    except StopIteration:
        return None
    except BaseException as raised:  # noqa: BLE001 - passed on, as an exit stack would
        return raised
    return RuntimeError("generator didn't stop")


class _Stage:
    """One stage of a combined extension as the context manager strawberry's runner hands
    out: the parts' hooks entered and left directly (:meth:`_Combined._enter`, :func:`_leave`),
    without the per-request ``inspect`` checks, ``contextlib`` wrappers and exit stack of
    strawberry's own manager — which it still is, for a synchronous ``with``."""

    __slots__ = ("entered", "extension", "fallback", "stage")

    def __init__(self, extension: _Combined, stage: str, fallback: Any) -> None:
        self.extension = extension
        self.stage = stage
        self.fallback = fallback
        self.entered: list[tuple[Any, bool]] = []

    async def __aenter__(self) -> None:
        self.entered = await self.extension._enter(self.stage)

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> bool:
        # as contextlib's asynccontextmanager around the combined hook: an exception the
        # hooks swallow is suppressed, the same one re-raised propagates, another replaces it
        if exc is None:
            await _leave(self.entered, None)
            return False
        try:
            await _leave(self.entered, exc)
        except BaseException as raised:
            if raised is exc:
                return False
            raise
        return True

    def __enter__(self) -> None:
        self.fallback = self.fallback([self.extension])
        self.fallback.__enter__()

    def __exit__(self, *exc_info: object) -> Any:
        return self.fallback.__exit__(*exc_info)


class _CombinedRunner(SchemaExtensionsRunner):
    """strawberry's runner for a schema whose one extension is combined."""

    def operation(self) -> Any:
        return _Stage(self.extensions[0], "on_operation", OperationContextManager)  # type: ignore[arg-type]

    def parsing(self) -> Any:
        return _Stage(self.extensions[0], "on_parse", ParsingContextManager)  # type: ignore[arg-type]

    def validation(self) -> Any:
        return _Stage(self.extensions[0], "on_validate", ValidationContextManager)  # type: ignore[arg-type]

    def executing(self) -> Any:
        return _Stage(self.extensions[0], "on_execute", ExecutingContextManager)  # type: ignore[arg-type]


class CombinedSchema(strawberry.Schema):
    """A schema that runs a :func:`combined` extension's stages directly (any other set of
    extensions runs as strawberry runs it)."""

    def create_extensions_runner(self, execution_context: Any,
                                 extensions: list[SchemaExtension]) -> SchemaExtensionsRunner:
        if len(extensions) == 1 and isinstance(extensions[0], _Combined):
            return _CombinedRunner(execution_context=execution_context, extensions=extensions)
        return super().create_extensions_runner(execution_context, extensions)


def _kind(part: type[SchemaExtension], stage: str) -> bool | None:
    """Whether ``part``'s hook for ``stage`` is async (None: it has none)."""
    hook = getattr(part, stage)
    if hook is getattr(SchemaExtension, stage):
        return None
    if inspect.isasyncgenfunction(hook):
        return True
    if inspect.isgeneratorfunction(hook):
        return False
    raise TypeError(f"{part.__name__}.{stage} must be a generator (a yield around the stage)")


@cache
def combined(*parts: type[SchemaExtension]) -> type[SchemaExtension]:
    """One extension class running ``parts`` (classes taking no arguments) in their order."""
    for part in parts:
        if part._implements_resolve():
            raise TypeError(f"{part.__name__} resolves fields: it cannot be combined")
        if inspect.iscoroutinefunction(part.get_results):
            raise TypeError(f"{part.__name__}.get_results is async: it cannot be combined")
    hooks = {stage: tuple((i, kind) for i, part in enumerate(parts)
                          if (kind := _kind(part, stage)) is not None) for stage in _STAGES}
    stream = tuple(i for i, part in enumerate(parts) if _kind(part, "on_stream_result") is False)
    if any(_kind(part, "on_stream_result") for part in parts):
        raise TypeError("an async on_stream_result cannot be combined")
    name = "Combined[" + ", ".join(part.__name__ for part in parts) + "]"
    return type(name, (_Combined,), {"parts": parts, "hooks": hooks, "stream_hooks": stream,
                                     "__module__": __name__})
