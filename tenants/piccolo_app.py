"""piccolo app of the tenant tree (``tenants``): the first app every other one depends on."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.tables import _tables_in
from tenants import tables

APP_CONFIG = AppConfig(
    app_name="tenants",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=_tables_in(tables),
    migration_dependencies=[],
    commands=[],
)
