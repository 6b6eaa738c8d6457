"""A throwaway PostgreSQL database and roles for one test run.

``PostgresTestDatabase.create(registry)`` connects as the administrator named by
``LINLI_TEST_DATABASE_URL`` (e.g. ``postgresql://postgres@127.0.0.1:5432/test``), runs
``deploy/postgres/roles.sql`` — the script deployments use — with names unique to this run
(``linli_t_<pid>_<hex>``), migrates as the owner (``core.migrate.migrate``) and hands out the
application role's URL: a role that owns nothing, is no superuser and lacks BYPASSRLS.
``drop()`` ends the connections and removes the database and both roles.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from core.migrate import finish_tables, migrate

__all__ = ["DEFAULT_TEST_DATABASE_URL", "PostgresTestDatabase", "PostgresUnavailable",
           "roles_script"]

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
ROLES_SQL = Path(__file__).resolve().parents[2] / "deploy" / "postgres" / "roles.sql"
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PostgresUnavailable(RuntimeError):
    """The test PostgreSQL server could not be reached (a failure under CI, never a skip)."""


def _with(url: str, *, user: str | None = None, database: str | None = None) -> str:
    parsed = urlparse(url)
    netloc = parsed.netloc
    if user is not None:
        host = netloc.rsplit("@", 1)[-1]
        netloc = f"{user}@{host}"
    path = f"/{database}" if database is not None else parsed.path
    return urlunparse(parsed._replace(netloc=netloc, path=path))


def roles_script(owner: str, app: str, database: str) -> tuple[list[str], list[str]]:
    """``roles.sql`` with the names filled in: (statements on the server, statements in the db).

    The file is written for ``psql -v owner=… -v app=… -v db=…``; here ``:"owner"`` and friends
    become quoted identifiers and ``\\connect`` splits the two halves.
    """
    for name in (owner, app, database):
        if not _NAME.match(name):
            raise ValueError(f"unsafe PostgreSQL name: {name!r}")
    text = ROLES_SQL.read_text(encoding="utf-8")
    for var, value in (("owner", owner), ("app", app), ("db", database)):
        text = text.replace(f':"{var}"', f'"{value}"')
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("--")]
    server: list[str] = []
    in_db: list[str] = []
    target = server
    buffer: list[str] = []
    for line in lines:
        if line.strip().startswith("\\connect"):
            target = in_db
            continue
        buffer.append(line)
        if line.rstrip().endswith(";"):
            target.append(" ".join(s.strip() for s in buffer if s.strip()).rstrip(";"))
            buffer = []
    return server, in_db


class PostgresTestDatabase:
    """One run's database (``name``), owner role and application role on the test server."""

    def __init__(self, admin_url: str, name: str) -> None:
        self.admin_url = admin_url
        self.name = name
        self.owner_role = f"{name}_owner"
        self.app_role = f"{name}_app"
        self.owner_url = _with(admin_url, user=self.owner_role, database=name)
        self.app_url = _with(admin_url, user=self.app_role, database=name)

    @classmethod
    async def create(cls, registry: Any) -> PostgresTestDatabase:
        """Create the database and roles, migrate as the owner, grant the application role."""
        admin_url = os.environ.get("LINLI_TEST_DATABASE_URL") or DEFAULT_TEST_DATABASE_URL
        pg = cls(admin_url, f"linli_t_{os.getpid()}_{secrets.token_hex(3)}")
        await pg._drop_orphans()
        await pg._setup_roles()
        try:

            await migrate(pg.owner_url, pg.app_role, registry)
        except BaseException:
            await pg.drop()
            raise
        return pg

    async def _admin(self, database: str | None = None) -> Any:
        import asyncpg

        url = self.admin_url if database is None else _with(self.admin_url, database=database)
        try:
            return await asyncpg.connect(url, timeout=10)
        except (OSError, asyncpg.PostgresError) as exc:
            where = urlparse(url).netloc.rsplit("@", 1)[-1]
            raise PostgresUnavailable(
                f"无法连接测试用 PostgreSQL / cannot reach the test PostgreSQL at {where} "
                f"(LINLI_TEST_DATABASE_URL): {type(exc).__name__}: {exc}") from exc

    async def _setup_roles(self) -> None:
        server, in_db = roles_script(self.owner_role, self.app_role, self.name)
        conn = await self._admin()
        try:
            for sql in server:
                await conn.execute(sql)
        finally:
            await conn.close()
        conn = await self._admin(self.name)
        try:
            for sql in in_db:
                await conn.execute(sql)
        finally:
            await conn.close()

    async def create_extra_tables(self, tables: Sequence[Any]) -> None:
        """Create a throwaway plugin's tables as the owner, with indexes, RLS and grants."""
        import asyncpg


        conn = await asyncpg.connect(self.owner_url)
        try:
            async with conn.transaction():
                for table in tables:
                    for ddl in table.create_table(if_not_exists=True).ddl:
                        await conn.execute(ddl)
                await finish_tables(conn, tables, self.app_role)
        finally:
            await conn.close()

    async def _drop_orphans(self) -> None:
        """Drop the databases and roles of earlier runs on this machine whose process is gone
        (a run killed by a signal never reaches :meth:`drop`)."""
        conn = await self._admin()
        try:
            rows = await conn.fetch(
                "SELECT datname FROM pg_database WHERE datname ~ '^linli_t_[0-9]+_[0-9a-f]+$'")
        finally:
            await conn.close()
        for row in rows:
            pid = int(row["datname"].split("_")[2])
            if _alive(pid):
                continue
            await PostgresTestDatabase(self.admin_url, row["datname"]).drop()

    async def drop(self) -> None:
        """End every connection to the database, then drop it and both roles."""
        conn = await self._admin()
        try:
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid()", self.name)
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            await conn.execute(f'DROP ROLE IF EXISTS "{self.app_role}"')
            await conn.execute(f'DROP ROLE IF EXISTS "{self.owner_role}"')
        finally:
            await conn.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
