"""piccolo app of the reading_rooms plugin (migrations run after all of core's)."""

from __future__ import annotations

import inspect
from pathlib import Path

from piccolo.conf.apps import AppConfig
from piccolo.table import Table

from plugins.reading_rooms import tables

APP_CONFIG = AppConfig(
    app_name="reading_rooms",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[obj for _, obj in inspect.getmembers(tables, inspect.isclass)
                   if issubclass(obj, Table) and obj.__module__ == tables.__name__],
    migration_dependencies=["core.piccolo_app"],
    commands=[],
)
