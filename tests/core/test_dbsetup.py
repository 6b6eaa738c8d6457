"""The embedded SQLite file: a plugin installed later gets its tables created in place; a table
whose columns changed still refuses the file, naming it; files stamped before per-table
signatures are upgraded when only tables were added."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from piccolo.columns import Integer, Varchar
from piccolo.table import Table

from core.db import Database
from core.dbsetup import StaleDatabase, ensure_sqlite_schema, schema_fingerprint


def _tables() -> tuple[type[Table], type[Table], type[Table]]:
    """Fresh classes each call (piccolo binds a class to one engine)."""

    class CoreThing(Table, tablename="dbsetup_core_thing"):
        name = Varchar(length=20)

    class PluginThing(Table, tablename="dbsetup_plugin_thing"):
        amount = Integer()

    class PluginThingChanged(Table, tablename="dbsetup_plugin_thing"):
        amount = Integer()
        note = Varchar(length=10)

    return CoreThing, PluginThing, PluginThingChanged


async def _ensure(path: Path, tables: list[type[Table]]) -> str:
    db = Database(f"sqlite:///{path}", tables)
    await db.start()
    try:
        return await ensure_sqlite_schema(db, db.tables)
    finally:
        await db.stop()


def _names(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


async def test_a_new_plugin_s_tables_are_created_in_place(tmp_path):
    core, plugin, _ = _tables()
    path = tmp_path / "e.sqlite3"
    assert await _ensure(path, [core]) == "created"
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO dbsetup_core_thing (name) VALUES ('kept')")
    assert await _ensure(path, [core, plugin]) == "extended"
    assert "dbsetup_plugin_thing" in _names(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM dbsetup_core_thing").fetchall() == [("kept",)]
    assert await _ensure(path, [core, plugin]) == "current"
    # the plugin blocked again (LINLI_DISABLE_PLUGINS): its tables stay, the file still starts
    assert await _ensure(path, [core]) == "current"


async def test_a_changed_table_still_refuses_the_file_naming_it(tmp_path):
    core, plugin, changed = _tables()
    path = tmp_path / "e.sqlite3"
    await _ensure(path, [core, plugin])
    with pytest.raises(StaleDatabase) as err:
        await _ensure(path, [core, changed])
    assert "dbsetup_plugin_thing" in str(err.value) and "export" in str(err.value)


async def test_a_file_stamped_before_signatures_accepts_added_tables(tmp_path):
    core, plugin, changed = _tables()
    path = tmp_path / "e.sqlite3"
    await _ensure(path, [core])
    with sqlite3.connect(path) as conn:  # what the previous version wrote: one fingerprint
        conn.execute("DELETE FROM linli_schema_meta WHERE key != 'fingerprint'")
    assert await _ensure(path, [core, plugin]) == "extended"
    assert await _ensure(path, [core, plugin]) == "current"
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM linli_schema_meta WHERE key != 'fingerprint'")
        conn.execute("UPDATE linli_schema_meta SET value = ?", (schema_fingerprint([core]),))
    with pytest.raises(StaleDatabase):  # the file claims another schema than it holds
        await _ensure(path, [core, changed])
