"""Parsing and validation of GraphQL documents: cached by the query text, and never on the
event loop when the document is new and large.

A new document is pure-Python work that grows with its size: on this machine, under load,
the 667-character dearest page took 3 ms to parse and 2.4 ms to validate, a 3,200-character
document 11 + 9 ms and a 10,800-character one (200 overlapping fields, inside the token limit)
44 + 27 ms — time in which the event loop answered nobody, ``/health/live`` included. So a
document that is not in the cache and not small is parsed and validated on a worker thread
(:data:`PREPARE_INLINE_BELOW`): the interpreter hands the GIL back to the event loop at least
every switch interval (5 ms), so other requests keep being served while it runs.

One cache, keyed by the query text (plus parse options, the validation rules and the schema):
strawberry's ``ParserCache``/``ValidationCache`` key validation on the document node, whose
dataclass hash walks the whole tree on every request (1 ms for the 3,200-character document);
a string hashes once.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

__all__ = ["MAX_EXPANDED_FIELDS", "MAX_SAME_FIELD", "PREPARE_INLINE_BELOW", "CacheInfo",
           "DocumentCache", "PreparedDocuments", "document_cache", "merge_check", "off_loop"]

PREPARE_INLINE_BELOW = 512
"""Documents shorter than this many characters are parsed and validated on the event loop
(about 2 ms under load; a thread hop would cost more than it saves)."""

T = TypeVar("T")

_PREPARE = ThreadPoolExecutor(max_workers=2, thread_name_prefix="linli-prepare")
"""Two workers: new documents are rare once warm, and more threads would only queue on the
GIL with the event loop."""


async def off_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` on a document-preparation worker thread."""
    return await asyncio.get_running_loop().run_in_executor(
        _PREPARE, lambda: fn(*args, **kwargs))


@dataclass(frozen=True)
class CacheInfo:
    hits: int
    misses: int
    size: int


class DocumentCache:
    """A small LRU of parsed documents and of validation results, touched only on the event
    loop (so it needs no lock)."""

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        try:
            value = self._items[key]
        except KeyError:
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return value

    def put(self, key: Hashable, value: Any) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)

    def cache_info(self) -> CacheInfo:
        return CacheInfo(self.hits, self.misses, len(self._items))

    def clear(self) -> None:
        self._items.clear()


_DOCUMENTS = DocumentCache()
_VALIDATIONS = DocumentCache()


def document_cache() -> tuple[DocumentCache, DocumentCache]:
    """The process's (parsed documents, validation results) caches, for tests and benchmarks."""
    return _DOCUMENTS, _VALIDATIONS


MAX_SAME_FIELD = 10
"""Most fields one response key may merge at one place in the result (``{ a: x  a: x }`` is
two): graphql-core's overlapping-fields rule compares them pairwise, so 200 copies of one
field (an 11,000-character document inside the token limit) took 1.8 s to validate and left
424,000 objects for the collector."""
MAX_EXPANDED_FIELDS = 5000
"""Most fields a document holds with its fragments spread out (the 30-alias page holds 270)."""

TOO_COMPLEX_ZH = (f"查询过于复杂：同一位置的同名字段最多 {MAX_SAME_FIELD} 个，展开片段后的字段最多 "
                  f"{MAX_EXPANDED_FIELDS} 个")
TOO_COMPLEX_EN = (f"the document is too complex: at most {MAX_SAME_FIELD} fields may merge into "
                  f"one response key, and at most {MAX_EXPANDED_FIELDS} fields once fragments "
                  "are spread")


def merge_check(document: DocumentNode) -> list[GraphQLError]:
    """A refusal when the document would merge too many fields into one response key or
    spreads into too many fields (see :data:`MAX_SAME_FIELD`), found in a walk whose work is
    itself capped; an empty list otherwise. A fragment that spreads itself is left to
    validation (``NoFragmentCycles``)."""
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    visits = 0

    def collect(selection_set: SelectionSetNode, out: dict[str, list[FieldNode]],
                seen: set[str]) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                out.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                collect(selection.selection_set, out, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is not None and name not in seen:
                    seen.add(name)  # graphql-core compares a fragment once per selection
                    collect(fragment.selection_set, out, seen)

    def walk(group: list[SelectionSetNode], spread: frozenset[str]) -> bool:
        nonlocal visits
        merged: dict[str, list[FieldNode]] = {}
        seen = set(spread)
        for selection_set in group:
            collect(selection_set, merged, seen)
        for fields in merged.values():
            visits += len(fields)
            if len(fields) > MAX_SAME_FIELD or visits > MAX_EXPANDED_FIELDS:
                return False
            children = [f.selection_set for f in fields if f.selection_set is not None]
            if children and not walk(children, frozenset(seen)):
                return False
        return True

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) \
                and not walk([definition.selection_set], frozenset()):
            return [GraphQLError(f"{TOO_COMPLEX_ZH} / {TOO_COMPLEX_EN}",
                                 extensions={"code": "GRAPHQL_VALIDATION_FAILED"})]
    return []


def _validate(schema: Any, document: DocumentNode,
              rules: tuple[Any, ...]) -> list[GraphQLError]:
    return merge_check(document) or validate_document(schema, document, rules)


def _parse_and_validate(query: str, parse_options: dict[str, Any], schema: Any,
                        rules: tuple[Any, ...]) -> tuple[DocumentNode, list[GraphQLError]]:
    document = parse(query, **parse_options)
    return document, _validate(schema, document, rules)


class PreparedDocuments(SchemaExtension):
    """Replaces strawberry's ``ParserCache`` and ``ValidationCache`` (see the module text).

    A new document that is large is parsed *and* validated in one trip to a worker thread
    during the parsing step; the validation step then finds its result in the cache."""

    async def on_parse(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        query = ctx.query
        if ctx.graphql_document is None and isinstance(query, str):
            parse_key = (query, tuple(sorted(ctx.parse_options.items())))
            document = _DOCUMENTS.get(parse_key)
            if document is None:
                if len(query) < PREPARE_INLINE_BELOW:
                    document = parse(query, **ctx.parse_options)
                else:
                    rules = tuple(ctx.validation_rules)
                    document, errors = await off_loop(_parse_and_validate, query,
                                                      dict(ctx.parse_options),
                                                      ctx.schema._schema, rules)
                    _VALIDATIONS.put(self._validation_key(rules), errors)
                _DOCUMENTS.put(parse_key, document)
            ctx.graphql_document = document
        yield

    def _validation_key(self, rules: tuple[Any, ...]) -> Hashable:
        ctx = self.execution_context
        return (id(ctx.schema._schema), ctx.query, rules)

    async def on_validate(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        rules = tuple(ctx.validation_rules)
        if document is not None and isinstance(ctx.query, str) and rules:
            key = self._validation_key(rules)
            errors = _VALIDATIONS.get(key)
            if errors is None:
                if len(ctx.query) < PREPARE_INLINE_BELOW:
                    errors = _validate(ctx.schema._schema, document, rules)
                else:
                    errors = await off_loop(_validate, ctx.schema._schema, document, rules)
                _VALIDATIONS.put(key, errors)
            ctx.pre_execution_errors = list(errors)
        yield
