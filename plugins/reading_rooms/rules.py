"""Rule keys of the reading-rooms plugin with the defaults of domain/reading-rooms.md. Values are
set per network at the county node (and may differ by date, versioned by core's rules)."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.plugin import RuleKey

__all__ = ["CLASS_LETTERS", "RULES", "SINCE", "check_class_policy"]

CLASS_LETTERS = "ABCDEFGHIJKNOPQRSTUVXZ"
"""The 22 top-level classes of 中图法 (5th edition)."""


def check_class_policy(value: Any) -> str | None:
    """``[{"reader_type": "adult"|"child", "class_letter": "I", "loan_days": 14, "limit": 2}]``:
    each entry names a reader type, a class or both, and a loan period, a limit or both."""
    if not isinstance(value, list):
        return "须为列表 / must be a list"
    for item in value:
        if not isinstance(item, dict) or set(item) - {"reader_type", "class_letter",
                                                      "loan_days", "limit"}:
            return ("每项只可有 reader_type、class_letter、loan_days、limit / each entry has only "
                    "reader_type, class_letter, loan_days, limit")
        if "reader_type" not in item and "class_letter" not in item:
            return "每项须指定读者类型或分类 / each entry names a reader type or a class"
        if item.get("reader_type", "adult") not in ("adult", "child"):
            return "reader_type 须为 adult 或 child / reader_type is adult or child"
        letter = item.get("class_letter", "A")
        if not isinstance(letter, str) or len(letter) != 1 or letter not in CLASS_LETTERS:
            return "class_letter 须为中图法22个大类之一 / class_letter is one of the 22 classes"
        if "loan_days" not in item and "limit" not in item:
            return "每项须有 loan_days 或 limit / each entry sets loan_days or limit"
        days, limit = item.get("loan_days", 1), item.get("limit", 0)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
            return "loan_days 须为1–365 / loan_days is 1–365"
        if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= 50:
            return "limit 须为0–50 / limit is 0–50"
    return None


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
    RuleKey("reading_rooms.class_policy", "json", [],
            "按读者类型和分类的借阅规则（如少儿读者借期14天、某类最多2册），更具体的优先",
            "Loan rules by reader type and class (a child's loan period, at most 2 of a class); "
            "the most specific entry wins", validate=check_class_policy),
    RuleKey("reading_rooms.fines_enabled", "bool", False, "是否收取逾期费（默认不收）",
            "Whether overdue fines are charged (off by default)"),
)


PRACTICE_REPORTS = date(2020, 1, 1)
"""domain/reading-rooms.md names no date for these defaults; the module's source is the Liaocheng and
Jinan practice reports that domain/README.md dates 2020–2023 (no day given). The rows are in force
from the start of that span, 1 January 2020."""

SINCE: dict[str, date] = {k.key: PRACTICE_REPORTS for k in RULES}
"""The date each seeded rule row is in force from (``core.plugin.seed_rules``): the date of the
source its default comes from."""
