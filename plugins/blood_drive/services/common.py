"""What the blood-drive services share: permission checks, who the caller is to a donor,
dates (month arithmetic clamped to month ends, ages on birthdays) and the plugin's rules."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from core.plugin import Access, ApiError, NodeInfo, get_node, plugin_rules
from plugins.blood_drive import NAME
from plugins.blood_drive.rules import RULES

__all__ = [
    "OWN_RULES",
    "add_months",
    "add_years",
    "age_on",
    "can_see_health",
    "is_self",
    "node_of",
    "require",
    "require_any",
    "rule_values",
]

OWN_RULES = plugin_rules(NAME, RULES)


def require(access: Access, permission: str) -> None:
    """FORBIDDEN unless the caller holds ``permission`` at the acting node."""
    decision = access.check(permission)
    if not decision:
        raise ApiError.forbidden(decision.reason_zh or "没有权限",
                                 decision.reason_en or "permission denied")


def require_any(access: Access, *permissions: str) -> None:
    if not any(access.has(p) for p in permissions):
        raise ApiError.forbidden("没有权限", "permission denied")


def is_self(access: Access, resident_id: int) -> bool:
    """The caller is the donor (an account linked to the donor's resident record)."""
    return access.principal.resident_id is not None and \
        int(access.principal.resident_id) == int(resident_id)


def can_see_health(access: Access, resident_id: int) -> bool:
    """Health answers: the donor themselves and site or station staff, never organisers or
    work units."""
    return is_self(access, resident_id) or access.has("blood_drive.health")


async def node_of(node_id: int) -> NodeInfo:
    node = await get_node(node_id)
    if node is None:
        raise ApiError.not_found("单位", "node", "nodeId")
    return node


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the month's end (31 August + 6
    months = 28 or 29 February), as blood stations count intervals."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def age_on(birth: date, day: date) -> int:
    """Full years on ``day``; the birthday itself counts (29 February: 1 March in common
    years)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


async def rule_values(node: NodeInfo, day: date, *keys: str) -> tuple[dict[str, Any],
                                                                       dict[str, int]]:
    """The values of ``keys`` in force at ``node`` on ``day`` and their versions."""
    values: dict[str, Any] = {}
    versions: dict[str, int] = {}
    for key in keys:
        resolved = await OWN_RULES.get(key, node, day)
        values[key] = resolved.value
        versions[key] = resolved.version
    return values, versions
