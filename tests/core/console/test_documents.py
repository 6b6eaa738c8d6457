"""Every operation the console sends is a committed document that validates against the schema
and fits an account's query budget: core's (``core/console/operations/``, package data) and every
loaded plugin's (``<plugin package>/console/*.graphql``). Operation names are unique across them."""

from __future__ import annotations

import re
from pathlib import Path

from core.console.pages import HERE
from core.console.web import OPERATIONS, operation_documents
from core.schema.budget import operation_cost
from graphql import OperationDefinitionNode, parse, validate


def console_documents(registry) -> list[Path]:
    docs = sorted((HERE / OPERATIONS).glob("*.graphql"))
    assert {p.name for p in docs} == set(operation_documents())  # what is served
    for name in registry.names:
        folder = registry.plugin_dir(name)
        if folder is not None:
            docs += sorted((folder / "console").glob("*.graphql"))
    return docs


def test_console_documents_validate_and_fit_the_budget(linli_env):
    schema, cap = linli_env.state.schema._schema, linli_env.settings.query_cost_account
    docs = console_documents(linli_env.state.registry)
    assert any(p.parent.name == "operations" and p.parent.parent.name == "console" for p in docs)
    names: dict[str, Path] = {}
    for path in docs:
        document = parse(path.read_text(encoding="utf-8"))
        errors = validate(schema, document)
        assert not errors, f"{path}: {[e.message for e in errors]}"
        for op in document.definitions:
            assert isinstance(op, OperationDefinitionNode), f"{path}: fragments only inline"
            assert op.name is not None, f"{path}: an anonymous operation"
            name = op.name.value
            assert name not in names, f"{name} in {path} and {names[name]}"
            names[name] = path
            cost = operation_cost(schema, document, name)
            assert cost <= cap, f"{path}: {name} costs {cost} > {cap}"


GRAPHQL_IN_A_STRING = re.compile(
    r"""["'`]\s*(query|mutation|subscription|fragment)\b[^"'`]*[{(]""")


def test_pages_build_no_query_strings(linli_env):
    """The console never builds a query string at run time: no page module (core's or a loaded
    plugin's) holds GraphQL in a string literal, and only the kit talks to ``/graphql`` (sending
    the text of a committed document)."""
    from core.console.pages import STATIC

    registry = linli_env.state.registry
    modules = sorted(STATIC.rglob("*.js"))
    for name in registry.names:
        folder = registry.plugin_dir(name)
        if folder is not None:
            modules += sorted((folder / "console").rglob("*.js"))
    assert len(modules) > 10
    for path in modules:
        text = path.read_text(encoding="utf-8")
        found = GRAPHQL_IN_A_STRING.search(text)
        assert found is None, f"{path}: GraphQL built in a string: {found.group(0)!r}"
        if path.name != "kit.js":
            assert '"/graphql"' not in text and "'/graphql'" not in text, \
                f"{path}: talks to /graphql itself (use query/mutate/subscribe from the kit)"
