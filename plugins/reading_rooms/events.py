"""Event types the plugin emits."""

from __future__ import annotations

from core.plugin import EventType
from plugins.reading_rooms.services.holds import HoldReady, ReaderNotice
from plugins.reading_rooms.services.notices import LoanOverdue

__all__ = ["EVENT_TYPES"]

EVENT_TYPES = [
    EventType("reading_rooms.hold_ready", 1, HoldReady, "预约图书已上预约架",
              "A held copy is on the pickup room's hold shelf"),
    EventType("reading_rooms.loan_overdue", 1, LoanOverdue, "借阅已逾期",
              "A loan became overdue"),
    EventType("reading_rooms.reader_notice", 1, ReaderNotice, "给读者的通知（送达读者所在租户）",
              "Words for a reader, delivered in the reader's own tenant"),
]
