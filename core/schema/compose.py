"""Builds the one strawberry schema from core's contributions and every plugin's, strictly:
a field or type name claimed twice is an error naming both owners."""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable
from types import ModuleType
from typing import Any

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import create_type
from strawberry.types.execution import PreExecutionError
from strawberry.types.field import StrawberryField
from strawberry.utils.str_converters import to_camel_case

from core.audit import schema as audit_schema
from core.console import schema as console_schema
from core.identity import schema as identity_schema
from core.notify import schema as notify_schema
from core.people import schema as people_schema
from core.privacy import schema as privacy_schema
from core.rules import schema as rules_schema
from core.schema import base
from core.schema.combined import CombinedSchema
from core.schema.errors import ApiError, ErrorCode
from core.schema.execution import FastExecutionContext, LinliExecutionContext
from core.schema.limits import (
    SURROGATE_EN,
    SURROGATE_ZH,
    bad_input_error,
    bad_variable,
    has_surrogate,
    is_bad_variable,
    nul_error,
    schema_extensions,
    shape_errors,
    variable_with_nul,
)
from core.schema.relay import NodeConflict, NodeTable
from graphql import GraphQLError
from tenants import schema as tenants_schema

__all__ = ["CORE_CONTRIBUTORS", "SchemaConflict", "build_schema"]

log = logging.getLogger("linli.graphql")

# Core modules that contribute GraphQL; each may define types(), query_fields(),
# mutation_fields(), subscription_fields() and node_types() (``core.plugin.NodeType``s).
CORE_CONTRIBUTORS: tuple[ModuleType, ...] = (
    base, identity_schema, people_schema, tenants_schema, rules_schema, audit_schema,
    notify_schema, privacy_schema, console_schema,
)


class SchemaConflict(RuntimeError):
    """Two contributors claimed the same GraphQL name."""


class PluginGate(FieldExtension):
    """A plugin's field answers ``PLUGIN_DISABLED`` where the plugin is off."""

    def __init__(self, plugin: str) -> None:
        super().__init__()
        self.plugin = plugin

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        raise ApiError(ErrorCode.INTERNAL, "插件字段必须是异步的",
                       f"fields of plugin {self.plugin} must be async")

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        ctx = info.context
        if ctx.principal is None and ctx.auth_error is None and not ctx.node_code:
            # no caller and no node: no tenant's data is reachable, and the resolver knows best
            # what is missing (a protected field: a login; a public board: X-Linli-Node)
            return await next_(source, info, **kwargs)
        if self.plugin not in await ctx.enabled_plugins():
            raise ApiError(ErrorCode.PLUGIN_DISABLED, f"插件 {self.plugin} 未对本单位启用",
                           f"plugin {self.plugin} is not enabled for this tenant")
        return await next_(source, info, **kwargs)


def _field_name(field: StrawberryField) -> str:
    return field.graphql_name or to_camel_case(field.python_name)


def _contributions(registry: Any) -> dict[str, list[tuple[str, Any]]]:
    out: dict[str, list[tuple[str, Any]]] = {"types": [], "query": [], "mutation": [],
                                             "subscription": [], "nodes": []}
    for module in CORE_CONTRIBUTORS:
        for key, fn in (("types", "types"), ("query", "query_fields"),
                        ("mutation", "mutation_fields"), ("subscription", "subscription_fields"),
                        ("nodes", "node_types")):
            if hasattr(module, fn):
                out[key] += [("core", item) for item in getattr(module, fn)()]
    if registry is not None:
        out["types"] += registry.graphql_types()
        out["nodes"] += registry.node_types()
        for key, items in (("query", registry.query_fields()),
                           ("mutation", registry.mutation_fields()),
                           ("subscription", registry.subscription_fields())):
            for owner, field in items:
                if owner != "core" and key != "subscription":
                    field = copy.copy(field)
                    field.extensions = [*field.extensions, PluginGate(owner)]
                out[key].append((owner, field))
    return out


def _strict_fields(kind: str, items: Iterable[tuple[str, Any]]) -> list[StrawberryField]:
    owners: dict[str, str] = {}
    fields: list[StrawberryField] = []
    for owner, field in items:
        if not isinstance(field, StrawberryField):
            raise SchemaConflict(f"{owner} contributed a {kind} field that is not a strawberry "
                                 f"field: {field!r}")
        name = _field_name(field)
        if name in owners:
            raise SchemaConflict(f"{kind}.{name} is claimed by both {owners[name]} and {owner}")
        owners[name] = owner
        fields.append(field)
    return fields


class LinliSchema(CombinedSchema):
    """Errors raised before the extensions run (a syntax error, too many tokens) are shaped
    here too, so every error carries a code and none leaks internals."""

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        variables = kwargs.get("variable_values", args[1] if len(args) > 1 else None)
        name = variable_with_nul(variables)
        if name is not None:
            return PreExecutionError(data=None, errors=[nul_error(name)])
        # a lone surrogate (anywhere a client sends a string) or a value nested too deeply is
        # the client's INVALID_ARGUMENT, refused before anything tries to encode or recurse
        found = bad_variable(variables if isinstance(variables, dict) else None)
        query = kwargs.get("query", args[0] if args else None)
        operation = kwargs.get("operation_name")
        if found is None and any(isinstance(t, str) and has_surrogate(t)
                                 for t in (query, operation)):
            found = ("query" if isinstance(query, str) and has_surrogate(query)
                     else "operationName", SURROGATE_ZH, SURROGATE_EN)
        if found is not None:
            return PreExecutionError(data=None, errors=[bad_input_error(*found)])
        result = await super().execute(*args, **kwargs)
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = shape_errors(list(errors))
        return result

    node_table: NodeTable
    """What ``node(id:)`` can load, and which plugin (or core) owns each type."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        for error in errors:
            if not isinstance(error.original_error, ApiError) and error.original_error is not None \
                    and not is_bad_variable(error):
                log.error("graphql error: %s", error.message, exc_info=error.original_error)


def build_schema(registry: Any, *, limits: bool = True, production: bool = False,
                 caches: bool = True, fast_path: bool = True) -> strawberry.Schema:
    """The schema of core plus ``registry``'s plugins (``limits``/``caches`` off only to
    measure them; ``fast_path=False`` executes every field through graphql-core's stock path,
    to compare the two)."""
    parts = _contributions(registry)
    type_owner: dict[str, str] = {}
    types: list[Any] = []
    for owner, typ in parts["types"]:
        name = getattr(getattr(typ, "__strawberry_definition__", None), "name", typ.__name__)
        if name in type_owner:
            raise SchemaConflict(f"type {name} is claimed by both {type_owner[name]} and {owner}")
        type_owner[name] = owner
        types.append(typ)
    try:
        node_table = NodeTable(parts["nodes"])
    except NodeConflict as exc:
        raise SchemaConflict(str(exc)) from exc
    query = create_type("Query", _strict_fields("Query", parts["query"]))
    mutation_fields = _strict_fields("Mutation", parts["mutation"])
    subscription_fields = _strict_fields("Subscription", parts["subscription"])
    schema = LinliSchema(
        query=query,
        mutation=create_type("Mutation", mutation_fields) if mutation_fields else None,
        subscription=create_type("Subscription", subscription_fields)
        if subscription_fields else None,
        types=types,
        extensions=schema_extensions(limits=limits, production=production, caches=caches),
        config=StrawberryConfig(auto_camel_case=True),
        execution_context_class=FastExecutionContext if fast_path else LinliExecutionContext,
    )
    schema.node_table = node_table
    return schema
