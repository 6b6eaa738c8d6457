"""piccolo app of identity (``identity``): accounts, memberships, tokens, throttling, API keys."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.identity import tables
from core.tables import _tables_in

APP_CONFIG = AppConfig(
    app_name="identity",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=_tables_in(tables),
    migration_dependencies=["tenants.piccolo_app"],
    commands=[],
)
