from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-28T09:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "entries carry the account's running balance and earned figure"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="points_market", description=DESCRIPTION
    )

    for column in ("balance_after", "earned_after"):
        manager.add_column(
            table_class_name="Entry",
            tablename="points_market_entry",
            column_name=column,
            db_column_name=column,
            column_class_name="BigInt",
            column_class=BigInt,
            params={
                "default": None,
                "null": True,
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
