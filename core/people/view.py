"""Which places a caller may see: the whole scope, or the places of their grants plus the
ancestors of those places (a grid worker sees their grid's buildings, households and residents,
and the name of the community they sit in)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import ApiError
from core.identity.access import Access, PlaceLimit
from core.people.tables import Building, Compound, Grid

__all__ = ["AROUND_KINDS", "PlaceView", "people_view"]

_NONE = [-1]

AROUND_KINDS = frozenset({"community", "grid", "compound"})
"""Kinds a limited view also shows *around* the grant's places (a grid worker sees the community
their grid sits in): filtering or checking them needs those places read first
(:func:`people_view` with ``around=True``). Residents, households, units and buildings are
limited by the grant's own ids, with no read."""


def _ids(values: frozenset[int]) -> list[int]:
    return sorted(values) or _NONE


@dataclass(frozen=True)
class PlaceView:
    """``limit`` None: everything in the scope. Otherwise the grant's places (and whole nodes
    named by the limit) and, for listing communities, grids and compounds, the ones containing
    them."""

    limit: PlaceLimit | None
    communities: frozenset[int] = frozenset()
    grids: frozenset[int] = frozenset()
    compounds: frozenset[int] = frozenset()
    around: bool = True
    """Whether ``communities``, ``grids`` and ``compounds`` were read (a limited view made with
    ``around=False`` cannot filter or check :data:`AROUND_KINDS`)."""

    def _check_around(self, kind: str) -> None:
        if not self.around and kind in AROUND_KINDS:
            raise RuntimeError(f"this view of places was made without the places around the "
                               f"grant: it cannot limit {kind}")

    @property
    def everything(self) -> bool:
        return self.limit is None

    def where(self, table: Any) -> Any | None:
        """A condition on ``table`` for this view (None: no condition)."""
        parts = self.parts(table)
        if parts is None:
            return None
        condition = parts[0][0].is_in(parts[0][1])
        for column, ids in parts[1:]:
            condition = condition | column.is_in(ids)
        return condition

    def parts(self, table: Any) -> list[tuple[Any, list[int]]] | None:
        """What :meth:`where` ORs together, in order: (column, the ids it may hold); None for
        no condition (a page's SQL depends on the columns and how many ids each has)."""
        if self.limit is None:
            return None
        name = table._meta.tablename
        self._check_around(name.removeprefix("linli_"))
        whole_nodes = (table.tenant_id, _ids(self.limit.node_ids))
        if name == "linli_community":
            return [(table.id, _ids(self.communities)), whole_nodes]
        if name == "linli_grid":
            return [(table.id, _ids(self.grids)), whole_nodes]
        if name == "linli_compound":
            return [(table.id, _ids(self.compounds)), whole_nodes]
        building = table.id if name == "linli_building" else table.building_id
        lim = self.limit
        return [(table.community_id, _ids(lim.community_ids)), (table.grid_id, _ids(lim.grid_ids)),
                (building, _ids(lim.building_ids)), whole_nodes]

    def allows(self, kind: str, rec: Any) -> bool:
        """Whether a loaded record of ``kind`` is in view."""
        if self.limit is None:
            return True
        self._check_around(kind)
        if rec.tenant_id in self.limit.node_ids:
            return True
        if kind == "community":
            return int(rec.id) in self.communities
        if kind == "grid":
            return int(rec.id) in self.grids
        if kind == "compound":
            return int(rec.id) in self.compounds
        lim = self.limit
        return (rec.community_id in lim.community_ids or rec.grid_id in lim.grid_ids
                or rec.building_id in lim.building_ids)


async def people_view(access: Access, permission: str = "people.read", *,
                      around: bool = True) -> PlaceView:
    """The view of a caller holding ``permission``; FORBIDDEN (with the reason) without it.
    Runs inside a scoped read transaction. ``around=False``: a view for kinds outside
    :data:`AROUND_KINDS` only, made without reading anything (a grid worker's page of residents
    needs no read of their places)."""
    if not access.has(permission):
        decision = access.check(permission)
        raise ApiError.forbidden(decision.reason_zh, decision.reason_en)
    limit = access.limit(permission)
    if limit is None:
        return PlaceView(None)
    if not around:
        return PlaceView(limit, around=False)
    c, g, b = limit.community_ids, limit.grid_ids, limit.building_ids
    communities, grids, compounds = set(c), set(g), set()
    if c:
        grids |= {r["id"] for r in await Grid.select(Grid.id).where(Grid.community_id.is_in(_ids(c)))}
        compounds |= {r["id"] for r in await Compound.select(Compound.id).where(
            Compound.community_id.is_in(_ids(c)))}
    if g:
        communities |= {r["community_id"] for r in await Grid.select(Grid.community_id).where(
            Grid.id.is_in(_ids(g)))}
    if g or b:
        rows = await Building.select(Building.community_id, Building.grid_id,
                                     Building.compound_id).where(
            Building.grid_id.is_in(_ids(g)) | Building.id.is_in(_ids(b)))
        communities |= {r["community_id"] for r in rows}
        grids |= {r["grid_id"] for r in rows}
        compounds |= {r["compound_id"] for r in rows if r["compound_id"] is not None}
    return PlaceView(limit, frozenset(communities), frozenset(grids), frozenset(compounds))
