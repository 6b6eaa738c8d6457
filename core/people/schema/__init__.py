"""GraphQL for places and residents (listed in ``core.schema.compose.CORE_CONTRIBUTORS``)."""

from __future__ import annotations

from typing import Any

from core.declarations import NodeType
from core.people.schema import accounts, mutations, queries, sheets
from core.people.schema.types import (
    NODE_TYPES,
    BuildingType,
    CommunityType,
    CompoundType,
    GridType,
    HouseholdType,
    ResidentType,
    RollupRow,
    UnitType,
)

__all__ = ["mutation_fields", "node_types", "query_fields", "types"]


def types() -> list[type]:
    return [CommunityType, CompoundType, GridType, BuildingType, UnitType, HouseholdType,
            ResidentType, RollupRow, *mutations.types(), *sheets.types(), *accounts.types()]


def query_fields() -> list[Any]:
    return [*queries.query_fields(), *accounts.query_fields()]


def mutation_fields() -> list[Any]:
    return [*mutations.mutation_fields(), *sheets.mutation_fields(), *accounts.mutation_fields()]


def node_types() -> list[NodeType]:
    return list(NODE_TYPES)
