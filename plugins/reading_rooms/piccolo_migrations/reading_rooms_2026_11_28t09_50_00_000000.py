from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.querystring import QueryString

ID = "2026-11-28T09:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "count open loans and taken seat slots of rows written before"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="reading_rooms", description=DESCRIPTION
    )

    async def count_open_loans_and_taken_slots() -> None:
        # rows written before this migration: each card's open loans counted into open_loans,
        # and each existing seat booking's slot marked taken (both are kept by the services
        # from now on)
        from plugins.reading_rooms.tables import Card

        for sql in (
            ("UPDATE reading_rooms_card c SET open_loans = (SELECT count(*) FROM"
             " reading_rooms_loan l WHERE l.card_id = c.id AND l.status = 'open')"),
            ("INSERT INTO reading_rooms_seat_slot (tenant_id, seat_id, day, slot)"
             " SELECT DISTINCT tenant_id, seat_id, day, slot FROM reading_rooms_seat_booking"),
        ):
            await Card._meta.db.run_querystring(QueryString(sql))

    manager.add_raw(count_open_loans_and_taken_slots)

    return manager
