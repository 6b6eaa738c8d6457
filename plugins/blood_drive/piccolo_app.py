"""piccolo app of the blood_drive plugin (migrations run after all of core's)."""

from __future__ import annotations

import inspect
from pathlib import Path

from piccolo.conf.apps import AppConfig
from piccolo.table import Table

from plugins.blood_drive import tables

APP_CONFIG = AppConfig(
    app_name="blood_drive",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[obj for _, obj in inspect.getmembers(tables, inspect.isclass)
                   if issubclass(obj, Table) and obj.__module__ == tables.__name__],
    migration_dependencies=["core.piccolo_app"],
    commands=[],
)
