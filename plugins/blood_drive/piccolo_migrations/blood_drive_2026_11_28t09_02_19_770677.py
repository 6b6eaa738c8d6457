from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt, Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-28T09:02:19:770677"
VERSION = "1.38.0"
DESCRIPTION = "visiting donors"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="blood_drive", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Donor",
        tablename="blood_drive_donor",
        column_name="home_tenant_id",
        db_column_name="home_tenant_id",
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

    manager.add_column(
        table_class_name="Donor",
        tablename="blood_drive_donor",
        column_name="name_cipher",
        db_column_name="name_cipher",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
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
