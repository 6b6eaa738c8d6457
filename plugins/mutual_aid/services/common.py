"""What the services share: the clock, the plugin's rule values, refusals, who may act where."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    ErrorCode,
    PlaceRef,
    Resolved,
    get_building,
    get_community,
    now_utc,
    plugin_rules,
    today_shanghai,
)
from core.plugin import rule_value as core_rule_value
from plugins.mutual_aid import NAME
from plugins.mutual_aid.rules import RULES

__all__ = [
    "OWN_RULES",
    "as_utc",
    "at_utc",
    "bad",
    "conflict",
    "ensure",
    "is_unique_violation",
    "not_found",
    "now",
    "place",
    "resident_of",
    "rule_value",
    "tenant_of",
    "text",
    "today_shanghai",
]

OWN_RULES = plugin_rules(NAME, RULES)


def now() -> datetime:
    return now_utc()


def at_utc(value: Any) -> datetime:
    """A timestamp that is never NULL, timezone-aware."""
    out = as_utc(value)
    assert out is not None
    return out


def as_utc(value: Any) -> datetime | None:
    """A timestamp read back from either engine, timezone-aware (SQLite may drop the zone)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # type: ignore[no-any-return]


async def rule_value(key: str, tenant_id: int, on: date | None = None) -> Resolved:
    return await core_rule_value(key, tenant_id, on, rules=OWN_RULES)


def bad(zh: str, en: str, field: str) -> ApiError:
    return ApiError(ErrorCode.INVALID_ARGUMENT, zh, en, field)


def conflict(zh: str, en: str, field: str | None = None) -> ApiError:
    return ApiError(ErrorCode.CONFLICT, zh, en, field)


def not_found(zh: str, en: str, field: str) -> ApiError:
    return ApiError(ErrorCode.NOT_FOUND, f"未找到{zh}", f"{en} not found", field)


def text(value: str | None, field: str, *, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise bad("不能为空", "must not be empty", field)
    if len(value) > limit:
        raise bad(f"不能超过{limit}个字", f"at most {limit} characters", field)
    return value


def tenant_of(access: Access) -> int:
    return int(access.scope.write_node or access.node_id)


def place(access: Access, community_id: int | None, building_id: int | None = None) -> PlaceRef:
    return PlaceRef(node_id=access.node_id, node_path=access.node_path,
                    community_id=community_id, building_id=building_id)


def ensure(access: Access, permission: str, community_id: int | None,
           building_id: int | None = None) -> None:
    """FORBIDDEN unless the caller may do ``permission`` at that place."""
    decision = access.check(permission, place(access, community_id, building_id))
    if not decision:
        raise ApiError(ErrorCode.FORBIDDEN, decision.reason_zh, decision.reason_en)


def resident_of(access: Access, resident_id: int | None, permission: str,
                community_id: int | None, building_id: int | None = None) -> int:
    """The resident acted for: oneself (a resident's own account), or anyone when the caller
    holds ``permission`` there (staff recording for a resident at the counter)."""
    own = access.principal.resident_id
    if resident_id is None or (own is not None and resident_id == own):
        if own is None:
            if resident_id is None:
                raise bad("请指定居民", "name the resident", "residentId")
        else:
            return int(own)
    ensure(access, permission, community_id, building_id)
    assert resident_id is not None
    return int(resident_id)


async def check_building(building_id: int, field: str = "buildingId") -> Any:
    building = await get_building(building_id)
    if building is None:
        raise not_found("楼栋", "building", field)
    return building


async def check_community(community_id: int, field: str = "communityId") -> Any:
    community = await get_community(community_id)
    if community is None:
        raise not_found("社区", "community", field)
    return community


def is_unique_violation(exc: BaseException) -> bool:
    name = type(exc).__name__
    return name in ("IntegrityError", "UniqueViolationError") or "unique" in str(exc).lower()
