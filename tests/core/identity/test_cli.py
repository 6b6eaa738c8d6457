"""``linli account create|grant`` and ``linli apikey create|revoke`` on a temporary SQLite file."""

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from argon2 import Type, extract_parameters
from click.testing import CliRunner

import core.db
import core.registry
from core.identity.cli import register
from core.registry import Registry
from core.settings import reset_settings
from core.tables import all_tables
from tenants.cli import register as register_tenants


async def _new_database() -> None:
    from core.cli_db import cli_database

    async with cli_database(create=True):
        pass


@pytest.fixture
def linli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Run the commands on a fresh SQLite file; restore table bindings afterwards."""
    monkeypatch.setenv("LINLI_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    monkeypatch.setenv("LINLI_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LINLI_PASSWORD_MEMORY_KIB", "64")
    monkeypatch.setenv("LINLI_PASSWORD_TIME_COST", "1")
    reset_settings()
    registry = Registry()
    saved_registry, saved_db = core.registry._registry, core.db._db
    bound = {t: t._meta._db for t in all_tables(registry)}
    core.registry.set_registry(registry)

    @click.group()
    def main() -> None:
        pass

    register(main)
    register_tenants(main)
    runner = CliRunner()
    asyncio.run(_new_database())  # as `linli migrate` would: commands refuse a missing file

    def run(*args: str, input: str | None = None) -> Any:
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    run.db = tmp_path / "cli.sqlite3"  # type: ignore[attr-defined]
    try:
        yield run
    finally:
        for table, db in bound.items():
            table._meta._db = db
        core.registry.set_registry(saved_registry)
        core.db.set_db(saved_db)
        reset_settings()


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def _tree(linli: Any) -> None:
    for args in (("--kind", "city", "--code", "371500000000", "--name", "聊城市"),
                 ("--kind", "district", "--code", "371502000000", "--name", "东昌府区",
                  "--parent", "371500000000"),
                 ("--kind", "street", "--code", "371502001000", "--name", "新区街道",
                  "--parent", "371502000000")):
        assert linli("tenant", "create", *args).exit_code == 0


def test_account_create_and_grant(linli: Any) -> None:
    _tree(linli)
    out = linli("account", "create", "--username", "Admin1", "--phone", "138 0013 8000",
                "--password-stdin", "--node", "371502001000", "--role", "tenant_admin",
                input="a long password\n")
    assert out.exit_code == 0, out.output
    (_, username, phone_index, cipher, digest), = _rows(
        linli.db, "SELECT id, username, phone_index, phone_cipher, password_hash "
                  "FROM linli_account")
    assert username == "admin1" and phone_index and "13800138000" not in (cipher or "")
    params = extract_parameters(digest)
    assert (params.type, params.memory_cost, params.time_cost) == (Type.ID, 64, 1)
    out = linli("account", "grant", "--phone", "13800138000", "--node", "371502000000",
                "--role", "region_official")
    assert out.exit_code == 0, out.output
    roles = _rows(linli.db, "SELECT role FROM linli_membership ORDER BY id")
    assert roles == [("tenant_admin",), ("region_official",)]
    actions = _rows(linli.db, "SELECT action FROM linli_audit_entry WHERE action LIKE "
                              "'identity.%' ORDER BY id")
    assert actions == [("identity.membership_granted",)] * 2


def test_account_errors_change_nothing(linli: Any) -> None:
    _tree(linli)
    assert linli("account", "create", "--username", "x", "--password", "a long password"
                 ).exit_code != 0
    out = linli("account", "create", "--username", "worker", "--password", "a long password",
                "--node", "371502001000", "--role", "no_such_role")
    assert out.exit_code != 0 and "INVALID_ARGUMENT" in out.output
    assert _rows(linli.db, "SELECT count(*) FROM linli_account") == [(0,)]
    assert linli("account", "create", "--username", "worker", "--password", "short"
                 ).exit_code != 0
    assert linli("account", "create", "--username", "worker").exit_code != 0
    assert linli("account", "create", "--username", "worker", "--password",
                 "a long password").exit_code == 0
    dup = linli("account", "create", "--username", "WORKER", "--password", "a long password")
    assert dup.exit_code != 0 and "CONFLICT" in dup.output
    assert linli("account", "grant", "--username", "nobody", "--node", "371502001000",
                 "--role", "volunteer").exit_code != 0


def test_apikey_create_and_revoke(linli: Any) -> None:
    _tree(linli)
    out = linli("apikey", "create", "--node", "371502001000", "--permission", "tenant.read",
                "--permission", "people.read", "--name", "kiosk")
    assert out.exit_code == 0, out.output
    raw = out.output.strip().splitlines()[-1]
    assert raw.startswith("lk_")
    (key_id, key_hash, perms, revoked), = _rows(
        linli.db, "SELECT id, key_hash, permissions, revoked_at FROM linli_api_key")
    assert raw.split("_", 2)[2] != key_hash and perms == "people.read,tenant.read"
    assert revoked is None
    assert linli("apikey", "revoke", str(key_id)).exit_code == 0
    assert _rows(linli.db, "SELECT revoked_at IS NOT NULL FROM linli_api_key") == [(1,)]
    bad = linli("apikey", "create", "--node", "371502001000", "--permission", "nope")
    assert bad.exit_code != 0 and "INVALID_ARGUMENT" in bad.output
    assert _rows(linli.db, "SELECT count(*) FROM linli_api_key") == [(1,)]


def test_unknown_role_lists_the_valid_ones(linli: Any) -> None:
    _tree(linli)
    out = linli("account", "create", "--username", "worker", "--password", "a long password",
                "--node", "371502001000", "--role", "tenant_admn")
    assert out.exit_code != 0 and "valid roles:" in out.output
    assert "tenant_admin" in out.output and "grid_worker" in out.output


def test_missing_secret_key_in_production_is_one_clear_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update(LINLI_ENV="production", LINLI_VAR_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", "from core.cli import main; main()", "tenant",
                          "list"], env=env,
                         capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False)
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    assert out.stderr.strip().splitlines() == [
        "Error: LINLI_SECRET_KEY 必须在生产环境中设置 / must be set in production"]
