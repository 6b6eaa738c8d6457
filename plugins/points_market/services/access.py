"""Who may do what: the plugin's permissions, and a resident acting for themself (reporting
their own conduct, reading their own account)."""

from __future__ import annotations

from core.plugin import Access, ApiError

__all__ = ["actor", "may_read_resident", "require", "require_report"]


def actor(access: Access) -> int | None:
    """The account acting (None for an API key: a shop counter)."""
    return access.principal.account_id


def require(access: Access, permission: str) -> None:
    decision = access.check(permission)
    if not decision:
        raise ApiError.forbidden(decision.reason_zh, decision.reason_en)


def require_report(access: Access, resident_id: int | None, reporter_kind: str) -> str:
    """The reporter kind recorded: a reporter's own choice with ``points_market.report``;
    ``resident`` for a resident reporting their own conduct; otherwise refused."""
    if access.has("points_market.report"):
        return reporter_kind
    if resident_id is not None and access.principal.resident_id == resident_id:
        return "resident"
    raise ApiError.forbidden("无权上报积分事项", "you may not report conduct for points")


def may_read_resident(access: Access, resident_id: int) -> None:
    if access.has("points_market.read") or access.principal.resident_id == resident_id:
        return
    raise ApiError.forbidden("无权查看该居民的积分", "you may not read this resident's points")
