"""``linli migrate``: bring a database up to the code's schema.

PostgreSQL (the engine for lasting deployments) gets real piccolo migrations, run as the owner
(``LINLI_MIGRATE_DATABASE_URL``, falling back to ``LINLI_DATABASE_URL``):

1. forwards for core's apps (tenants → identity → people → core) and then every plugin's app, in
   ``migration_dependencies`` order (piccolo records what ran in its ``migration`` table);
2. the composite unique indexes declared by ``unique_together`` (``CREATE … IF NOT EXISTS``);
3. row-level security on every scoped table (``tenants.rls``: ENABLE + FORCE and the policies);
4. privileges for the application role (``--app-role``, ``LINLI_APP_ROLE``, else the user of
   ``LINLI_DATABASE_URL``): read/write on the tables, sequences' use, none on piccolo's own ``migration`` table.

Every step is idempotent, so running it again is harmless. The roles and the database themselves
come from ``deploy/postgres/roles.sql`` (run once by a superuser).

The embedded SQLite database is not migrated: piccolo cannot alter SQLite tables. ``linli
migrate`` (like ``linli serve``) creates a new file from the table classes and stamps it with a
fingerprint of the schema (``core.dbsetup.ensure_sqlite_schema``); a file made by another schema
version is refused with a clear message. To upgrade an embedded database: export the data with
the old version (``linli export residents``), move the file away, run ``linli migrate`` with the
new version to create a fresh file, then import (``linli import residents``).

New migrations are written by ``linli make-migration APP`` (piccolo's ``--auto`` against the
table classes) and committed; ``tests/core/isolation/test_migrations.py`` fails when a table
class has changed without one.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import click

from core import piccolo_conf
from core.db import Database
from core.dbsetup import StaleDatabase, ensure_sqlite_schema, unique_index_sql
from core.piccolo_conf import owner_engine
from core.registry import get_registry
from core.settings import get_settings
from core.tables import all_tables
from tenants.rls import apply_rls

__all__ = ["MigrateError", "MigrateSummary", "grant_app_role", "make_migration", "migrate", "pending_changes",
           "register"]

PICCOLO_CONF = "core.piccolo_conf"


class MigrateError(RuntimeError):
    """The database could not be brought up to date."""


def _say(message: str) -> None:
    click.echo(message)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _use_conf(engine: Any, registry: Any) -> Any:
    """Point piccolo's finder at ``core.piccolo_conf`` configured with ``engine``."""
    os.environ["PICCOLO_CONF"] = PICCOLO_CONF
    from piccolo.apps.migrations.tables import Migration


    piccolo_conf.configure(engine, registry)
    Migration._meta.db = engine
    return piccolo_conf


def _app_configs() -> list[Any]:
    from piccolo.conf.apps import Finder

    return list(Finder().get_app_configs(sort_by_migration_dependencies=True))


def _migration_files(app: Any) -> list[str]:
    folder = app.resolved_migrations_folder_path
    if not os.path.isdir(folder):
        return []
    return [f for f in os.listdir(folder) if f.endswith(".py") and f != "__init__.py"]


async def _applied_names(app_name: str) -> set[str]:
    from piccolo.apps.migrations.tables import Migration

    rows = await Migration.select(Migration.name).where(Migration.app_name == app_name)
    return {str(r["name"]) for r in rows}


async def _forwards(app: Any) -> list[str]:
    """Run ``app``'s pending migrations; the names of those that ran (piccolo's own progress
    lines are swallowed: the summary says what happened)."""
    from piccolo.apps.migrations.commands.forwards import ForwardsMigrationManager

    if not _migration_files(app):
        if app.table_classes:
            raise MigrateError(
                f"应用 {app.app_name} 有数据表但没有迁移；请运行 `linli make-migration "
                f"{app.app_name}` / app {app.app_name!r} has tables but no migrations: run "
                f"`linli make-migration {app.app_name}` and commit the file")
        _say(f"  {app.app_name}: 无数据表 / no tables")
        return []
    before = await _applied_names(app.app_name)
    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        result = await ForwardsMigrationManager(app_name=app.app_name).run()
    if not result.success:
        raise MigrateError(f"{app.app_name}: {result.message}\n{chatter.getvalue()}")
    ran = sorted((await _applied_names(app.app_name)) - before)
    if ran:
        _say(f"  {app.app_name}: 已应用 {len(ran)} 个迁移 / applied {len(ran)}: "
             f"{', '.join(ran)}")
    else:
        _say(f"  {app.app_name}: 已是最新（{len(before)} 个早已应用）/ up to date "
             f"({len(before)} applied before)")
    return ran


@dataclass(frozen=True)
class MigrateSummary:
    """What one ``linli migrate`` did on PostgreSQL."""

    applied: dict[str, list[str]]
    """App → migrations applied by this run."""
    applied_before: int
    """Migrations recorded before this run (0: a fresh database)."""
    secured_tables: int
    app_role: str | None

    @property
    def applied_count(self) -> int:
        return sum(len(v) for v in self.applied.values())

    def line(self) -> str:
        apps = sum(1 for v in self.applied.values() if v)
        if self.applied_before == 0:
            state = (f"全新数据库：已应用 {self.applied_count} 个迁移（{apps} 个应用）/ fresh "
                     f"database: applied {self.applied_count} migrations in {apps} apps")
        elif self.applied_count:
            state = (f"已升级：新应用 {self.applied_count} 个迁移 / upgraded: applied "
                     f"{self.applied_count} new migrations in {apps} apps "
                     f"({self.applied_before} applied before)")
        else:
            state = (f"已是最新，未应用任何迁移 / already up to date: nothing applied "
                     f"({self.applied_before} migrations applied before)")
        grants = (f"privileges granted to {self.app_role}" if self.app_role
                  else "no application role given")
        return (f"摘要 / summary: {state}; row-level security on {self.secured_tables} scoped "
                f"tables; {grants}")


async def grant_app_role(conn: Any, app_role: str, tables: Sequence[Any]) -> None:
    """Give the application role what it needs on ``tables`` and nothing on piccolo's table."""
    role = _quote(app_role)
    await conn.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
    for table in tables:
        await conn.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON {_quote(table._meta.tablename)} TO {role}")
    await conn.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    await conn.execute(f"REVOKE ALL ON TABLE migration FROM {role}")


async def finish_tables(conn: Any, tables: Sequence[Any], app_role: str | None) -> int:
    """Unique indexes, row-level security and grants for ``tables`` (as their owner)."""

    for table in tables:
        for sql in unique_index_sql(table):
            await conn.execute(sql)
    secured = await apply_rls(conn.execute, tables)
    if app_role:
        await grant_app_role(conn, app_role, tables)
    return secured


async def migrate(owner_url: str, app_role: str | None, registry: Any) -> MigrateSummary:
    """Run every pending migration, then indexes, row-level security and grants; print and
    return a summary (fresh database, upgraded, or already up to date)."""
    import asyncpg
    from piccolo.apps.migrations.tables import Migration


    engine = owner_engine(owner_url)
    _use_conf(engine, registry)
    apps = _app_configs()
    await Migration.create_table(if_not_exists=True)
    applied_before = await Migration.count()
    _say(f"迁移 / migrating {len(apps)} apps: {', '.join(a.app_name for a in apps)}")
    applied: dict[str, list[str]] = {}
    for app in apps:
        applied[app.app_name] = await _forwards(app)
    tables = [t for app in apps for t in app.table_classes]
    conn = await asyncpg.connect(owner_url)
    try:
        async with conn.transaction():
            secured = await finish_tables(conn, tables, app_role)
    finally:
        await conn.close()
    summary = MigrateSummary(applied=applied, applied_before=applied_before,
                             secured_tables=secured, app_role=app_role)
    _say(summary.line())
    return summary


async def pending_changes(app_name: str, registry: Any = None) -> list[str]:
    """Statements a new auto migration of ``app_name`` would contain (empty when current)."""
    from piccolo.apps.migrations.commands.new import AutoMigrationManager
    from piccolo.conf.apps import Finder


    os.environ["PICCOLO_CONF"] = PICCOLO_CONF
    if registry is not None:
        piccolo_conf.configure(piccolo_conf.DB, registry)  # type: ignore[arg-type]
    app = Finder().get_app_config(app_name)
    found = await AutoMigrationManager(auto_input="y").get_alter_statements(app_config=app)
    return [s for a in found for s in a.statements]


async def make_migration(app_name: str, description: str = "") -> None:
    """Write a new auto migration for ``app_name`` (piccolo ``migrations new --auto``)."""
    os.environ["PICCOLO_CONF"] = PICCOLO_CONF
    from piccolo.apps.migrations.commands.new import new

    await new(app_name=app_name, auto=True, desc=description, auto_input="y")


def resolve_app_role(explicit: str | None, database_url: str, owner_url: str) -> str | None:
    """``--app-role``, else ``LINLI_APP_ROLE``, else the user of the application's URL."""
    role = explicit or os.environ.get("LINLI_APP_ROLE")
    if not role and database_url.startswith(("postgres://", "postgresql://")):
        role = urlparse(database_url).username
    owner = urlparse(owner_url).username
    if role and role == owner:
        _say("警告：应用与迁移使用同一角色，不授予权限 / warning: the application role is the "
             "owner; it should be a separate role without BYPASSRLS (deploy/postgres/roles.sql)")
        return None
    return role or None


async def _migrate_sqlite(url: str, registry: Any) -> None:

    db = Database(url, all_tables(registry))
    await db.start()
    try:
        outcome = await ensure_sqlite_schema(db, db.tables)
    except StaleDatabase as exc:
        raise MigrateError(str(exc)) from exc
    finally:
        await db.stop()
    if outcome == "created":
        _say(f"嵌入式 SQLite 数据库已创建 / embedded SQLite database created: {url} "
             f"({len(db.tables)} tables)")
    elif outcome == "extended":
        _say(f"嵌入式 SQLite 数据库已补建新表 / embedded SQLite database: new tables created in "
             f"place: {url}")
    else:
        _say(f"嵌入式 SQLite 数据库结构已是最新 / embedded SQLite schema is current: {url}")


def register(group: click.Group) -> None:
    @group.command("migrate", help="迁移数据库 / apply migrations, row-level security and grants")
    @click.option("--app-role", default=None,
                  help="应用角色 / the application role to grant (default LINLI_APP_ROLE, else "
                       "the user of LINLI_DATABASE_URL)")
    def migrate_cmd(app_role: str | None) -> None:

        settings = get_settings()
        url = settings.effective_migrate_url
        try:
            if url.startswith("sqlite"):
                asyncio.run(_migrate_sqlite(url, get_registry()))
                return
            role = resolve_app_role(app_role, settings.database_url, url)
            _say(f"迁移 PostgreSQL / migrating PostgreSQL at {url.split('@')[-1]}")
            asyncio.run(migrate(url, role, get_registry()))
        except MigrateError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        _say("完成 / done")

    @group.command("make-migration",
                   help="为应用生成迁移 / write a new auto migration for a piccolo app")
    @click.argument("app_name")
    @click.option("--desc", default="", help="说明 / description")
    def make_migration_cmd(app_name: str, desc: str) -> None:
        asyncio.run(make_migration(app_name, desc))
