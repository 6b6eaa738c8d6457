from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.querystring import QueryString

ID = "2026-11-28T09:51:45:000000"
VERSION = "1.38.0"
DESCRIPTION = "slot claims for the meals already recorded"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="canteen", description=DESCRIPTION
    )

    async def claim_recorded_slots() -> None:
        # meals recorded before the city's slot record: the first meal of each (city, elder,
        # day, slot) holds the slot (a duplicate another street office recorded meanwhile stays
        # as it was). The owner is bound by FORCE ROW LEVEL SECURITY on the meals; `linli
        # migrate` turns it back on (step 3) right after, and here too.
        from piccolo.engine.finder import engine_finder

        engine = engine_finder()   # the owner's (the tables may be bound to the app role's)
        assert engine is not None
        for sql in (
                "ALTER TABLE canteen_meal NO FORCE ROW LEVEL SECURITY",
                ("INSERT INTO canteen_slot_claim (tenant_id, elder_id, day, slot,"
                " meal_tenant_id, meal_key, created_at)"
                " SELECT DISTINCT ON (city_id, elder_id, served_on, slot) city_id, elder_id,"
                " served_on, slot, tenant_id, meal_key, recorded_at FROM canteen_meal"
                " ORDER BY city_id, elder_id, served_on, slot, id"),
                "ALTER TABLE canteen_meal FORCE ROW LEVEL SECURITY"):
            await engine.run_querystring(QueryString(sql))

    manager.add_raw(claim_recorded_slots)

    return manager
