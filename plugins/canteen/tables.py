"""Tables of the canteen plugin.

Canteens, meals, claims and menus belong to the street office or town of the canteen. The elder
registry and the once-a-day subsidy record belong to the *city* (a region) and are declared
shared downward: every canteen of the city reads them, and a canteen writes the daily record
only through ``core.plugin.as_region`` after checking the city is above it.
"""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import BigInt, Boolean, Date, Integer, Text, Timestamptz, Varchar

from core.plugin import ScopedTable

__all__ = [
    "AbsenceAlert",
    "Canteen",
    "DailySubsidy",
    "Elder",
    "Meal",
    "MenuItem",
    "OperatorLink",
    "Payment",
    "Settlement",
    "SlotClaim",
    "StatusChange",
]


class Canteen(ScopedTable, tablename="canteen"):
    """幸福食堂 A canteen of a street office or town."""

    name = Varchar(length=100, null=False)
    kind = Varchar(length=24, null=False)
    """enterprise_listed (企业挂牌型) | new_built (新建改造型): the city's subsidy categories."""
    elderly_centre = Boolean(default=False)
    """Inside a community elderly-service centre (养老设施+幸福食堂)."""
    operator_name = Varchar(length=100, default="")
    address = Varchar(length=200, default="")
    status = Varchar(length=16, default="planned")
    """planned | signed | fitting_out | ready | operating | suspended | closed."""
    status_on = Date(null=True, default=None)
    expected_ready_on = Date(null=True, default=None)
    slots = Varchar(length=40, default="lunch")
    """Comma-separated meal slots served: breakfast, lunch, dinner."""
    seats = Integer(default=0)
    opened_on = Date(null=True, default=None)
    construction_subsidy_fen = BigInt(default=0)
    construction_subsidy_on = Date(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "name")]


class StatusChange(ScopedTable, tablename="canteen_status_change"):
    """One step of a canteen's status history."""

    canteen_id = BigInt(null=False, default=None)
    status = Varchar(length=16, null=False)
    on_date = Date(null=False, default=None)
    note = Text(default="")
    changed_by = BigInt(null=True, default=None)
    changed_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "canteen_id", "id")]


class OperatorLink(ScopedTable, tablename="canteen_operator_link"):
    """The account of a canteen operator linked to *its* canteen."""

    canteen_id = BigInt(null=False, default=None)
    account_id = BigInt(null=False, default=None)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "account_id",
                                                         "canteen_id")]


class Elder(ScopedTable, tablename="canteen_elder"):
    """An elder in the city's registry (一次录入、信息共享、全市食堂通用); owned by the city."""

    shared_downward = True
    name = Varchar(length=60, null=False)
    birth_date = Date(null=False, default=None)
    tags = Varchar(length=200, default="")
    """Comma-separated resident tags that extra brackets match (低保, 特困)."""
    card_token = Varchar(length=64, null=False)
    """The card or QR token shown at the counter."""
    id_number_index = Varchar(length=64, null=True, default=None)
    """Core's keyed blind index (HMAC) of the elder's 身份证号, copied from the resident at
    registration: the counter finds the row by ID number with one equality, city-wide, without
    decrypting anyone (``core.plugin.id_number_index``)."""
    resident_id = BigInt(null=True, default=None)
    home_tenant_id = BigInt(null=True, default=None)
    """The street office or town where the elder is a resident (for welfare concerns)."""
    active = Boolean(default=True)
    registered_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "card_token"),
                                                        ("tenant_id", "resident_id"),
                                                        ("tenant_id", "id_number_index", "id")]


class DailySubsidy(ScopedTable, tablename="canteen_daily_subsidy"):
    """The city's once-a-day record: one row per subsidised meal of an elder on a day; the
    unique key (city, elder, day, scope key, seq) with seq ≤ the daily cap is the cap in the
    scope the rule ``canteen.cap_scope`` names (the city by default)."""

    shared_downward = True
    elder_id = BigInt(null=False, default=None)
    day = Date(null=False, default=None)
    scope_key = Varchar(length=24, default="")
    """Where the cap counts: ``''`` every canteen of the city, ``d<id>`` of one district or
    county, ``t<id>`` of one street office or town, ``c<id>`` one canteen."""
    seq = Integer(null=False, default=None)
    meal_tenant_id = BigInt(null=False, default=None)
    meal_key = Varchar(length=64, null=False)
    """The meal's idempotency key in its tenant (to release or find it)."""
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "elder_id", "day", "scope_key", "seq")]


class SlotClaim(ScopedTable, tablename="canteen_slot_claim"):
    """The city's once-a-slot record: one row per meal of an elder in a slot of a day, whatever
    canteen of the city served it (subsidised or not). Its unique key (city, elder, day, slot)
    refuses the same elder twice in one slot of one day city-wide, across street offices,
    claimed like the cap (``INSERT … ON CONFLICT DO NOTHING`` through ``as_region``)."""

    shared_downward = True
    elder_id = BigInt(null=False, default=None)
    day = Date(null=False, default=None)
    slot = Varchar(length=12, null=False)
    meal_tenant_id = BigInt(null=False, default=None)
    meal_key = Varchar(length=64, null=False)
    """The meal's idempotency key in its tenant (to release or find it)."""
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "elder_id", "day", "slot")]


class Meal(ScopedTable, tablename="canteen_meal"):
    """就餐记录 A meal served: price, subsidy computed by the rule version stored, self-pay."""

    canteen_id = BigInt(null=False, default=None)
    elder_id = BigInt(null=False, default=None)
    city_id = BigInt(null=False, default=None)
    served_on = Date(null=False, default=None)
    """The meal date in Asia/Shanghai."""
    slot = Varchar(length=12, null=False)
    price_fen = Integer(null=False, default=None)
    subsidy_fen = Integer(default=0)
    self_pay_fen = Integer(default=0)
    bracket = Varchar(length=120, default="")
    """Bracket codes applied, ``+``-joined (``age_80_plus+dibao``); empty when unsubsidised."""
    unsubsidised_reason = Varchar(length=24, default="")
    """daily_cap | not_eligible | '' (subsidised)."""
    rule_version = Integer(default=0)
    """Version of ``canteen.age_brackets`` used."""
    extra_rule_version = Integer(default=0)
    cap_rule_version = Integer(default=0)
    cap_scope = Varchar(length=12, default="city")
    """The cap's scope in force on the meal date (``canteen.cap_scope``)."""
    cap_scope_rule_version = Integer(default=0)
    settle_month = Varchar(length=7, null=False)
    """The claim month the meal counts in: its own month, or the next open one when its month
    was already approved (an adjustment)."""
    adjustment = Boolean(default=False)
    source = Varchar(length=12, default="counter")
    """counter | batch | import."""
    meal_key = Varchar(length=64, null=False)
    recorded_by = BigInt(null=True, default=None)
    recorded_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "elder_id", "served_on", "slot"),
        ("tenant_id", "meal_key"),
        # the claim's GROUP BY walks this index in order (no sort) for one canteen and month
        ("tenant_id", "canteen_id", "settle_month", "bracket", "adjustment", "id"),
        ("tenant_id", "canteen_id", "served_on", "id"),
    ]


class Settlement(ScopedTable, tablename="canteen_settlement"):
    """A canteen's monthly claim: subsidised meals by bracket and the total."""

    canteen_id = BigInt(null=False, default=None)
    month = Varchar(length=7, null=False)
    status = Varchar(length=12, default="generated")
    """generated | approved | returned | paid."""
    meals = Integer(default=0)
    subsidised_meals = Integer(default=0)
    total_fen = BigInt(default=0)
    adjustment_fen = BigInt(default=0)
    lines = Text(default="[]")
    """JSON [{bracket, meals, fen}] sorted by bracket."""
    return_reason = Text(default="")
    reviewed_by = BigInt(null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    paid_at = Timestamptz(null=True, default=None)
    generated_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "canteen_id", "month")]


class AbsenceAlert(ScopedTable, tablename="canteen_absence_alert"):
    """A regular's absence already reported (one per absence: keyed by the last meal date)."""

    elder_id = BigInt(null=False, default=None)
    last_meal_on = Date(null=False, default=None)
    raised_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "elder_id",
                                                         "last_meal_on")]


class MenuItem(ScopedTable, tablename="canteen_menu_item"):
    """A dish on a canteen's weekly menu."""

    canteen_id = BigInt(null=False, default=None)
    week_start = Date(null=False, default=None)
    """Monday of the week."""
    weekday = Integer(null=False, default=None)
    """1 (Monday) … 7."""
    slot = Varchar(length=12, null=False)
    dish = Varchar(length=100, null=False)
    price_fen = Integer(default=0)
    nutrition_tags = Varchar(length=200, default="")

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "canteen_id", "week_start", "weekday", "slot", "dish")]


class Payment(ScopedTable, tablename="canteen_payment"):
    """A claim marked paid by the district or county (owned by that region, readable by the
    street office below it): the region writes its own row rather than the tenant's claim."""

    shared_downward = True
    settlement_tenant_id = BigInt(null=False, default=None)
    settlement_id = BigInt(null=False, default=None)
    paid_on = Date(null=False, default=None)
    paid_by = BigInt(null=True, default=None)
    paid_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "settlement_tenant_id",
                                                         "settlement_id")]
