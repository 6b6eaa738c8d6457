"""The plugin API: the one surface plugin code imports from core (see ``plugins/README.md``)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from core.plugin.meta import (
    PROJECT,
    NodeLoader,
    NodeType,
    Permission,
    PluginMeta,
    RoleDecl,
    hookimpl,
)

if TYPE_CHECKING:
    from core.audit.service import record
    from core.db import ScopedTable
    from core.events.service import emit
    from core.events.types import EventType
    from core.jobs.service import CronSpec, JobSpec
    from core.rules.service import RuleKey
    from core.schema.errors import ApiError, UserError, user_error
    from tenants.service import get_node

__all__ = ["PROJECT", "ApiError", "CronSpec", "EventType", "JobSpec", "NodeLoader", "NodeType",
           "Permission", "PluginMeta", "RoleDecl", "RuleKey", "ScopedTable", "UserError", "emit", "get_node", "hookimpl",
           "record", "user_error"]

# Core's own modules import core.plugin.meta (and so this package) while they load; re-exports
# of those modules are therefore resolved on first use (PEP 562) instead of at import time.
_LAZY = {
    "ApiError": "core.schema.errors", "CronSpec": "core.jobs.service",
    "EventType": "core.events.types", "JobSpec": "core.jobs.service",
    "RuleKey": "core.rules.service", "ScopedTable": "core.db", "UserError": "core.schema.errors",
    "emit": "core.events.service", "record": "core.audit.service",
    "user_error": "core.schema.errors", "get_node": "tenants.service",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'core.plugin' has no attribute {name!r}")
