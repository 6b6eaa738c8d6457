"""Query limits and error shaping, in a form that keeps strawberry's validation cache hitting.

Depth and alias limits are rule *classes* built once at import time: the validation cache keys
on the tuple of rule classes, so per-request factories (new classes each time) would miss it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    SchemaExtension,
)
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.types.graphql import OperationType

from core.db import request_reads
from core.logging import redact
from core.metrics import OperationMetrics
from core.schema.budget import QueryBudget
from core.schema.combined import combined
from core.schema.documents import PreparedDocuments
from core.schema.errors import ApiError, to_graphql
from graphql import (
    ExecutionResult as GraphQLExecutionResult,
)
from graphql import (
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    ValidationRule,
)

__all__ = ["MAX_ALIASES", "MAX_DEPTH", "MAX_MESSAGE", "MAX_TOKENS", "MAX_VALUE_DEPTH",
           "bad_input_error", "bad_value", "bad_variable", "has_surrogate", "is_bad_variable",
           "nul_error", "schema_extensions", "shape_errors", "variable_with_nul",
           "without_suggestions"]

log = logging.getLogger("linli.graphql")

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 4000


NUL_ZH = "输入不能包含空字符（U+0000）"
NUL_EN = "input must not contain the NUL character (U+0000)"


def nul_error(field: str | None = None) -> GraphQLError:
    """``INVALID_ARGUMENT`` for a NUL character (PostgreSQL stores none in text or jsonb)."""
    return to_graphql(ApiError("INVALID_ARGUMENT", NUL_ZH, NUL_EN, field))


class NoNulRule(ValidationRule):
    """No NUL character in a string literal of the document (``"a\\u0000b"``)."""

    def enter_string_value(self, node: Any, *_: Any) -> None:
        if "\x00" in node.value:
            self.report_error(GraphQLError(nul_error().message, node,
                                           extensions=nul_error().extensions))


MAX_VALUE_DEPTH = 32
"""Deepest nesting of lists and objects in a variable or literal (a rule value is JSON)."""

SURROGATE_ZH = "输入包含无法编码的字符（孤立代理项）"
SURROGATE_EN = "input contains an unencodable character (a lone surrogate)"
DEPTH_ZH = f"输入嵌套过深（最多 {MAX_VALUE_DEPTH} 层）"
DEPTH_EN = f"input is nested too deeply (at most {MAX_VALUE_DEPTH} levels)"


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (``"\\ud800"`` in JSON): not encodable as
    UTF-8, so no database or response could carry it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def bad_value(value: Any) -> tuple[str, str] | None:
    """Why a client's value cannot be taken (zh, en), or None: a NUL character or a lone
    surrogate in any string or key, or lists/objects nested deeper than
    :data:`MAX_VALUE_DEPTH`. Iterative, so deep nesting cannot exhaust the stack."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return NUL_ZH, NUL_EN
            if has_surrogate(item):
                return SURROGATE_ZH, SURROGATE_EN
        elif isinstance(item, dict | list):
            if depth >= MAX_VALUE_DEPTH:
                return DEPTH_ZH, DEPTH_EN
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None


def variable_with_nul(variables: dict[str, Any] | None) -> str | None:
    """The name of the first variable holding a NUL character anywhere in it (in a string or
    an object key, however deep: iterative, so deep nesting cannot exhaust the stack)."""
    found = bad_variable(variables)
    return found[0] if found is not None and found[1] == NUL_EN else None


def bad_variable(variables: dict[str, Any] | None) -> tuple[str, str, str] | None:
    """(name, zh, en) of the first variable :func:`bad_value` refuses."""
    for name, value in (variables or {}).items():
        if has_surrogate(name):
            return "variables", SURROGATE_ZH, SURROGATE_EN
        why = bad_value(value)
        if why is not None:
            return name, *why
    return None


def bad_input_error(field: str | None, zh: str, en: str) -> GraphQLError:
    return to_graphql(ApiError("INVALID_ARGUMENT", zh, en, field))


class StrictValuesRule(ValidationRule):
    """No lone surrogate in a string literal, and list/object literals no deeper than
    :data:`MAX_VALUE_DEPTH` (the token limit alone allows ~2,000 levels)."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self._depth = 0

    def enter_string_value(self, node: Any, *_: Any) -> None:
        if has_surrogate(node.value):
            err = bad_input_error(None, SURROGATE_ZH, SURROGATE_EN)
            self.report_error(GraphQLError(err.message, node, extensions=err.extensions))

    def _enter(self, node: Any) -> None:
        self._depth += 1
        if self._depth == MAX_VALUE_DEPTH + 1:
            err = bad_input_error(None, DEPTH_ZH, DEPTH_EN)
            self.report_error(GraphQLError(err.message, node, extensions=err.extensions))

    def _leave(self, *_: Any) -> None:
        self._depth -= 1

    def enter_list_value(self, node: Any, *_: Any) -> None:
        self._enter(node)

    def enter_object_value(self, node: Any, *_: Any) -> None:
        self._enter(node)

    def leave_list_value(self, node: Any, *_: Any) -> None:
        self._leave()

    def leave_object_value(self, node: Any, *_: Any) -> None:
        self._leave()


DepthRule = depth_validator(MAX_DEPTH, None, None)
AliasRule = alias_validator(MAX_ALIASES)
# A document may hold several operations (standard GraphQL over HTTP: ``operationName`` picks
# the one to run, so the files in graphql/operations/ can be sent as they are); a JSON-array
# batch body stays refused (strawberry's ``batching`` is off).
_RULES = [DepthRule, AliasRule, NoNulRule, StrictValuesRule]


class LinliRules(AddValidationRules):
    """Our fixed validation rules (the same classes every request)."""

    def __init__(self) -> None:
        super().__init__(_RULES)


class NamedOperation(SchemaExtension):
    """A document with several operations must name the one to run (GraphQL over HTTP):
    strawberry would otherwise quietly run the first one when ``operationName`` is missing."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        # strawberry keeps the client's operationName here; ``operation_name`` falls back to the
        # first operation's name, which is exactly what must not happen silently
        provided = getattr(ctx, "_provided_operation_name", None)
        if provided is None and document is not None and ctx.result is None and sum(
                isinstance(d, OperationDefinitionNode) for d in document.definitions) > 1:
            ctx.result = GraphQLExecutionResult(data=None, errors=[GraphQLError(
                "Must provide operation name if query contains multiple operations.",
                extensions={"code": "GRAPHQL_VALIDATION_FAILED"})])
        yield


class RequestTransaction(SchemaExtension):
    """A query operation reads through one shared transaction (``Context.read``), committed
    and released as soon as execution ends — before the response is encoded and sent."""

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context.context
        share = (self.execution_context.operation_type == OperationType.QUERY
                 and hasattr(ctx, "end_reads"))
        token = None
        if share:
            ctx.share_reads = True
            token = request_reads.set(ctx.shared_reads)
        try:
            yield
        finally:
            if share:
                request_reads.reset(token)  # type: ignore[arg-type]  # set when share
                await ctx.end_reads()


class LinliTokens(MaxTokensLimiter):
    def __init__(self) -> None:
        super().__init__(max_token_count=MAX_TOKENS)


_INTERNAL = "服务器内部错误 / internal server error"
MAX_MESSAGE = 300


def is_bad_variable(error: GraphQLError) -> bool:
    """A variable value the client sent that does not coerce to its type (before execution,
    so no path): the client's mistake, not the server's."""
    return isinstance(error.original_error, GraphQLError) and error.path is None \
        and not (error.original_error.extensions or {}).get("code")


def _variable_message(error: GraphQLError) -> str:
    """The text of a variable the client sent that does not fit its type ("Variable '$x' has
    invalid value: Int cannot represent ..."): never the text of a Python exception raised
    while coercing it, and cut short (the text quotes the value, which may be huge)."""
    message = error.message
    cause: BaseException | None = error.original_error
    while isinstance(cause, GraphQLError) and cause.original_error is not None:
        cause = cause.original_error
    if cause is not None and not isinstance(cause, GraphQLError):
        message = message.replace(f", but encountered error '{cause}'", "")
    message = redact(message)  # the text quotes the value: no passwords or personal data back
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "…"


def shape_errors(errors: list[GraphQLError]) -> list[GraphQLError]:
    """Give every error ``extensions.code``; mask unexpected ones (logged, never shown).
    A variable value that does not coerce to its type (an Int beyond 32 bits, a date that
    does not exist, an unknown enum value) is the client's ``INVALID_ARGUMENT``.
    Idempotent: an error already shaped keeps its code and message."""
    out: list[GraphQLError] = []
    for error in errors:
        original = error.original_error
        if isinstance(original, ApiError):
            shaped = to_graphql(original)
            out.append(GraphQLError(shaped.message, nodes=error.nodes, source=error.source,
                                    positions=error.positions, path=error.path,
                                    extensions=shaped.extensions))
        elif original is None:
            ext = dict(error.extensions or {})
            if isinstance(error, GraphQLSyntaxError):
                ext.setdefault("code", "GRAPHQL_PARSE_FAILED")
            ext.setdefault("code", "GRAPHQL_VALIDATION_FAILED" if error.path is None
                           else "INVALID_ARGUMENT")
            out.append(GraphQLError(error.message, nodes=error.nodes, source=error.source,
                                    positions=error.positions, path=error.path,
                                    extensions=ext))
        elif isinstance(original, GraphQLError) and (original.extensions or {}).get("code"):
            out.append(GraphQLError(original.message, nodes=error.nodes, path=error.path,
                                    extensions=original.extensions))
        elif is_bad_variable(error):
            out.append(GraphQLError(_variable_message(error), nodes=error.nodes,
                                    extensions={"code": "INVALID_ARGUMENT"}))
        else:
            log.error("unexpected error in %s", error.path, exc_info=original)
            out.append(GraphQLError(_INTERNAL, nodes=error.nodes, path=error.path,
                                    extensions={"code": "INTERNAL"}))
    return out


class ShapeErrors(MaskErrors):
    """Runs :func:`shape_errors` on results that pass through the extensions."""

    def __init__(self) -> None:
        super().__init__(error_message=_INTERNAL)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return shape_errors(errors)

    def _process_result(self, result: object) -> None:
        # strawberry's asks ``isinstance(result, <a runtime-checkable Protocol>)`` — a walk of
        # the protocol's attributes on every request — for whether it has ``errors``
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def without_suggestions(errors: list[GraphQLError]) -> list[GraphQLError]:
    """The errors with graphql-core's "Did you mean 'idNumber'?" hints cut out: in production
    they would spell out the schema that introspection is off to hide."""
    out: list[GraphQLError] = []
    for error in errors:
        message = _SUGGESTION.sub("", error.message)
        out.append(error if message == error.message else GraphQLError(
            message, nodes=error.nodes, path=error.path, extensions=error.extensions))
    return out


class ShapeErrorsQuietly(ShapeErrors):
    """:class:`ShapeErrors` without field or value suggestions (``LINLI_ENV=production``)."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return without_suggestions(shape_errors(errors))


def schema_extensions(*, limits: bool = True, production: bool = False,
                      caches: bool = True) -> list[Any]:
    """The schema's extensions; ``limits=False`` and ``caches=False`` exist only to measure
    their cost (``tests/benchmarks/bench_graphql.py``)."""

    exts: list[Any] = [OperationMetrics, ShapeErrorsQuietly if production else ShapeErrors,
                       NamedOperation, RequestTransaction]
    if caches:
        exts.append(PreparedDocuments)
    if limits:
        exts += [LinliTokens, LinliRules, QueryBudget]
    if production:
        exts.append(DisableIntrospection)
    return [combined(*exts)]
