"""``linli tenant …`` and ``linli plugin …`` against a temporary SQLite file."""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

import core.db
import core.registry
from core.plugin import PluginMeta, hookimpl
from core.registry import Registry
from core.settings import reset_settings
from core.tables import all_tables
from tenants.cli import register


class Library:
    """A throwaway plugin that records where it was switched on."""

    def __init__(self) -> None:
        self.seeded: list[int] = []

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="cli_library", title_zh="图书", title_en="Library", version="1.2")

    @hookimpl
    async def linli_tenant_enabled(self, tenant_id: int) -> None:
        self.seeded.append(tenant_id)


async def _new_database() -> None:
    from core.cli_db import cli_database

    async with cli_database(create=True):
        pass


@pytest.fixture
def linli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Invoke the commands on a fresh SQLite file; restore table bindings afterwards."""
    monkeypatch.setenv("LINLI_DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    monkeypatch.setenv("LINLI_VAR_DIR", str(tmp_path))
    reset_settings()
    plugin = Library()
    registry = Registry()
    registry.register(plugin)
    saved_registry, saved_db = core.registry._registry, core.db._db
    tables = all_tables(registry)
    bound = {t: t._meta._db for t in tables}
    core.registry.set_registry(registry)

    @click.group()
    def main() -> None:
        pass

    register(main)
    runner = CliRunner()
    asyncio.run(_new_database())  # as `linli migrate` would: commands refuse a missing file

    def run(*args: str) -> Any:
        return runner.invoke(main, list(args), catch_exceptions=False)

    run.plugin = plugin  # type: ignore[attr-defined]
    try:
        yield run
    finally:
        for table, db in bound.items():
            table._meta._db = db
        core.registry.set_registry(saved_registry)
        core.db.set_db(saved_db)
        reset_settings()


def test_create_list_tree_move(linli: Any) -> None:
    assert linli("tenant", "create", "--kind", "city", "--code", "330100000000",
                 "--name", "杭州市").exit_code == 0
    for code, name in (("330106000000", "西湖区"), ("330105000000", "拱墅区")):
        out = linli("tenant", "create", "--kind", "district", "--code", code, "--name", name,
                    "--parent", "330100000000")
        assert out.exit_code == 0, out.output
    linli("tenant", "create", "--kind", "street", "--code", "330106001000", "--name", "北山街道",
          "--parent", "330106000000")
    listed = linli("tenant", "list", "--under", "330106000000").output.splitlines()
    assert [line.split()[0] for line in listed] == ["330106000000", "330106001000"]
    tree = linli("tenant", "tree").output.splitlines()
    assert tree[0].startswith("330100000000") and "    330106001000" in tree[-1]
    moved = linli("tenant", "move", "330106001000", "--parent", "330105000000")
    assert moved.exit_code == 0, moved.output
    tree = linli("tenant", "tree", "--under", "330105000000").output.splitlines()
    assert tree[0].startswith("330105000000") and tree[1].startswith("  330106001000")


@pytest.mark.parametrize("args, text", [
    (("tenant", "create", "--kind", "street", "--code", "12", "--name", "x"), "12位"),
    (("tenant", "create", "--kind", "district", "--code", "330106000000", "--name", "x",
      "--parent", "999999999999"), "no node with code 999999999999"),
    (("tenant", "list", "--under", "111"), "未找到区划代码"),
    (("tenant", "move", "330100000000", "--parent", "330100000000"), "cannot sit under"),
    (("plugin", "enable", "nope", "--node", "330100000000"), "unknown plugin nope"),
    (("tenant", "create", "--kind", "galaxy", "--code", "1", "--name", "x"), "galaxy"),
])
def test_bad_input_exits_non_zero_without_traceback(linli: Any, args: tuple[str, ...],
                                                    text: str) -> None:
    linli("tenant", "create", "--kind", "city", "--code", "330100000000", "--name", "杭州市")
    out = linli(*args)
    assert out.exit_code != 0
    assert text in out.output and "Traceback" not in out.output


def test_plugin_enable_reaches_tenants_below_and_later(linli: Any) -> None:
    linli("tenant", "create", "--kind", "city", "--code", "330100000000", "--name", "杭州市")
    linli("tenant", "create", "--kind", "district", "--code", "330106000000", "--name", "西湖区",
          "--parent", "330100000000")
    linli("tenant", "create", "--kind", "street", "--code", "330106001000", "--name", "北山街道",
          "--parent", "330106000000")
    listed = linli("plugin", "list", "--node", "330106001000").output
    assert "cli_library  1.2  图书 / Library" in listed and "disabled" in listed
    out = linli("plugin", "enable", "cli_library", "--node", "330106000000")
    assert out.exit_code == 0 and "newly enabled tenants: 1" in out.output
    assert len(linli.plugin.seeded) == 1
    assert "enabled" in linli("plugin", "list", "--node", "330106001000").output.split("/")[-1]
    linli("tenant", "create", "--kind", "street", "--code", "330106002000", "--name", "灵隐街道",
          "--parent", "330106000000")
    assert len(linli.plugin.seeded) == 2  # the later tenant was seeded too
    assert linli("plugin", "disable", "cli_library", "--node", "330106002000").exit_code == 0
    assert "disabled" in linli("plugin", "list", "--node", "330106002000").output
    assert "enabled" in linli("plugin", "list", "--node", "330106001000").output.split("/")[-1]


def _tree(linli: Any) -> None:
    linli("tenant", "create", "--kind", "city", "--code", "330100000000", "--name", "杭州市")
    linli("tenant", "create", "--kind", "district", "--code", "330106000000", "--name", "西湖区",
          "--parent", "330100000000")
    for code, name in (("330106001000", "北山街道"), ("330106002000", "灵隐街道")):
        linli("tenant", "create", "--kind", "street", "--code", code, "--name", name,
              "--parent", "330106000000")


@pytest.mark.parametrize("kind, code, parent", [
    ("street", "330105001000", "330106000000"),  # another district's prefix
    ("district", "320106000000", "330100000000"),  # another city's prefix
])
def test_create_refuses_a_code_outside_its_parent(linli: Any, kind: str, code: str,
                                                  parent: str) -> None:
    _tree(linli)
    out = linli("tenant", "create", "--kind", kind, "--code", code, "--name", "错街道",
                "--parent", parent)
    assert out.exit_code != 0 and "must start with" in out.output and "Traceback" not in out.output
    assert code not in linli("tenant", "list").output


def test_disable_at_a_region_reaches_every_tenant_below_and_lists_them(linli: Any) -> None:
    _tree(linli)
    linli("plugin", "enable", "cli_library", "--node", "330106001000")  # explicit, below
    out = linli("plugin", "enable", "cli_library", "--node", "330106000000")
    assert "newly enabled tenants: 1" in out.output and "330106002000" in out.output
    out = linli("plugin", "disable", "cli_library", "--node", "330106000000")
    assert out.exit_code == 0 and "newly disabled tenants: 2" in out.output, out.output
    assert "330106001000" in out.output and "灵隐街道" in out.output
    for code in ("330106001000", "330106002000"):
        assert "disabled" in linli("plugin", "list", "--node", code).output


def test_rename_and_delete_an_empty_tenant_are_audited(linli: Any) -> None:
    import asyncio

    from core.audit.service import AuditEntry
    from core.cli_db import cli_database

    _tree(linli)
    out = linli("tenant", "rename", "330106002000", "--name", "灵隐新街道")
    assert out.exit_code == 0 and "灵隐街道 → 330106002000" in out.output, out.output
    assert "灵隐新街道" in linli("tenant", "list").output
    refused = linli("tenant", "delete", "330106000000")
    assert refused.exit_code != 0 and "nodes below it" in refused.output
    out = linli("tenant", "delete", "330106002000")
    assert out.exit_code == 0, out.output
    assert "330106002000" not in linli("tenant", "list").output

    async def actions() -> list[str]:
        from tenants.scope import Scope

        async with cli_database() as db, db.scoped(Scope(read_nodes=frozenset(range(1, 10)))):
            return [r["action"] for r in await AuditEntry.select(AuditEntry.action)]

    assert {"tenants.rename", "tenants.delete"} <= set(asyncio.run(actions()))


def test_delete_refuses_a_tenant_that_holds_data(linli: Any) -> None:
    import asyncio

    from core.cli_db import cli_database
    from core.people import places
    from tenants.service import get_node_by_code, scope_for

    _tree(linli)

    async def seed() -> None:
        async with cli_database() as db:
            async with db.transaction(write=False):
                node = await get_node_by_code("330106001000")
            assert node is not None
            async with db.scoped(scope_for(node), write=True):
                await places.new_community("御苑社区")

    asyncio.run(seed())
    out = linli("tenant", "delete", "330106001000")
    assert out.exit_code != 0 and "linli_community" in out.output, out.output
    assert "330106001000" in linli("tenant", "list").output


def test_a_missing_database_is_an_error_naming_where_it_looked(linli: Any, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("LINLI_VAR_DIR", str(elsewhere))
    monkeypatch.delenv("LINLI_DATABASE_URL")
    reset_settings()
    out = linli("tenant", "list")
    assert out.exit_code != 0 and "Traceback" not in out.output
    assert f"no database at {elsewhere}/linli.sqlite3" in out.output
    assert not (elsewhere / "linli.sqlite3").exists()


def test_no_new_secrets_beside_an_existing_database(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from core.settings import SettingsError, load_settings

    for name in ("LINLI_DATABASE_URL", "LINLI_SECRET_KEY", "LINLI_PII_KEY", "LINLI_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LINLI_VAR_DIR", str(tmp_path))
    (tmp_path / "linli.sqlite3").write_bytes(b"")
    with pytest.raises(SettingsError, match="secret_key.txt not found while the database"):
        load_settings()
    assert not (tmp_path / "secret_key.txt").exists()


def test_the_default_var_dir_does_not_depend_on_the_current_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.settings import default_var_dir, var_dir_from_env

    monkeypatch.delenv("LINLI_VAR_DIR", raising=False)
    here = var_dir_from_env()
    monkeypatch.chdir(tmp_path)
    assert var_dir_from_env() == here == default_var_dir() and here.is_absolute()
    assert here == Path(__file__).resolve().parents[2] / "var"  # the project checkout's var/
    monkeypatch.setenv("LINLI_VAR_DIR", "rel")
    assert var_dir_from_env() == tmp_path / "rel"
    from core.cli import main

    assert "LINLI_VAR_DIR" in (main.epilog or "")
