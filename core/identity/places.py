"""Where objects sit in the tree, by GraphQL type name, for permission checks.

Each module that owns placed objects registers a resolver for its type names (``Tenant`` is
registered here; ``core.people`` registers ``Community``, ``Grid``, ``Building`` and the rest).
A resolver runs inside a scoped read transaction and returns the object's :class:`PlaceRef`, or
``None`` when the object does not exist in that scope.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Awaitable, Callable

from core.identity.access import PlaceRef
from core.people import tables as people
from tenants.scope import current_scope
from tenants.tables import Node

__all__ = ["PLACE_KINDS", "PlaceResolver", "place_of", "place_type", "register_place"]

PlaceResolver = Callable[[int], Awaitable[PlaceRef | None]]

PLACE_KINDS: dict[str, str] = {"community": "Community", "grid": "Grid", "building": "Building"}
"""Membership place kinds and the GraphQL type names of their objects."""

_resolvers: dict[str, PlaceResolver] = {}


def register_place(type_name: str, resolver: PlaceResolver) -> None:
    _resolvers[type_name] = resolver


def place_type(type_name: str) -> bool:
    """Whether objects of ``type_name`` can be placed (a resolver is registered)."""
    return type_name in _resolvers


async def place_of(type_name: str, pk: int) -> PlaceRef | None:
    """The place of object ``pk`` of ``type_name``; ``None`` if unknown or not in scope."""
    resolver = _resolvers.get(type_name)
    if resolver is None or not 0 < pk < 2**31:  # primary keys are 32-bit serials
        return None
    return await resolver(pk)


async def _tenant_place(pk: int) -> PlaceRef | None:
    """A node is placed at itself; visible when the scope reads it (the acting node and, for a
    region, the nodes below it)."""
    if pk not in current_scope().read_nodes:
        return None
    row = await Node.select(Node.id, Node.path).where(Node.id == pk).first()
    return PlaceRef(node_id=row["id"], node_path=row["path"]) if row else None


register_place("Tenant", _tenant_place)


# Places and residents (core.people): an object's tenant plus the community, grid and building it
# lies in; a community, grid or building is also placed at itself.
_PEOPLE_TYPES: dict[str, str | None] = {
    "Community": "community_id", "Compound": None, "Grid": "grid_id", "Building": "building_id",
    "Unit": None, "Household": None, "Resident": None,
}


def _people_place(type_name: str, own: str | None) -> PlaceResolver:
    async def resolve(pk: int) -> PlaceRef | None:

        table = getattr(people, type_name)
        cols = [c for c in ("community_id", "grid_id", "building_id") if hasattr(table, c)]
        row = await table.select(table.id, table.tenant_id,
                                 *(getattr(table, c) for c in cols)).where(table.id == pk).first()
        if row is None:
            return None
        node = await Node.select(Node.path).where(Node.id == row["tenant_id"]).first()
        where = {c: row.get(c) for c in ("community_id", "grid_id", "building_id")}
        if own is not None:
            where[own] = row["id"]
        return PlaceRef(node_id=row["tenant_id"], node_path=node["path"] if node else "", **where)

    return resolve


if importlib.util.find_spec("core.people") is not None:
    for _type_name, _own in _PEOPLE_TYPES.items():
        register_place(_type_name, _people_place(_type_name, _own))
