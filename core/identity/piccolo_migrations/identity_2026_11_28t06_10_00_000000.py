from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-28T06:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "API keys keep the GraphQL type of their bound object, to answer a global id"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="identity", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="ApiKey",
        tablename="linli_api_key",
        column_name="object_type",
        db_column_name="object_type",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
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
