"""The declarations a plugin returns from its hooks and the ``hookimpl`` marker (re-exported
by the plugin API, ``core.plugin``).

A plugin is a package registered in the ``linli.plugins`` entry-point group::

    [project.entry-points."linli.plugins"]
    my_plugin = "my_plugin.hooks"

See ``plugins/README.md`` for the guide and every hook.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pluggy

__all__ = ["PROJECT", "ConsolePage", "NodeLoader", "NodeType", "Permission", "PluginMeta", "RoleDecl",
           "hookimpl"]

PROJECT = "linli"
hookimpl = pluggy.HookimplMarker(PROJECT)


@dataclass(frozen=True)
class Permission:
    """A permission a plugin declares, e.g. ``building_heads.visit.log``."""

    code: str
    title_zh: str
    title_en: str
    personal_data: bool = False
    granted_to: tuple[str, ...] = ()
    """Core roles that hold this permission by default (e.g. ``("tenant_admin",)``), so a
    tenant's administrator can work with a plugin the moment it is enabled."""


@dataclass(frozen=True)
class RoleDecl:
    """A role (a named set of permissions) a plugin declares, e.g. ``building_heads.head``."""

    code: str
    title_zh: str
    title_en: str
    permissions: tuple[str, ...]
    place_kind: str | None = None
    """The kind of place this role is held at: None (a node) or community/grid/building."""
    granted_by: tuple[str, str] | None = None
    """``(zh, en)`` naming the plugin's workflow that alone grants this role (through
    ``grant_place_role``); ``grantMembership`` and ``linli account create|grant --role`` refuse
    it, naming the workflow, so a membership never promises what the plugin's own checks deny.
    ``None``: administrators grant it like any role."""


NodeLoader = Callable[[Any, int], Awaitable[Any]]
"""``async def load(info, pk)``: the object with primary key ``pk`` as the caller may see it,
or None (answered ``NOT_FOUND``)."""


@dataclass(frozen=True)
class NodeType:
    """A Relay node type ``node(id:)`` can load, returned by ``linli_node_types``.

    ``type_name`` is the GraphQL type's name (the one in its global ids, prefixed with the
    plugin: ``CanteenMeal``). ``node(id:)`` answers ``PLUGIN_DISABLED`` for the type of a plugin
    that is off for the acting tenant before ``loader`` runs, so loaders need not check."""

    type_name: str
    loader: NodeLoader


@dataclass(frozen=True)
class PluginMeta:
    """插件元数据 A plugin's metadata, returned by ``linli_plugin_meta``."""

    name: str
    title_zh: str
    title_en: str
    version: str
    core_versions: str = ">=0.1"
    requires: tuple[str, ...] = ()
    roles: tuple[RoleDecl, ...] = ()
    permissions: tuple[Permission, ...] = ()
    emits: tuple[str, ...] = ()
    consumes: tuple[str, ...] = ()
    rule_keys: tuple[str, ...] = ()
    personal_fields: tuple[str, ...] = field(default=())
    """``table.column`` names holding personal data."""
    audit_actions: tuple[str, ...] = ()
    """Audit actions this plugin records, each prefixed with its name (``name.action``)."""


@dataclass(frozen=True)
class ConsolePage:
    """控制台页面 A page of the web console (``/console/``), returned by ``linli_console_pages``.

    The page is an ES module shipped inside the plugin package, under its ``console/`` folder,
    served by core at ``/console/plugins/<plugin>/<module>`` (with every other file of that
    folder: the page's ``.graphql`` documents, images, styles). The shell lists it only where
    the plugin is enabled for the acting node and the caller holds ``permission`` there."""

    route: str
    """Where the page lives under ``/console/``: lowercase words joined by ``-`` and ``/``,
    starting with the plugin's name written with dashes (``building-heads/visits``)."""
    title_zh: str
    title_en: str
    module: str
    """The page's ES module, relative to the plugin package's ``console/`` folder
    (``visits.js``); its default export is a Vue component (see plugins/README.md)."""
    permission: str | None = None
    """The permission the caller needs at the acting node (any grant carrying it); ``None``:
    any member of the node. Ignored for a public page."""
    icon: str = "Document"
    """An Element Plus icon name (``@element-plus/icons-vue``: ``House``, ``Calendar`` …)."""
    order: int = 100
    """Position in the navigation (smaller first; ties by title)."""
    public: bool = False
    """A page for residents without login, at ``/console/public/<node code>/<route>``; it may
    send only queries and subscriptions that answer anonymous callers (public boards)."""
