"""Every GraphQL document under graphql/operations/ (the guides' example operations) validates
against the current schema, so the examples cannot drift from the API."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphql import parse, validate

OPERATIONS = Path(__file__).resolve().parents[3] / "graphql" / "operations"
DOCUMENTS = sorted(OPERATIONS.rglob("*.graphql"))


def test_the_building_head_examples_exist():
    names = {p.relative_to(OPERATIONS).as_posix() for p in DOCUMENTS}
    assert {"building_heads/matters.graphql", "building_heads/visits.graphql",
            "building_heads/appointments.graphql"} <= names


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.relative_to(OPERATIONS).as_posix())
def test_operation_document_validates(linli_env, path):
    schema = linli_env.state.schema._schema
    document = parse(path.read_text(encoding="utf-8"))
    errors = validate(schema, document)
    assert not errors, [e.message for e in errors]
    assert document.definitions, f"{path} holds no operation"
