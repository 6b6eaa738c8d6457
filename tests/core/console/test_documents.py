"""Every operation the console sends is a committed document that validates against the schema
and fits an account's query budget: core's (``core/console/operations/``, package data) and every
loaded plugin's (``<plugin package>/console/*.graphql``). Operation names are unique across them."""

from __future__ import annotations

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
