"""The committed piccolo migrations match the table classes, and ``linli migrate`` is
idempotent (a second run changes nothing and still passes)."""

from __future__ import annotations

import pytest

from core.migrate import pending_changes
from core.piccolo_conf import CORE_APPS
from tenants.rls import rls_statements


@pytest.mark.parametrize("app", ["tenants", "identity", "people", "core"])
async def test_no_table_change_lacks_a_migration(app):
    assert len(CORE_APPS) == 4
    pending = await pending_changes(app)
    assert pending == [], (f"tables of {app!r} changed without a migration: run "
                           f"`linli make-migration {app}` and commit it:\n" + "\n".join(pending))


def test_policies_deny_an_unset_scope():
    sql = " ".join(rls_statements("t", shared_downward=True))
    assert sql.count("NULLIF(current_setting(") == 6
    assert "FORCE ROW LEVEL SECURITY" in sql and "linli.shared_nodes" in sql
    assert "linli.shared_nodes" not in " ".join(rls_statements("t"))


@pytest.mark.postgres_only
async def test_migrate_twice_is_harmless(linli_env):
    from core.migrate import migrate

    await migrate(linli_env.owner_url, linli_env.pg.app_role, linli_env.state.registry)


@pytest.mark.postgres_only
async def test_migrate_prints_an_unambiguous_summary(linli_env, capsys):
    """A fresh database says so and counts what ran; a second run says nothing was applied
    (piccolo's own progress lines, "already complete" next to "running", are not shown)."""
    from core.migrate import migrate
    from core.testing.pg import PostgresTestDatabase

    registry = linli_env.state.registry
    capsys.readouterr()
    pg = await PostgresTestDatabase.create(registry)
    try:
        fresh = capsys.readouterr().out
        again = await migrate(pg.owner_url, pg.app_role, registry)
        second = capsys.readouterr().out
    finally:
        await pg.drop()
        await migrate(linli_env.owner_url, linli_env.pg.app_role, registry)  # piccolo's conf back
    summary = [line for line in fresh.splitlines() if line.startswith("摘要 / summary:")]
    assert len(summary) == 1 and "fresh database: applied" in summary[0], fresh
    assert "migration already complete" not in fresh.lower() and "🚀" not in fresh
    assert again.applied_before > 0 and again.applied_count == 0
    assert "already up to date: nothing applied" in second


def test_linli_migrate_on_sqlite_creates_then_refuses_a_stale_file(tmp_path, monkeypatch,
                                                                    linli_env):
    import sqlite3

    import click
    from click.testing import CliRunner

    from core.migrate import register
    from core.settings import reset_settings

    @click.group()
    def main() -> None:
        pass

    register(main)
    path = tmp_path / "embedded.sqlite3"
    monkeypatch.setenv("LINLI_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("LINLI_VAR_DIR", str(tmp_path))
    reset_settings()
    bound = {t: t._meta._db for t in linli_env.state.db.tables}
    try:
        first = CliRunner().invoke(main, ["migrate"])
        assert first.exit_code == 0 and "created" in first.output, first.output
        again = CliRunner().invoke(main, ["migrate"])
        assert again.exit_code == 0 and "current" in again.output, again.output
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE linli_schema_meta SET value = 'old' WHERE key = 'fingerprint'")
        stale = CliRunner().invoke(main, ["migrate"])
        assert stale.exit_code == 1 and "export" in stale.output, stale.output
    finally:
        for table, db in bound.items():
            table._meta.db = db
        reset_settings()
