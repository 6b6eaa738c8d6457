"""The blood-drive domain logic (no strawberry, no Litestar), one module per area."""

from plugins.blood_drive.services import (
    bookings,
    campaigns,
    common,
    health,
    honours,
    personal_data,
    precheck,
    reminders,
    results,
    sheets,
    stats,
    volunteers,
)

__all__ = ["bookings", "campaigns", "common", "health", "honours", "personal_data", "precheck",
           "reminders", "results", "sheets", "stats", "volunteers"]
