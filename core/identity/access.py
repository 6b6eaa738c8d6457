"""Who is calling, where they act, and what they may do there.

A :class:`Principal` is an authenticated account (or API key) with its memberships. Acting at a
node gives an :class:`Access`: the tenant :class:`~tenants.scope.Scope` plus permission checks
that take an object's place in the tree into account and can explain a denial.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tenants.scope import Scope

__all__ = ["Access", "Decision", "Grant", "PlaceLimit", "PlaceRef", "Principal"]


@dataclass(frozen=True)
class Grant:
    """One membership, resolved: a role at a node, maybe narrowed to one place."""

    node_id: int
    node_path: str
    role: str
    permissions: frozenset[str]
    place_kind: str | None = None
    place_id: int | None = None


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    account_id: int | None
    name: str
    grants: tuple[Grant, ...] = ()
    is_operator: bool = False
    api_key_id: int | None = None
    api_key_object: tuple[str, int] | None = None
    resident_id: int | None = None
    token_id: str | None = None
    session_family: str | None = None
    """The refresh family of the login session the access token belongs to (logout ends it)."""


@dataclass(frozen=True)
class PlaceRef:
    """Where an object sits: its owning node and, when it has them, community/grid/building."""

    node_id: int
    node_path: str = ""
    community_id: int | None = None
    grid_id: int | None = None
    building_id: int | None = None


@dataclass(frozen=True)
class PlaceLimit:
    """Restricts a listing to some places; an empty limit matches nothing. ``node_ids``: nodes
    whose own rows are wholly included (a node-wide grant held below the acting node, e.g. a
    tenant administrator of one tenant acting at the region above it)."""

    community_ids: frozenset[int] = frozenset()
    grid_ids: frozenset[int] = frozenset()
    building_ids: frozenset[int] = frozenset()
    node_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason_zh: str = ""
    reason_en: str = ""

    def __bool__(self) -> bool:
        return self.allowed


@dataclass(frozen=True)
class Access:
    """A principal acting at one node."""

    principal: Principal
    node_id: int
    node_path: str
    scope: Scope
    grants: tuple[Grant, ...] = field(default=())
    """The principal's grants that apply at this node or below it."""

    def _covers(self, grant: Grant, place: PlaceRef) -> bool:
        # an object whose path is not given lies somewhere in the scope: only a grant held at
        # the acting node or above covers it (never a grant held at some other node below)
        path = place.node_path or (self.node_path if place.node_id == self.node_id else "")
        if not (path or self.node_path).startswith(grant.node_path):
            return False
        if grant.place_kind is None:
            return True
        wanted = {"community": place.community_id, "grid": place.grid_id,
                  "building": place.building_id}.get(grant.place_kind)
        return wanted is not None and wanted == grant.place_id

    def check(self, permission: str, place: PlaceRef | None = None) -> Decision:
        """May the caller do ``permission`` on an object at ``place`` (default: the node)?"""
        if self.principal.is_operator:
            return Decision(True)
        target = place or PlaceRef(node_id=self.node_id, node_path=self.node_path)
        if target.node_id not in self.scope.read_nodes and target.node_id not in \
                self.scope.shared_nodes:
            return Decision(False, "对象不在当前范围内", "the object is outside the acting node")
        holding = [g for g in self.grants if permission in g.permissions]
        if not holding:
            roles = ", ".join(sorted({g.role for g in self.grants})) or "-"
            return Decision(False, f"您的角色（{roles}）没有权限 {permission}",
                            f"none of your roles ({roles}) grants {permission}")
        if any(self._covers(g, target) for g in holding):
            return Decision(True)
        places = ", ".join(f"{g.place_kind} {g.place_id}" for g in holding if g.place_kind)
        return Decision(False, f"权限 {permission} 仅限于 {places}",
                        f"{permission} is granted only for {places}")

    def has(self, permission: str) -> bool:
        """Whether any grant here carries ``permission`` (for some place at least)."""
        return self.principal.is_operator or any(
            permission in g.permissions for g in self.grants)

    def limit(self, permission: str) -> PlaceLimit | None:
        """``None``: the whole scope; otherwise only these places (possibly none). A node-wide
        grant covers the whole scope only when held at the acting node or above it; one held
        at a node below covers that node's rows alone."""
        if self.principal.is_operator:
            return None
        holding = [g for g in self.grants if permission in g.permissions]
        if any(g.place_kind is None and self.node_path.startswith(g.node_path) for g in holding):
            return None
        return PlaceLimit(
            node_ids=frozenset(g.node_id for g in holding if g.place_kind is None),
            community_ids=frozenset(g.place_id for g in holding
                                    if g.place_kind == "community" and g.place_id),
            grid_ids=frozenset(g.place_id for g in holding if g.place_kind == "grid" and g.place_id),
            building_ids=frozenset(g.place_id for g in holding
                                   if g.place_kind == "building" and g.place_id),
        )
