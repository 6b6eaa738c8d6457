from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-28T06:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "notifications keep their English title and body beside the Chinese ones"


def _params(**extra: object) -> dict[str, object]:
    return {
        "default": "",
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **extra,
    }


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="core", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Notification",
        tablename="linli_notification",
        column_name="title_en",
        db_column_name="title_en",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=200),
        schema=None,
    )

    manager.add_column(
        table_class_name="Notification",
        tablename="linli_notification",
        column_name="body_en",
        db_column_name="body_en",
        column_class_name="Text",
        column_class=Text,
        params=_params(),
        schema=None,
    )

    return manager
