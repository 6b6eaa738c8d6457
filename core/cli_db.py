"""The database a CLI command works on: the configured one, with every table bound."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import click

from core.db import Database, set_db
from core.dbsetup import StaleDatabase, ensure_sqlite_schema
from core.registry import get_registry
from core.settings import get_settings, sqlite_path
from core.tables import all_tables

__all__ = ["cli_database"]


@asynccontextmanager
async def cli_database(*, create: bool = False) -> AsyncIterator[Database]:
    """Open the configured database with every table (as ``core.app.build_state`` binds them);
    on SQLite check the embedded schema (a stale file is a clear CLI error). A missing SQLite
    file is an error naming where it was looked for, unless ``create`` (commands that start a
    database: ``migrate``, ``demo``) — a command never works on a new, empty database by
    mistake."""

    settings = get_settings()
    path = sqlite_path(settings.database_url)
    if path is not None and not create and not path.exists():
        raise click.ClickException(
            f"找不到数据库 {path}（LINLI_VAR_DIR={settings.var_dir}）；新部署请先运行 linli migrate"
            f"（或 linli demo）/ no database at {path} (LINLI_VAR_DIR={settings.var_dir}, "
            "LINLI_DATABASE_URL): set them to the existing one, or run `linli migrate` "
            "(or `linli demo`) to start a new one")
    db = Database(settings.database_url)
    db.add_tables(all_tables(get_registry()))
    previous = set_db(db)
    await db.start()
    try:
        if settings.is_sqlite:
            try:
                await ensure_sqlite_schema(db, db.tables)
            except StaleDatabase as exc:
                raise click.ClickException(str(exc)) from exc
        yield db
    finally:
        await db.stop()
        set_db(previous)
