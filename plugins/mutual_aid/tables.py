"""Tables of 红邻菜单 (mutual aid). Every one is tenant-owned (``ScopedTable``).

Only-once rules are database keys or conditional updates: stock is lowered with
``UPDATE … WHERE quantity >= n``; a session's places with ``WHERE signed_up < capacity``; one
open restock request per item (``open_item`` unique, NULL once closed); one sign-up and one +1
per resident (unique pairs); an order escalates and records its service once (conditional
updates on ``escalated_at`` / ``service_recorded``)."""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import BigInt, Boolean, Date, Integer, Text, Timestamptz, Varchar

from core.plugin import ScopedTable

__all__ = [
    "Box",
    "Count",
    "Dish",
    "Donation",
    "Item",
    "Loan",
    "Movement",
    "Note",
    "NoteBucket",
    "Order",
    "PlusOne",
    "Project",
    "ProjectStep",
    "Restock",
    "Session",
    "Signup",
    "SurveyAnswer",
    "Team",
]


class Box(ScopedTable, tablename="mutual_aid_box"):
    """红邻菜单便民箱 A box at a building entrance, run on trust by its keeper."""

    community_id = BigInt(null=False, default=None)
    building_id = BigInt(null=False, default=None)
    name = Varchar(length=100, null=False)
    place_note = Varchar(length=200, default="")
    """Where exactly (单元门口, 一楼大厅)."""
    keeper_account_id = BigInt(null=True, default=None)
    honour_mode = Boolean(default=True)
    """Nobody staffs it; the keeper's periodic count records stock and losses."""
    created_at = Timestamptz()


class Item(ScopedTable, tablename="mutual_aid_item"):
    """物品 An item line of a box."""

    box_id = BigInt(null=False, default=None)
    name = Varchar(length=100, null=False)
    category = Varchar(length=50, default="")
    kind = Varchar(length=16, default="consumable")
    """tool (returnable) | consumable."""
    loanable = Boolean(default=False)
    """Taking it opens a loan (tools only)."""
    quantity = Integer(default=0)
    """On hand; never below zero (conditional updates)."""
    condition = Varchar(length=16, default="good")
    """good | worn | broken."""
    restock_threshold = Integer(default=0)
    created_at = Timestamptz()


class Movement(ScopedTable, tablename="mutual_aid_movement"):
    """库存流水 An append-only stock movement: take, return, donation, count adjustment."""

    box_id = BigInt(null=False, default=None)
    item_id = BigInt(null=False, default=None)
    kind = Varchar(length=16, null=False)
    """take | return | donation | count."""
    delta = Integer(null=False, default=0)
    resident_id = BigInt(null=True, default=None)
    account_id = BigInt(null=True, default=None)
    created_at = Timestamptz()


class Loan(ScopedTable, tablename="mutual_aid_loan"):
    """借用 A loan of a returnable item: who, what, when, expected back."""

    box_id = BigInt(null=False, default=None)
    item_id = BigInt(null=False, default=None)
    resident_id = BigInt(null=False, default=None)
    quantity = Integer(default=1)
    taken_at = Timestamptz()
    due_on = Date(null=False, default=None)
    returned_at = Timestamptz(null=True, default=None)
    reminded_on = Date(null=True, default=None)
    rule_version = Integer(default=0)
    """Version of ``mutual_aid.loan_days`` the due date used."""


class Donation(ScopedTable, tablename="mutual_aid_donation"):
    """捐赠 A donation, adding stock once the keeper confirms it (once: conditional update)."""

    box_id = BigInt(null=False, default=None)
    item_id = BigInt(null=True, default=None)
    name = Varchar(length=100, null=False)
    kind = Varchar(length=16, default="consumable")
    quantity = Integer(default=1)
    donor_resident_id = BigInt(null=True, default=None)
    status = Varchar(length=16, default="pending")
    """pending | confirmed | declined."""
    decided_by = BigInt(null=True, default=None)
    created_at = Timestamptz()
    decided_at = Timestamptz(null=True, default=None)


class Count(ScopedTable, tablename="mutual_aid_count"):
    """盘点 A keeper's count of one item line, with the discrepancy (history kept)."""

    box_id = BigInt(null=False, default=None)
    item_id = BigInt(null=False, default=None)
    expected = Integer(default=0)
    counted = Integer(default=0)
    lost = Integer(default=0)
    broken = Integer(default=0)
    note = Varchar(length=200, default="")
    counted_by = BigInt(null=True, default=None)
    counted_at = Timestamptz()


class Restock(ScopedTable, tablename="mutual_aid_restock"):
    """补货申请 Stock at or below the threshold; one open request per item line."""

    box_id = BigInt(null=False, default=None)
    item_id = BigInt(null=False, default=None)
    open_item = BigInt(null=True, default=None, unique=True)
    """The item id while open, NULL once closed: the unique key allows one open request."""
    quantity_at = Integer(default=0)
    status = Varchar(length=16, default="open")
    """open | closed."""
    created_at = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)


class Team(ScopedTable, tablename="mutual_aid_team"):
    """志愿服务队 A volunteer team of a community (five seeded on enablement)."""

    community_id = BigInt(null=False, default=None)
    code = Varchar(length=32, null=False)
    name = Varchar(length=100, null=False)
    name_en = Varchar(length=100, default="")
    leader_account_id = BigInt(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "community_id", "code")]


class Dish(ScopedTable, tablename="mutual_aid_dish"):
    """菜品 What a team offers: a one-to-one service or a group session."""

    team_id = BigInt(null=False, default=None)
    community_id = BigInt(null=False, default=None)
    title = Varchar(length=100, null=False)
    description = Text(default="")
    mode = Varchar(length=16, default="service")
    """service (one-to-one) | session (group, with sign-up)."""
    eligible_tag = Varchar(length=64, default="")
    """Only residents with this tag may order ('' = all residents)."""
    capacity = Integer(default=0)
    """Orders (service) per month or places (session); 0 = unlimited."""
    recurring = Boolean(default=False)
    recurrence = Varchar(length=12, default="monthly")
    """How a recurring group dish repeats: monthly (default) | weekly."""
    project_id = BigInt(null=True, default=None)
    """The 4有 project whose design stage made this dish (none for a one-off)."""
    active = Boolean(default=True)
    created_at = Timestamptz()


class Session(ScopedTable, tablename="mutual_aid_session"):
    """场次 One occurrence of a group dish, with sign-up up to its capacity."""

    dish_id = BigInt(null=False, default=None)
    starts_at = Timestamptz()
    minutes = Integer(default=60)
    capacity = Integer(default=20)
    signed_up = Integer(default=0)
    """Raised with ``WHERE signed_up < capacity``: never above the capacity."""
    attended = Integer(default=0)
    """Sign-ups marked present (kept with each mark in the same transaction)."""
    recur_key = Varchar(length=16, null=True, default=None)
    """The occurrence a recurring dish's job made (its start date); unique per dish, so the
    job never makes one twice. NULL for sessions created by hand."""
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "dish_id", "recur_key")]


class Signup(ScopedTable, tablename="mutual_aid_signup"):
    """报名 A resident's sign-up for a session (one per resident), with attendance."""

    session_id = BigInt(null=False, default=None)
    resident_id = BigInt(null=False, default=None)
    attended = Boolean(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "session_id",
                                                         "resident_id")]


class Order(ScopedTable, tablename="mutual_aid_order"):
    """点单 A need: placed → accepted → scheduled → done → confirmed (and rated)."""

    dish_id = BigInt(null=True, default=None)
    team_id = BigInt(null=False, default=None)
    community_id = BigInt(null=False, default=None)
    building_id = BigInt(null=True, default=None)
    resident_id = BigInt(null=False, default=None)
    title = Varchar(length=100, null=False)
    description = Text(default="")
    status = Varchar(length=16, default="placed")
    """placed | accepted | scheduled | done | confirmed | cancelled."""
    placed_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    server_account_id = BigInt(null=True, default=None)
    """Who serves (accepted it, or was assigned by the leader)."""
    server_resident_id = BigInt(null=True, default=None)
    scheduled_for = Timestamptz(null=True, default=None)
    done_at = Timestamptz(null=True, default=None)
    minutes = Integer(null=True, default=None)
    confirmed_at = Timestamptz(null=True, default=None)
    rating = Integer(null=True, default=None)
    comment = Varchar(length=500, default="")
    plus_ones = Integer(default=0)
    due_at = Timestamptz()
    """placed_at + the response time in force when placed."""
    response_rule_version = Integer(default=0)
    escalated_at = Timestamptz(null=True, default=None)
    """Set once (conditional update) when not accepted by ``due_at``."""
    service_recorded = Boolean(default=False)
    """``volunteer.service_recorded`` emitted (once: conditional update)."""
    matter_requested = Boolean(default=False)


class PlusOne(ScopedTable, tablename="mutual_aid_plus_one"):
    """+1 A resident's voice added to an open need (once per resident)."""

    order_id = BigInt(null=False, default=None)
    resident_id = BigInt(null=False, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "order_id", "resident_id")]


class Note(ScopedTable, tablename="mutual_aid_note"):
    """红便签 An anonymous note. No column links it to its author in any form."""

    community_id = BigInt(null=False, default=None)
    building_id = BigInt(null=True, default=None)
    topic = Varchar(length=50, default="")
    text = Text(null=False)
    source = Varchar(length=16, default="online")
    """online | paper (transcribed by staff from the notice board)."""
    status = Varchar(length=16, default="pending")
    """pending | published | hidden."""
    hide_reason = Varchar(length=200, default="")
    answer = Text(default="")
    answered_at = Timestamptz(null=True, default=None)
    created_on = Date(null=False, default=None)
    """The day only (Asia/Shanghai): an exact time could be matched against access logs."""
    published_at = Timestamptz(null=True, default=None)
    matter_requested = Boolean(default=False)


class NoteBucket(ScopedTable, tablename="mutual_aid_note_bucket"):
    """红便签限流 How many notes one (unknown) poster sent on a day. ``bucket`` is an HMAC of the
    day and the poster under the server's secret (not in the database), so it cannot be
    reversed from the database; rows of past days are deleted by the daily job."""

    day = Date(null=False, default=None)
    bucket = Varchar(length=64, null=False)
    posts = Integer(default=0)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "day", "bucket")]


class Project(ScopedTable, tablename="mutual_aid_project"):
    """项目 A menu project run through the 4有 cycle of 御苑社区's 1+4+5 mechanism: 需求调查 a
    preference survey per building → 科学设计 design (the dishes) → 实施推进 delivery → 专业提升
    improvement, then the next round's survey, turning one-off activities into regular ones."""

    community_id = BigInt(null=False, default=None)
    team_id = BigInt(null=True, default=None)
    title = Varchar(length=100, null=False)
    description = Text(default="")
    stage = Varchar(length=16, default="survey")
    """survey | design | delivery | improvement | closed."""
    round = Integer(default=1)
    """Which pass through the cycle (improvement leads to the next round's survey)."""
    created_at = Timestamptz()
    stage_changed_at = Timestamptz()


class ProjectStep(ScopedTable, tablename="mutual_aid_project_step"):
    """One stage a project entered, with what was decided (history, append-only)."""

    project_id = BigInt(null=False, default=None)
    stage = Varchar(length=16, null=False)
    round = Integer(default=1)
    note = Text(default="")
    account_id = BigInt(null=True, default=None)
    changed_at = Timestamptz()


class SurveyAnswer(ScopedTable, tablename="mutual_aid_survey_answer"):
    """需求调查 A building's preferences in a project's survey: how many households asked for
    each option (set by staff from the building's sheet; one row per building and option)."""

    project_id = BigInt(null=False, default=None)
    round = Integer(default=1)
    building_id = BigInt(null=False, default=None)
    option = Varchar(length=100, null=False)
    votes = Integer(default=0)
    recorded_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "project_id", "round", "building_id", "option")]
