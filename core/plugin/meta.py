"""Declarations a plugin returns from its hooks (``PluginMeta``, ``Permission``, ``RoleDecl``,
``NodeType``) and the ``hookimpl`` marker. They live in :mod:`core.declarations` so core's own
modules (registry, hookspecs, roles) can use them without importing the whole plugin API."""

from core.declarations import (
    PROJECT,
    ConsolePage,
    NodeLoader,
    NodeType,
    Permission,
    PluginMeta,
    RoleDecl,
    hookimpl,
)

__all__ = ["PROJECT", "ConsolePage", "NodeLoader", "NodeType", "Permission", "PluginMeta", "RoleDecl",
           "hookimpl"]
