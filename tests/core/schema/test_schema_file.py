"""The committed ``graphql/schema.graphql`` matches the schema the code composes."""

from pathlib import Path

import click
from click.testing import CliRunner

from core.registry import Registry
from core.schema.export import DEFAULT_PATH, register, schema_sdl


def loaded_registry() -> Registry:
    registry = Registry()
    registry.load_entrypoints()
    return registry


def test_committed_schema_is_current() -> None:
    assert DEFAULT_PATH.exists(), "graphql/schema.graphql is missing: run `linli schema export`"
    committed = DEFAULT_PATH.read_text(encoding="utf-8")
    assert committed == schema_sdl(loaded_registry()), (
        "graphql/schema.graphql differs from the composed schema: run `linli schema export` "
        "and commit the file")


def test_export_command_writes_output(tmp_path: Path) -> None:
    @click.group()
    def main() -> None:
        pass

    register(main)
    target = tmp_path / "out" / "schema.graphql"
    result = CliRunner().invoke(main, ["schema", "export", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == schema_sdl(loaded_registry())
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
