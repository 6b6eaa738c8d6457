"""The committed ``graphql/schema.graphql`` matches the schema the code composes."""

from pathlib import Path

import click
from click.testing import CliRunner

from core.registry import Registry
from core.schema.export import DEFAULT_PATH, builtin_plugins, builtin_registry, register, schema_sdl


def loaded_registry() -> Registry:
    registry = Registry()
    registry.load_entrypoints()
    return registry


def test_committed_schema_is_current() -> None:
    """Core plus the built-in plugins (a third-party plugin installed here changes nothing)."""
    assert DEFAULT_PATH.exists(), "graphql/schema.graphql is missing: run `linli schema export`"
    committed = DEFAULT_PATH.read_text(encoding="utf-8")
    assert committed == schema_sdl(builtin_registry()), (
        "graphql/schema.graphql differs from the composed schema: run `linli schema export` "
        "and commit the file")


THIRD_PARTY = '''
import strawberry
from core.plugin import PluginMeta, hookimpl

@strawberry.field
def parcel_locker_hello() -> str:
    return "hi"

@hookimpl
def linli_plugin_meta():
    return PluginMeta(name="parcel_locker_probe", title_zh="快递柜", title_en="Parcel locker",
                      version="0.1.0")

@hookimpl
def linli_query_fields():
    return [parcel_locker_hello]
'''


def test_an_installed_third_party_plugin_leaves_the_drift_check_alone(tmp_path, monkeypatch):
    """A plugin installed beside Linli (its own distribution, its own entry point) is served
    but not part of the committed schema; the drift check and the default export ignore it."""
    (tmp_path / "parcel_locker_probe_hooks.py").write_text(THIRD_PARTY, encoding="utf-8")
    dist = tmp_path / "parcel_locker_probe-0.1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: parcel-locker-probe\n"
                                   "Version: 0.1.0\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(
        "[linli.plugins]\nparcel_locker_probe = parcel_locker_probe_hooks\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    installed = loaded_registry()
    assert "parcel_locker_probe" in installed.names
    assert "parcelLockerHello" in schema_sdl(installed)
    assert "parcel_locker_probe" not in builtin_plugins()
    assert "building_heads" in builtin_plugins()
    assert schema_sdl(builtin_registry()) == DEFAULT_PATH.read_text(encoding="utf-8")

    @click.group()
    def main() -> None:
        pass

    register(main)
    target = tmp_path / "schema.graphql"
    CliRunner().invoke(main, ["schema", "export", "--output", str(target)])
    assert "parcelLockerHello" not in target.read_text(encoding="utf-8")


def test_export_command_writes_output(tmp_path: Path) -> None:
    @click.group()
    def main() -> None:
        pass

    register(main)
    target = tmp_path / "out" / "schema.graphql"
    result = CliRunner().invoke(main, ["schema", "export", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == schema_sdl(builtin_registry())
    assert "type Query" in target.read_text(encoding="utf-8")


def test_export_to_unwritable_path_is_a_clear_error(tmp_path: Path) -> None:
    @click.group()
    def main() -> None:
        pass

    register(main)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["schema", "export", "--output", str(blocker / "s.graphql")])
    assert result.exit_code != 0 and "cannot write" in result.output
    assert "Traceback" not in result.output
