"""Audit test helpers: writing entries for a tenant, and tampering with rows behind the app's
back (as the owner on PostgreSQL, directly on SQLite)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from core.audit import service as audit


@pytest.fixture
def write_entries(linli_env: Any, factory: Any) -> Callable[..., Awaitable[None]]:
    async def write(node: Any, count: int, action: str = "people.update_resident") -> None:
        async with linli_env.state.db.scoped(factory.scope(node), write=True):
            for i in range(count):
                await audit.record(action, account_id=None, object_type="resident",
                                   object_id=i, summary={"n": i, "名": "张三"})
    return write


@pytest.fixture
def tamper(linli_env: Any) -> Callable[..., Awaitable[None]]:
    """Run raw SQL (``$1``-style on PostgreSQL, ``?`` on SQLite) outside the application."""

    async def run(node_id: int, sql: str, *args: Any) -> None:
        if linli_env.engine == "postgres":
            import asyncpg

            conn = await asyncpg.connect(linli_env.owner_url)
            try:
                async with conn.transaction():
                    await conn.execute(
                        "SELECT set_config('linli.read_nodes', $1, true),"
                        " set_config('linli.write_node', $1, true)", str(node_id))
                    await conn.execute(sql.replace("?", "${}").format(
                        *range(1, len(args) + 1)) if args else sql, *args)
            finally:
                await conn.close()
        else:
            import sqlite3

            path = linli_env.settings.database_url.split("sqlite:///", 1)[1]
            conn = sqlite3.connect(path, timeout=30)
            try:
                with conn:
                    conn.execute(sql, args)
            finally:
                conn.close()
    return run
