"""piccolo app ``core``: the audit trail, and the app plugins name in ``migration_dependencies``.

It depends on every other core app, so a plugin depending on ``core.piccolo_app`` migrates after
all of core's tables exist.
"""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.tables import _tables_in

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=_tables_in("core.audit"),
    migration_dependencies=["tenants.piccolo_app", "core.identity.piccolo_app",
                            "core.people.piccolo_app"],
    commands=[],
)
