"""The database a CLI command works on: the configured one, with every table bound."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import click

from core.db import Database, set_db

__all__ = ["cli_database"]


@asynccontextmanager
async def cli_database() -> AsyncIterator[Database]:
    """Open the configured database with every table (as ``core.app.build_state`` binds them);
    on SQLite create or check the embedded schema (a stale file is a clear CLI error)."""
    from core.dbsetup import StaleDatabase, ensure_sqlite_schema
    from core.registry import get_registry
    from core.settings import get_settings
    from core.tables import all_tables

    settings = get_settings()
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
