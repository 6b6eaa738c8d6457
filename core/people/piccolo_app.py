"""piccolo app of places and residents (``people``)."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.people import tables
from core.tables import _tables_in

APP_CONFIG = AppConfig(
    app_name="people",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=_tables_in(tables),
    migration_dependencies=["tenants.piccolo_app", "core.identity.piccolo_app"],
    commands=[],
)
