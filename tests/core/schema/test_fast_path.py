"""The fast execution path (``core.schema.execution.FastExecutionContext``): on a schema built
to provoke every irregular case, the same response as graphql-core's stock path byte for byte;
plain fields skip graphql-core's per-field machinery (``tests/core/people/test_fast_path_pages.py``
checks the same on Linli's own schema, so an upgrade that renames what the path relies on fails
there instead of silently falling back)."""

from __future__ import annotations

import asyncio
import enum
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import strawberry
from strawberry.extensions import ParserCache

from core.schema.execution import FastExecutionContext
from core.schema.http import encode_response
from core.testing.fast_path import LinliExecutionContext, record_execute_field


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


class Shade(enum.Enum):
    """Not the field's enum, with a value of the same spelling."""

    RED = "red"


@strawberry.type
class Leaf:
    name: str
    count: int
    ratio: float
    flag: bool
    colour: Colour
    maybe: str | None
    tags: list[str]
    grid: list[list[int]]
    at: datetime
    when: datetime | None
    day: date
    clock: time

    @strawberry.field
    def shout(self) -> str:
        if self.name == "boom":
            raise ValueError("the method failed")
        return self.name.upper()

    @strawberry.field
    def strict(self) -> str:
        return None  # type: ignore[return-value]  # a non-null violation, on purpose

    @strawberry.field
    async def later(self) -> str:
        await asyncio.sleep(0)
        return f"later {self.name}"

    @strawberry.field
    def echo(self, word: str) -> str:
        return word


@strawberry.type
class Edge:
    cursor: str
    node: Leaf


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Thing(Named):
    size: int


@strawberry.type
class Other(Named):
    """Another type of the interface: a ``Thing`` cast to it is not a ``Thing``."""

    size: int


class BigThing(Thing):
    """A subclass: not ``Thing``'s exact class, though ``is_type_of`` accepts it."""


def shelf() -> list[Any]:
    """What a ``[Thing]`` field may be handed: the type's own instances (no ``is_type_of``
    call), a subclass, one cast to its own type and one cast to another, and a stranger."""
    return [Thing(name="a", size=1), BigThing(name="b", size=2),
            strawberry.cast(Thing, Thing(name="c", size=3)),
            strawberry.cast(Other, Thing(name="d", size=4)), Odd(name="e"),
            Other(name="f", size=6), None]


@strawberry.type
class Page:
    edges: list[Edge]
    nullable_edges: list[Edge | None] | None
    first: Leaf | None
    shelf: list[Thing | None] | None = None


@dataclass
class Odd:
    """Values the declared types do not accept."""

    name: Any = "odd"
    count: Any = 1
    ratio: Any = 0.5
    flag: Any = True
    colour: Any = Colour.RED
    maybe: Any = None
    tags: Any = ()
    grid: Any = ()
    at: Any = "2026-11-28"
    when: Any = 5
    day: Any = datetime(2026, 11, 28, tzinfo=UTC)
    clock: Any = None


ZONES = [UTC, None, timezone(timedelta(hours=8)), timezone(timedelta(hours=-3, minutes=-30)),
         timezone(timedelta(seconds=61, microseconds=5))]
"""UTC and no zone (what the fast path hands orjson) and offsets it leaves to ``isoformat``."""


def moment(i: int) -> datetime:
    """A datetime per ``i``: years below 1000, whole seconds, microseconds, every zone."""
    return datetime((7, 999, 1970, 2026, 9999)[i % 5], 1 + i % 12, 1 + i % 28, i % 24, i % 60,
                    (i * 7) % 60, (0, 1, 999999, 123456)[i % 4], tzinfo=ZONES[i % len(ZONES)])


def leaf(i: int, **changes: Any) -> Leaf:
    values: dict[str, Any] = {"at": moment(i), "when": None if i % 4 == 0 else moment(i + 3),
                              "day": moment(i).date(), "clock": moment(i).timetz(),
                              "name": f"n{i}", "count": i, "ratio": i / 4, "flag": i % 2 == 0,
                                  "colour": Colour.RED if i % 2 else Colour.GREEN,
                                  "maybe": None if i % 3 else f"m{i}", "tags": [f"t{i}", "x"],
                                  "grid": [[i, i + 1], []]}
    values.update(changes)
    return Leaf(**values)


PAGES: dict[str, Any] = {
    "plain": lambda: Page(edges=[Edge(cursor=f"c{i}", node=leaf(i)) for i in range(30)],
                          nullable_edges=[None, Edge(cursor="c", node=leaf(7))], first=leaf(1)),
    "raising": lambda: Page(edges=[Edge(cursor="a", node=leaf(1)),
                                   Edge(cursor="b", node=leaf(2, name="boom"))],
                            nullable_edges=None, first=leaf(2, name="boom")),
    "null_in_non_null": lambda: Page(edges=[Edge(cursor="a", node=leaf(1, name=None))],
                                     nullable_edges=[Edge(cursor="b", node=leaf(2, count=None))],
                                     first=leaf(3, tags=None)),
    "wrong_types": lambda: Page(edges=[Edge(cursor="a", node=leaf(1, count=2**40))],
                                nullable_edges=[Edge(cursor="b", node=leaf(2, count="7")),
                                                Edge(cursor=3, node=leaf(3, flag=0)),  # type: ignore[arg-type]
                                                Edge(cursor="d", node=leaf(4, colour="RED")),
                                                Edge(cursor="e", node=leaf(5, colour=Shade.RED)),
                                                Edge(cursor="f", node=leaf(6, at="x", day=None)),
                                                Edge(cursor="g", node=leaf(7, when=date(2026, 1, 2),
                                                                           clock=moment(7)))],
                                first=leaf(5, count=True, tags="abc", grid=[[1.5]])),
    "wrong_object": lambda: Page(edges=[Edge(cursor="a", node=Odd())],  # type: ignore[arg-type]
                                 nullable_edges=[Edge(cursor="b", node=leaf(1)), None],
                                 first=Odd()),  # type: ignore[arg-type]
    "exception_value": lambda: Page(edges=[Edge(cursor="a", node=leaf(1, maybe=ValueError("v")))],
                                    nullable_edges=None, first=leaf(2, name=KeyError("k"))),
}
SHELVES = {f"shelf{i}": (lambda i=i: Page(edges=[], nullable_edges=None, first=None,
                                          shelf=[Thing(name="x", size=0), shelf()[i]]))
           for i in range(len(shelf()))}
"""One page per kind of value a ``[Thing]`` field may hold (after one plain ``Thing``)."""


@strawberry.type
class Query:
    @strawberry.field
    async def page(self, kind: str) -> Page:
        return (PAGES.get(kind) or SHELVES[kind])()

    @strawberry.field
    def things(self) -> list[Named]:
        return [Thing(name="a", size=1), Thing(name="b", size=2)]


def schemas() -> tuple[strawberry.Schema, strawberry.Schema]:
    return (strawberry.Schema(Query, types=[Thing, Other],
                              execution_context_class=LinliExecutionContext),
            strawberry.Schema(Query, types=[Thing, Other],
                              execution_context_class=FastExecutionContext))


LEAF_FIELDS = ["name", "count", "ratio", "flag", "colour", "maybe", "tags", "grid", "at", "when",
               "day", "clock", "shout",
               "strict", "later", "__typename", 'echo(word: "hi")', "alias: name",
               "alias2: shout", "name @skip(if: $skip)", "count @include(if: $skip)"]


def random_selection(rng: random.Random) -> str:
    chosen = rng.sample(LEAF_FIELDS, rng.randint(1, 6))
    # the same response key twice must merge, not clash: drop a second alias of one name
    seen: set[str] = set()
    out = []
    for field in chosen:
        key = field.split(":")[0].split("(")[0].split(" ")[0]
        if key not in seen:
            seen.add(key)
            out.append(field)
    if rng.random() < 0.3:
        out.append("...LeafBits")
    if rng.random() < 0.3:
        out.append("... on Leaf { count tags }")
    return " ".join(out)


def corpus(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    documents = []
    for _ in range(n):
        kind = rng.choice(sorted(PAGES))
        sel = random_selection(rng)
        parts = [f"edges {{ cursor node {{ {sel} }} }}"]
        if rng.random() < 0.6:
            parts.append(f"nullableEdges {{ __typename node {{ {random_selection(rng)} }} }}")
        if rng.random() < 0.6:
            parts.append(f"first {{ {random_selection(rng)} }}")
        if rng.random() < 0.3:
            parts.append("again: edges { node { name } }")
        body = " ".join(parts)
        documents.append(
            f'query Q($skip: Boolean = false) {{ page(kind: "{kind}") {{ {body} }} '
            f"things {{ __typename name ... on Thing {{ size }} }} }} "
            "fragment LeafBits on Leaf { name colour grid }")
    return documents


async def run(schema: strawberry.Schema, document: str, variables: dict[str, Any]) -> bytes:
    result = await schema.execute(document, variable_values=variables)
    response: dict[str, Any] = {}
    if result.errors:
        response["errors"] = [e.formatted for e in result.errors]
    response["data"] = result.data
    out = encode_response(response)
    return out if isinstance(out, bytes) else out.encode()


async def test_every_irregular_case_answers_as_the_stock_path_does():
    stock, fast = schemas()
    documents = corpus(seed=20261128, n=100)
    errors = 0
    for document in documents:
        for variables in ({}, {"skip": True}):
            expected = await run(stock, document, variables)
            assert await run(fast, document, variables) == expected, (document, variables)
            errors += b'"errors"' in expected
    assert errors > 40  # the corpus provokes errors, not only happy paths


async def test_each_page_kind_with_every_field():
    stock, fast = schemas()
    everything = " ".join(f for f in LEAF_FIELDS if "$skip" not in f)
    for kind in PAGES:
        document = (f'{{ page(kind: "{kind}") {{ edges {{ cursor node {{ {everything} }} }} '
                    f"nullableEdges {{ node {{ {everything} }} }} first {{ {everything} }} }} }}")
        assert await run(fast, document, {}) == await run(stock, document, {}), kind


async def test_a_type_with_an_interface_is_checked_as_the_stock_path_checks(monkeypatch):
    """``is_type_of`` (a type with interfaces has one) is skipped only for an instance of the
    type's exact class that carries no cast: the others answer as graphql-core answers."""
    stock, fast = schemas()
    refused = []
    for kind in SHELVES:
        document = f'{{ page(kind: "{kind}") {{ shelf {{ __typename name size }} }} }}'
        expected = await run(stock, document, {})
        calls = record_execute_field(monkeypatch)
        assert await run(fast, document, {}) == expected, kind
        if b"Expected value of type 'Thing'" in expected:
            refused.append(kind)
            assert "Page.shelf" in calls, kind  # the stock path reports it
        else:
            assert calls == ["Query.page"], kind  # completed by the fast path
    # refused: the Thing cast to Other and the stranger (strawberry's check accepts any
    # instance of the interface's class, so an Other passes as a Thing)
    assert refused == ["shelf3", "shelf4"]


async def test_plain_fields_skip_the_per_field_machinery(monkeypatch):
    """Only fields that need it go through graphql-core's execute_field: the root field, the
    async and argument-taking ones, and fields of values that need the stock path's error."""
    _, fast = schemas()
    calls = record_execute_field(monkeypatch)
    await run(fast, '{ page(kind: "plain") { edges { cursor node { name count colour tags grid '
              "shout __typename } } first { name } } }", {})
    assert calls == ["Query.page"]
    calls.clear()
    await run(fast, '{ page(kind: "plain") { edges { node { name later } } } }', {})
    # an async field below makes its objects take the stock path; their plain fields do not
    assert calls == ["Query.page", "Page.edges"] + ["Edge.node", "Leaf.later"] * 30


async def test_plans_kept_across_requests_answer_as_the_stock_path_does(monkeypatch):
    """With a document cache the same nodes come back on every request, and a document
    without directives keeps its fields' completions across requests: the corpus, each
    document twice with each set of variables, still answers byte for byte as the stock path
    does."""
    stock, _ = schemas()
    cached = strawberry.Schema(Query, types=[Thing], execution_context_class=FastExecutionContext,
                               extensions=[lambda: ParserCache(maxsize=None)])
    documents = corpus(seed=20261129, n=60)
    static = [d for d in documents if "@" not in d]
    assert 10 < len(static) < len(documents)  # both kinds are in the corpus
    for _ in range(2):
        for document in documents:
            for variables in ({}, {"skip": True}):
                expected = await run(stock, document, variables)
                assert await run(cached, document, variables) == expected, (document, variables)
    # a kept plan is not planned again: the second request of a document builds no field
    built: list[str] = []
    original = FastExecutionContext._field

    def counting(self: Any, parent_type: Any, details: Any) -> Any:
        built.append(f"{parent_type.name}.{details[0].node.name.value}")
        return original(self, parent_type, details)

    monkeypatch.setattr(FastExecutionContext, "_field", counting)
    document = '{ page(kind: "plain") { edges { cursor node { name count } } } }'
    first = await run(cached, document, {})
    assert built and await run(cached, document, {}) == first
    assert len(built) == len(set(built))  # nothing built twice


async def test_an_enum_is_named_without_strawberrys_scan_per_row(monkeypatch):
    """strawberry names an enum member by comparing its value with each of the type's values;
    the fast path asks it once per member when it builds the selection's function, and looks
    the name up by value for each row."""
    from strawberry.schema.schema_converter import CustomGraphQLEnumType

    asked: list[Any] = []
    original = CustomGraphQLEnumType.coerce_output_value

    def counted(self: Any, value: Any) -> Any:
        asked.append(value)
        return original(self, value)

    monkeypatch.setattr(CustomGraphQLEnumType, "coerce_output_value", counted)
    stock, fast = schemas()
    document = '{ page(kind: "plain") { edges { node { colour } } } }'
    expected = await run(stock, document, {})
    asked.clear()
    assert await run(fast, document, {}) == expected
    assert sorted(asked, key=lambda c: c.value) == [Colour.GREEN, Colour.RED]
