"""A static cost budget per request and a deadline around its execution.

Depth, alias and token limits let through a 720-token query that fanned out to 73 s and
19.8 MB (30 aliases of ``residents(first:100)`` → household → building → households →
members …). So before execution every operation gets a cost: each field costs 1 (``__typename``
nothing; a list of scalars is one value), times the product of the list sizes above it. A connection multiplies by its
``first``; a list without pagination multiplies by its declared bound (``metadata=
{LIST_BOUND: n}`` on the strawberry field) or :data:`DEFAULT_LIST_BOUND`. A caller over the cap
of its kind (settings ``query_cost_*``) is refused with ``QUERY_TOO_COSTLY`` stating both
numbers, and nothing runs.

Why an extension and not a validation rule: the cap depends on the caller and the cost on the
variables (``first: $n``), neither of which a validation rule sees, and a rule built per request
would miss strawberry's validation cache (keyed on the rule classes). The walk is memoised per
(selection set, type), so fragments spread many times cost one visit each; the result is cached
per (query text, operation, integer variables), and a new large document is costed on a worker
thread (``core.schema.documents``) so the event loop keeps serving others meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Mapping
from typing import Any

from strawberry.extensions import SchemaExtension

from core.errors import ApiError, ErrorCode
from core.schema.documents import PREPARE_INLINE_BELOW, DocumentCache, off_loop
from core.schema.errors import to_graphql
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
)

__all__ = ["DEFAULT_LIST_BOUND", "LIST_BOUND", "QueryBudget", "caller_kind", "cost_cache",
           "cost_cap", "deadline_result", "operation_cost", "with_deadline"]

LIST_BOUND = "linli_list_bound"
"""Key in a strawberry field's ``metadata``: the most items its (unpaginated) list holds, for
costing only (nothing truncates the list)."""
DEFAULT_LIST_BOUND = 100
"""An unpaginated list without a declared bound counts as a full page."""
_PAGE_FIELDS = frozenset({"edges", "nodes"})


def _unwrap(type_: Any) -> tuple[Any, bool]:
    """The type without non-null wrappers, and whether it is a list."""
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return type_, isinstance(type_, GraphQLList)


def _declared_bound(field: Any) -> int:
    definition = (field.extensions or {}).get("strawberry-definition")
    metadata = getattr(definition, "metadata", None) or {}
    bound = metadata.get(LIST_BOUND)
    return int(bound) if isinstance(bound, int) and bound > 0 else DEFAULT_LIST_BOUND


class _Coster:
    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode],
                 variables: Mapping[str, Any]) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.memo: dict[tuple[int, str, int], int] = {}

    def _first(self, node: FieldNode) -> int | None:
        for arg in node.arguments or ():
            if arg.name.value != "first":
                continue
            value: Any = None
            if isinstance(arg.value, IntValueNode):
                value = int(arg.value.value)
            elif isinstance(arg.value, VariableNode):
                value = self.variables.get(arg.value.name.value)
            # a missing or unusable value is refused by the resolver; cost it as a full page
            return value if isinstance(value, int) and 0 < value <= DEFAULT_LIST_BOUND \
                else DEFAULT_LIST_BOUND
        return None

    def _types(self, named: GraphQLNamedType) -> list[GraphQLObjectType]:
        if is_abstract_type(named):
            return list(self.schema.get_possible_types(named))
        return [named] if isinstance(named, GraphQLObjectType) else []

    def selection(self, selection_set: SelectionSetNode, named: GraphQLNamedType,
                  page: int) -> int:
        """Cost of one instance of ``named`` with this selection; ``page`` is the ``first``
        of the connection it belongs to (its ``edges``/``nodes`` multiply by it), else 0."""
        key = (id(selection_set), named.name, page)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = 0  # validation rejects fragment cycles; this stops one anyway
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, named, page)
            elif isinstance(selection, InlineFragmentNode):
                target = (self.schema.get_type(selection.type_condition.name.value)
                          if selection.type_condition else named)
                total += self.selection(selection.selection_set, target or named, page)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    target = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.selection(fragment.selection_set, target or named, page)
        self.memo[key] = total
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType, page: int) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0
        # an abstract parent: the field is on one of the possible types; take the dearest
        candidates = [t.fields[name] for t in self._types(parent) if name in t.fields]
        if hasattr(parent, "fields") and name in parent.fields:
            candidates.insert(0, parent.fields[name])
        if not candidates:
            return 1
        best = 0
        for definition in candidates:
            inner, is_list = _unwrap(definition.type)
            multiplier = 1
            if is_list and node.selection_set is not None:  # a list of scalars is one value
                multiplier = page if page and name in _PAGE_FIELDS else _declared_bound(definition)
            first = self._first(node)
            child_page = first or 0
            cost = 1
            if node.selection_set is not None:
                named = get_named_type(inner)
                cost += self.selection(node.selection_set, named, child_page)
            best = max(best, multiplier * cost)
        return best


def operation_cost(schema: GraphQLSchema, document: DocumentNode,
                   operation_name: str | None = None,
                   variables: Mapping[str, Any] | None = None) -> int:
    """The cost of the operation that would run (0 if there is none to run)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        return 0
    operation = operations[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    return _Coster(schema, fragments, variables or {}).selection(operation.selection_set,
                                                                 root, 0)


def caller_kind(principal: Any) -> str:
    """``anonymous``, ``api_key``, ``operator`` or ``account`` (each has its own cap)."""
    if principal is None:
        return "anonymous"
    if getattr(principal, "api_key_id", None) is not None:
        return "api_key"
    return "operator" if getattr(principal, "is_operator", False) else "account"


def cost_cap(settings: Any, kind: str) -> int:
    return int(getattr(settings, f"query_cost_{kind}"))


def too_costly(cost: int, cap: int) -> ApiError:
    return ApiError(ErrorCode.QUERY_TOO_COSTLY,
                    f"查询代价 {cost} 超过上限 {cap}，请减少分页大小、嵌套或别名",
                    f"query cost {cost} exceeds the cap of {cap}; ask for smaller pages, "
                    "less nesting or fewer aliases")


_COSTS = DocumentCache()


def cost_cache() -> DocumentCache:
    """The process's cache of operation costs (for tests)."""
    return _COSTS


async def _cost(ctx: Any, document: DocumentNode) -> int:
    """The operation's cost, from the cache when the same text, operation and integer
    variables (only ``first`` changes a cost) were costed before."""
    query = ctx.query
    variables = ctx.variables or {}
    if not isinstance(query, str):
        return operation_cost(ctx.schema._schema, document, ctx.operation_name, variables)
    key = (id(ctx.schema._schema), query, ctx.operation_name,
           tuple(sorted((k, v) for k, v in variables.items()
                        if isinstance(v, int) and not isinstance(v, bool))))
    cost = _COSTS.get(key)
    if cost is None:
        if len(query) < PREPARE_INLINE_BELOW:
            cost = operation_cost(ctx.schema._schema, document, ctx.operation_name, variables)
        else:
            cost = await off_loop(operation_cost, ctx.schema._schema, document,
                                  ctx.operation_name, dict(variables))
        _COSTS.put(key, cost)
    return int(cost)


class QueryBudget(SchemaExtension):
    """Refuses an operation over its caller's cost cap before it executes."""

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        state = getattr(ctx.context, "state", None)
        document = ctx.graphql_document
        if state is not None and document is not None and ctx.result is None:
            cost = await _cost(ctx, document)
            kind = caller_kind(getattr(ctx.context, "principal", None))
            cap = cost_cap(state.settings, kind)
            if cost > cap:
                error = to_graphql(too_costly(cost, cap))
                error.extensions["cost"] = cost  # type: ignore[index]
                error.extensions["cap"] = cap  # type: ignore[index]
                ctx.result = ExecutionResult(data=None, errors=[error])
        yield


def deadline_result(seconds: float) -> ExecutionResult:
    error = to_graphql(ApiError(ErrorCode.DEADLINE_EXCEEDED,
                                f"请求超过 {seconds:g} 秒的时限，已中止",
                                f"the request ran past its {seconds:g} s deadline and was "
                                "stopped"))
    return ExecutionResult(data=None, errors=[error])


async def with_deadline(run: Awaitable[ExecutionResult], seconds: float) -> ExecutionResult:
    """``run``'s result, or a ``DEADLINE_EXCEEDED`` error once ``seconds`` have passed (the
    execution is cancelled: its transaction rolls back, its connection goes back)."""
    try:
        async with asyncio.timeout(seconds):
            return await run
    except TimeoutError:
        return deadline_result(seconds)

