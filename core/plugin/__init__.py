"""The plugin API: the one surface plugin code imports from core (see ``plugins/README.md``)."""

from core.plugin.meta import (
    PROJECT,
    NodeLoader,
    NodeType,
    Permission,
    PluginMeta,
    RoleDecl,
    hookimpl,
)

__all__ = ["PROJECT", "NodeLoader", "NodeType", "Permission", "PluginMeta", "RoleDecl",
           "hookimpl"]
