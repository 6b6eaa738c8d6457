"""piccolo app ``core``: every core table module not owned by another app (the audit trail,
rules, events, jobs, notifications — whatever ``core.tables.CORE_TABLE_MODULES`` lists), and the
app plugins name in ``migration_dependencies``.

It depends on every other core app, so a plugin depending on ``core.piccolo_app`` migrates after
all of core's tables exist. A module added to ``CORE_TABLE_MODULES`` lands here automatically;
``linli make-migration core`` then writes its migration.
"""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.tables import CORE_TABLE_MODULES, _tables_in

OWN_APPS = {"tenants.tables", "core.identity.tables", "core.people.tables"}
"""Table modules with a piccolo app of their own."""

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[t for m in CORE_TABLE_MODULES if m.__name__ not in OWN_APPS
                   for t in _tables_in(m)],
    migration_dependencies=["tenants.piccolo_app", "core.identity.piccolo_app",
                            "core.people.piccolo_app"],
    commands=[],
)
