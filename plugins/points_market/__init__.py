"""积分超市 / 信义超市 Points supermarket: a conduct catalogue, claims → review → 公示 (public
notice) → a double-entry points ledger, a shop redeemed at the counter, and 信义积分卡 point cards.

A plugin like any third party's: registered through the ``linli.plugins`` entry point
``points_market = "plugins.points_market.hooks"``, using only core's plugin contract.
"""

from __future__ import annotations

from core.plugin import Permission, PluginMeta, RoleDecl

__all__ = ["META", "NAME"]

NAME = "points_market"

_STAFF = ("tenant_admin", "community_staff")

META = PluginMeta(
    name=NAME,
    title_zh="积分超市",
    title_en="Points supermarket",
    version="1.0.0",
    core_versions=">=0.1",
    permissions=(
        Permission("points_market.read", "查看积分", "Read points, claims and the shop",
                   granted_to=_STAFF),
        Permission("points_market.report", "上报积分事项", "Report conduct for points",
                   granted_to=("tenant_admin", "community_staff", "grid_worker")),
        Permission("points_market.review", "评议积分事项", "Review claims and decide objections",
                   granted_to=_STAFF),
        Permission("points_market.manage", "管理积分超市", "Manage catalogue, goods, cards, ledger",
                   granted_to=("tenant_admin",)),
        Permission("points_market.redeem", "柜台兑换", "Redeem points at the shop counter",
                   granted_to=_STAFF),
    ),
    roles=(
        RoleDecl("points_market.reviewer", "积分评议小组成员", "Points review group member",
                 ("tenant.read", "points_market.read", "points_market.review")),
        RoleDecl("points_market.keeper", "信义超市店员", "Shop keeper",
                 ("tenant.read", "points_market.read", "points_market.redeem")),
    ),
    emits=("points_market.claims_posted",),
    consumes=("volunteer.service_recorded", "blood_drive.donation_completed",
              "building_heads.evaluation_completed"),
    rule_keys=(
        "points_market.notice_days",
        "points_market.min_service_minutes",
        "points_market.event_items",
        "points_market.review_cadence",
        "points_market.notice_cadence",
        "points_market.exchange_mode",
        "points_market.exchange_window_days",
        "points_market.expiry",
        "points_market.star_thresholds",
    ),
    personal_fields=("points_market_claim.evidence", "points_market_objection.text"),
    audit_actions=(
        "points_market.item.save",
        "points_market.claim.report",
        "points_market.claim.review",
        "points_market.meeting.record",
        "points_market.objection.raise",
        "points_market.objection.decide",
        "points_market.transfer",
        "points_market.reversal",
        "points_market.good.save",
        "points_market.good.restock",
        "points_market.redeem",
        "points_market.redemption.void",
        "points_market.cards.issue",
        "points_market.card.use",
        "points_market.card.reuse_refused",
        "points_market.export",
        "points_market.consent.set",
        "points_market.expiry",
    ),
)
