from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.querystring import QueryString

ID = "2026-11-28T05:36:35:282361"
VERSION = "1.38.0"
DESCRIPTION = "elder id number index, cap scope"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="canteen", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="DailySubsidy",
        tablename="canteen_daily_subsidy",
        column_name="scope_key",
        db_column_name="scope_key",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 24,
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

    manager.add_column(
        table_class_name="Elder",
        tablename="canteen_elder",
        column_name="id_number_index",
        db_column_name="id_number_index",
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

    manager.add_column(
        table_class_name="Meal",
        tablename="canteen_meal",
        column_name="cap_scope",
        db_column_name="cap_scope",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 12,
            "default": "city",
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

    manager.add_column(
        table_class_name="Meal",
        tablename="canteen_meal",
        column_name="cap_scope_rule_version",
        db_column_name="cap_scope_rule_version",
        column_class_name="Integer",
        column_class=Integer,
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

    async def drop_city_only_cap_key() -> None:
        # the cap's unique key now names its scope (canteen.cap_scope); `linli migrate` creates
        # the new one from the table's unique_together, while the old one would still refuse a
        # claim of another scope
        from plugins.canteen.tables import DailySubsidy

        await DailySubsidy._meta.db.run_querystring(QueryString(
            'DROP INDEX IF EXISTS "uq_canteen_daily_subsidy_tenant_id_elder_id_day_seq"'))

    manager.add_raw(drop_city_only_cap_key)

    return manager
