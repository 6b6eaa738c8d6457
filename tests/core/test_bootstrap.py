"""``linli bootstrap``: the first tenant and its administrator from nothing, idempotently (the
second run changes nothing and needs no password), refusing a node that exists elsewhere."""

from __future__ import annotations

import sqlite3
from typing import Any

from click.testing import CliRunner

from core.cli import main
from core.settings import reset_settings

ARGS = ["bootstrap", "--city", "371500000000:聊城市", "--district", "371502000000:东昌府区",
        "--tenant", "371502001000:古楼街道", "--admin", "gulou-admin", "--admin-name", "古楼管理员"]


def test_bootstrap_from_nothing_then_again(tmp_path: Any, monkeypatch: Any, linli_env: Any
                                           ) -> None:
    path = tmp_path / "fresh.sqlite3"
    monkeypatch.setenv("LINLI_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("LINLI_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LINLI_PASSWORD_MEMORY_KIB", "64")
    monkeypatch.setenv("LINLI_PASSWORD_TIME_COST", "1")
    reset_settings()
    bound = {t: t._meta._db for t in linli_env.state.db.tables}
    try:
        first = CliRunner().invoke(main, [*ARGS, "--password-stdin"],
                                   input="a-long-admin-passphrase-2026\n")
        assert first.exit_code == 0, first.output
        assert "created 5, 0 already present" in first.output, first.output
        again = CliRunner().invoke(main, ARGS)  # no password: the account exists
        assert again.exit_code == 0, again.output
        assert "already bootstrapped: nothing changed (5 present)" in again.output
        assert "password unchanged" in again.output
        moved = CliRunner().invoke(main, ["bootstrap", "--city", "371500000000:聊城市",
                                          "--tenant", "371502001000:古楼街道",
                                          "--admin", "gulou-admin"])
        assert moved.exit_code != 0 and "371502001000" in moved.output, moved.output
        missing = CliRunner().invoke(main, ["bootstrap", "--city", "371500000000:聊城市",
                                            "--district", "371502000000:东昌府区",
                                            "--tenant", "371502001000:古楼街道",
                                            "--admin", "someone-else"])
        assert missing.exit_code != 0 and "--password-stdin" in missing.output
    finally:
        for table, db in bound.items():
            table._meta.db = db
        reset_settings()
    with sqlite3.connect(path) as conn:
        nodes = conn.execute("SELECT kind, code FROM linli_node ORDER BY code").fetchall()
        roles = conn.execute("SELECT role FROM linli_membership").fetchall()
    assert nodes == [("city", "371500000000"), ("district", "371502000000"),
                     ("street", "371502001000")]
    assert roles == [("tenant_admin",)]
