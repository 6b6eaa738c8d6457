# mypy: disable-error-code="empty-body"
"""The plugin contract: every hook Linli calls, typed and documented.

All hooks are prefixed ``linli_``. Hook results are sorted by plugin name by the registry, so
the order never depends on registration order. Implement them with ``core.plugin.hookimpl``.
Each hook is documented with an example in ``plugins/README.md`` (a test enforces it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

from core.declarations import PROJECT

if TYPE_CHECKING:
    import click
    from litestar.types import ControllerRouterHandler
    from piccolo.conf.apps import AppConfig
    from strawberry.types.field import StrawberryField

    from core.declarations import ConsolePage, NodeType, Permission, PluginMeta, RoleDecl
    from core.jobs.specs import CronSpec, JobSpec

hookspec = pluggy.HookspecMarker(PROJECT)

# ---------------------------------------------------------------------------
# Registration time: called once when the registry loads; results are cached.
# ---------------------------------------------------------------------------


@hookspec(firstresult=True)
def linli_plugin_meta() -> PluginMeta:
    """Return this plugin's :class:`PluginMeta` (name, titles, version, roles, permissions,
    events, rule keys, personal fields). Required of every plugin."""


@hookspec
def linli_tables() -> AppConfig:
    """Return the plugin's piccolo ``AppConfig`` (its tables and migrations). Tenant-owned
    tables must subclass ``core.db.ScopedTable``; they are then scoped and isolation-tested."""


@hookspec
def linli_permissions() -> Sequence[Permission | RoleDecl]:
    """Return extra permissions and roles beyond those in the meta (usually empty)."""


@hookspec
def linli_graphql_types() -> Sequence[type]:
    """Return strawberry types the schema must know even if no field returns them directly.
    Names must carry the plugin's prefix (``CanteenMeal``)."""


@hookspec
def linli_query_fields() -> Sequence[StrawberryField]:
    """Return ``strawberry.field`` objects to add to ``Query``. They answer ``PLUGIN_DISABLED``
    for a tenant where the plugin is off. A name claimed twice fails naming both owners."""


@hookspec
def linli_mutation_fields() -> Sequence[StrawberryField]:
    """Return ``strawberry.mutation`` objects to add to ``Mutation`` (one input, union result)."""


@hookspec
def linli_subscription_fields() -> Sequence[StrawberryField]:
    """Return ``strawberry.subscription`` objects to add to ``Subscription``."""


@hookspec
def linli_node_types() -> Sequence[NodeType]:
    """Return a ``core.plugin.NodeType(type_name, loader)`` for each Relay node type of the
    plugin, so ``node(id:)`` can load it. A type name claimed twice (by core or another plugin)
    fails at schema build naming both owners; for a tenant where the plugin is off
    ``node(id:)`` answers ``PLUGIN_DISABLED`` without calling the loader."""


@hookspec
def linli_routes() -> Sequence[ControllerRouterHandler]:
    """Return extra Litestar route handlers (exports, webhooks). Mounted under ``/p/<plugin>``."""


@hookspec
def linli_console_pages() -> Sequence[ConsolePage]:
    """Return the plugin's pages of the web console (``core.plugin.ConsolePage``: route, zh/en
    title, ES module under the package's ``console/`` folder, permission, icon). The shell shows
    them only where the plugin is enabled for the acting node and the caller holds the
    permission; a public page needs no login. Checked when the app starts (a missing module, a
    route outside the plugin's prefix or claimed twice fails naming the plugin)."""


@hookspec
def linli_jobs() -> Sequence[JobSpec | Callable[..., Awaitable[Any]]]:
    """Return the plugin's jobs: ``core.jobs.service.JobSpec`` objects or bare functions
    ``async def job(ctx, tenant_id: int, **kwargs)``, registered as ``<plugin>.<name>``. They run
    on arq workers (in-process without Redis) inside a write scope for ``tenant_id``, and are
    refused for a tenant where the plugin is disabled. ``ctx["state"]`` is the app state."""


@hookspec
def linli_cron_jobs() -> Sequence[CronSpec]:
    """Return ``core.jobs.service.CronSpec`` entries: a function ``async def work(ctx, tenant_id)`` on
    a schedule in Asia/Shanghai, run for every tenant with the plugin enabled; ``once_per``
    (day/month/year) makes the work happen once per period even if two workers fire it."""


@hookspec
def linli_rules() -> Sequence[Any]:
    """Return rule keys the plugin owns, each with type, default, validation and zh/en text."""


@hookspec
def linli_event_types() -> Sequence[Any]:
    """Return the payload types of the events this plugin emits (names prefixed with the
    plugin's name)."""


@hookspec
def linli_notification_channels() -> Sequence[Any]:
    """Return delivery channels (SMS, WeChat, …) for in-app notifications."""


@hookspec
def linli_cli_commands() -> Sequence[click.Command]:
    """Return ``click`` commands (or groups) of the plugin, mounted under ``linli <plugin> …``
    (the plugin's name with ``-`` for ``_``: ``linli blood-drive import-results``). Loaded
    only when that group is asked for; run the work with ``core.plugin.cli_run`` (the
    configured database, core's error line and exit code). A command name claimed twice
    within one plugin fails naming it."""


# ---------------------------------------------------------------------------
# Run time: called only for plugins enabled for the tenant concerned.
# ---------------------------------------------------------------------------


@hookspec
async def linli_tenant_enabled(tenant_id: int) -> None:
    """The plugin was just enabled for ``tenant_id`` (directly, through a region above it, or
    because the tenant was created or moved under such a region); seed default rows,
    idempotently. Runs after the change is committed, inside a write scope for that tenant."""


@hookspec
async def linli_on_event(event: Any) -> None:
    """React to a domain event of a type the plugin consumes. Must be idempotent."""


@hookspec
async def linli_personal_data(resident_id: int, action: str) -> Mapping[str, Any] | None:
    """One person's data held by the plugin, for ``linli person export|erase`` and the
    ``exportPersonalData``/``erasePersonalData`` mutations (PIPL). Runs inside a scope for the
    resident's tenant; for ``erase`` a write scope, in one transaction with core and every other
    plugin, so raising undoes the whole erasure.

    ``export``: return ``{section: [record, …]}``, each record a dict of JSON-able values
    (``date``/``datetime`` become ISO text); the .xlsx export has one sheet per plugin and one
    table per section.

    ``erase``: delete what may be deleted and pseudonymise what must be kept by law (ledgers,
    meals already settled, appointments that are public record): keep such a row and its
    resident id (core leaves a tombstone with no name, ID number or phone behind that id),
    blank its free-text and personal fields, and end what would let the person act (a serving
    role). Return ``{kind: count}`` of what was done; a second erase changes nothing and returns
    zeros. Called before core erases its own part, so the resident row is still readable.

    Return ``None`` when the plugin holds nothing about the person."""


@hookspec
async def linli_responsible_accounts(resident_id: int, tenant_id: int) -> Sequence[int]:
    """The accounts responsible for a resident who has no account of their own (a building
    head for the residents of their building), to be notified on the resident's behalf. Runs
    inside a scope for ``tenant_id``. Return ``[]`` when the plugin knows no one; the answers of
    every enabled plugin are combined, and only when all are empty does core fall back to the
    grid workers, then community staff, then tenant administrators."""


@hookspec
async def linli_demo_data(tenant_id: int) -> None:
    """Seed demo rows for a demo tenant (called by ``make run``/``linli demo``)."""
