"""Query limits and error shaping, in a form that keeps strawberry's validation cache hitting.

Depth and alias limits are rule *classes* built once at import time: the validation cache keys
on the tuple of rule classes, so per-request factories (new classes each time) would miss it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from core.logging import redact
from core.schema.errors import ApiError, to_graphql
from graphql import (
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    ValidationRule,
)

__all__ = ["MAX_ALIASES", "MAX_DEPTH", "MAX_MESSAGE", "MAX_TOKENS", "is_bad_variable",
           "nul_error", "schema_extensions", "shape_errors", "variable_with_nul",
           "without_suggestions"]

log = logging.getLogger("linli.graphql")

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 4000


class SingleOperationRule(ValidationRule):
    """One operation per document: no multi-operation documents."""

    def enter_document(self, node: Any, *_: Any) -> None:
        ops = [d for d in node.definitions if isinstance(d, OperationDefinitionNode)]
        if len(ops) > 1:
            self.report_error(GraphQLError(
                "每个请求只能包含一个操作 / one operation per request",
                extensions={"code": "INVALID_ARGUMENT"}))


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


def variable_with_nul(variables: dict[str, Any] | None) -> str | None:
    """The name of the first variable holding a NUL character anywhere in it (in a string or
    an object key, however deep: iterative, so deep nesting cannot exhaust the stack)."""
    for name, value in (variables or {}).items():
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                if "\x00" in item:
                    return name
            elif isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return None


DepthRule = depth_validator(MAX_DEPTH, None, None)
AliasRule = alias_validator(MAX_ALIASES)
_RULES = [DepthRule, AliasRule, SingleOperationRule, NoNulRule]


class LinliRules(AddValidationRules):
    """Our fixed validation rules (the same classes every request)."""

    def __init__(self) -> None:
        super().__init__(_RULES)


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
    from core.metrics import OperationMetrics

    exts: list[Any] = [OperationMetrics, ShapeErrorsQuietly if production else ShapeErrors]
    if caches:
        exts += [lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512)]
    if limits:
        from core.schema.budget import QueryBudget

        exts += [LinliTokens, LinliRules, QueryBudget]
    if production:
        exts.append(DisableIntrospection)
    return exts
