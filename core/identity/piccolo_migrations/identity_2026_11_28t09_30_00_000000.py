from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-28T09:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "The shared revocation epoch (one row every API process reads with its scope)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="identity", description=DESCRIPTION
    )

    manager.add_table(
        class_name="AuthEpochRow", tablename="linli_auth_epoch", schema=None, columns=None
    )

    manager.add_column(
        table_class_name="AuthEpochRow",
        tablename="linli_auth_epoch",
        column_name="value",
        db_column_name="value",
        column_class_name="BigInt",
        column_class=BigInt,
        params={
            "default": 0,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
