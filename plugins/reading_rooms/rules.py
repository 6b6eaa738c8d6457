"""Rule keys of the reading-rooms plugin with the defaults of domain/reading-rooms.md. Values are
set per network at the county node (and may differ by date, versioned by core's rules)."""

from __future__ import annotations

from core.plugin import RuleKey

__all__ = ["RULES"]

RULES = (
    RuleKey("reading_rooms.loan_limit_adult", "int", 5, "成人读者同时可借册数",
            "Items an adult reader may have on loan at once", minimum=0, maximum=50),
    RuleKey("reading_rooms.loan_limit_child", "int", 3, "少儿读者同时可借册数",
            "Items a child reader may have on loan at once", minimum=0, maximum=50),
    RuleKey("reading_rooms.loan_days", "int", 30, "借期（天）", "Loan period (days)",
            minimum=1, maximum=365),
    RuleKey("reading_rooms.renewals", "int", 1, "可续借次数（有人预约时不可续借）",
            "Renewals allowed (none while another reader waits)", minimum=0, maximum=10),
    RuleKey("reading_rooms.renewal_days", "int", 30, "续借天数", "Days a renewal adds",
            minimum=1, maximum=365),
    RuleKey("reading_rooms.hold_shelf_days", "int", 7, "预约书在预约架保留天数",
            "Days a hold waits on the hold shelf", minimum=1, maximum=60),
    RuleKey("reading_rooms.lost_after_days", "int", 90, "逾期多少天视为遗失",
            "Days overdue after which an item is declared lost", minimum=1, maximum=3650),
    RuleKey("reading_rooms.due_soon_days", "int", 3, "到期前几天提醒",
            "Days before the due date a reminder is sent", minimum=0, maximum=30),
    RuleKey("reading_rooms.fines_enabled", "bool", False, "是否收取逾期费（默认不收）",
            "Whether overdue fines are charged (off by default)"),
)
