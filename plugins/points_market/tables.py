"""Tables of the points supermarket. Every one is tenant-owned (``ScopedTable``).

Only-once rules are unique keys: a claim per source event, a transfer per idempotency key, one
reversal per transfer, a card serial per tenant; balances move by conditional updates."""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import BigInt, Boolean, Date, Integer, Text, Timestamptz, Varchar

from core.plugin import ScopedTable

__all__ = [
    "Account",
    "Card",
    "CardBatch",
    "Claim",
    "Entry",
    "Good",
    "Item",
    "Meeting",
    "Objection",
    "Quota",
    "RankingConsent",
    "Redemption",
    "Transfer",
]


class Item(ScopedTable, tablename="points_market_item"):
    """积分事项 A catalogue item at one version. Editing an item adds a version (the previous one
    ends the day before); a claim keeps the row (version) it was granted under."""

    code = Varchar(length=16, null=False)
    version = Integer(default=1)
    name_zh = Varchar(length=200, null=False)
    name_en = Varchar(length=200, default="")
    category = Varchar(length=32, default="")
    sign = Integer(default=1)
    """+1 creditable (加分), -1 discreditable (扣分)."""
    points = Integer(default=1)
    """Always positive; the sign says which way."""
    effective_from = Date(null=False, default=None)
    effective_until = Date(null=True, default=None)
    """Last day in force (inclusive); NULL while current."""
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "code", "version")]


class Meeting(ScopedTable, tablename="points_market_meeting"):
    """评议会 A review meeting: date, members (JSON list of names), the claims it decided."""

    held_on = Date(null=False, default=None)
    members = Text(default="[]")
    note = Text(default="")
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz()


class Claim(ScopedTable, tablename="points_market_claim"):
    """积分申报 A claim: a resident's or household's conduct under an item, through review,
    notice (公示) and posting to the ledger."""

    subject_kind = Varchar(length=12, default="resident")
    """resident | household."""
    resident_id = BigInt(null=True, default=None)
    household_id = BigInt(null=True, default=None)
    community_id = BigInt(null=True, default=None)
    item_id = BigInt(null=False, default=None)
    item_code = Varchar(length=16, default="")
    points = Integer(default=0)
    """Signed points of the item version (negative for a discredit)."""
    occurred_on = Date(null=False, default=None)
    minutes = Integer(null=True, default=None)
    evidence = Text(default="")
    reporter_kind = Varchar(length=16, default="staff")
    """grid_worker | building_head | resident | staff | event."""
    reporter_account_id = BigInt(null=True, default=None)
    source_event_id = BigInt(null=True, default=None)
    source_type = Varchar(length=80, default="")
    status = Varchar(length=12, default="pending")
    """pending | rejected | noticed | cancelled | posted."""
    duplicate = Boolean(default=False)
    """Another claim names the same person, item and day."""
    meeting_id = BigInt(null=True, default=None)
    reviewed_by = BigInt(null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    review_note = Text(default="")
    notice_from = Date(null=True, default=None)
    notice_until = Date(null=True, default=None)
    """Last day of the notice; posted from the day after."""
    notice_rule_version = Integer(default=0)
    event_rule_version = Integer(default=0)
    """Version of ``points_market.event_items`` / ``min_service_minutes`` used for an event."""
    transfer_id = BigInt(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "source_event_id"), ("tenant_id", "status", "notice_until", "id"),
        ("tenant_id", "resident_id", "id")]


class Objection(ScopedTable, tablename="points_market_objection"):
    """公示异议 An objection to a noticed claim (anonymous allowed), decided by staff."""

    claim_id = BigInt(null=False, default=None)
    text = Text(default="")
    anonymous = Boolean(default=True)
    account_id = BigInt(null=True, default=None)
    status = Varchar(length=12, default="open")
    """open | upheld | dismissed."""
    decided_by = BigInt(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    decision_note = Text(default="")
    created_at = Timestamptz()


class Account(ScopedTable, tablename="points_market_account"):
    """积分账户 A ledger account: a resident's, a household's, or the tenant's issuance, shop
    and penalty accounts (``owner_id`` 0). ``balance`` and ``earned`` cache the entries
    (``check_books`` compares); ``balance`` moves only by conditional updates."""

    kind = Varchar(length=12, null=False)
    """resident | household | issuance | shop | penalty."""
    owner_id = BigInt(default=0)
    balance = BigInt(default=0)
    """Spendable balance: the sum of the account's entries."""
    earned = BigInt(default=0)
    """Cumulative net points earned (credits minus discredits); spending never lowers it."""

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "kind", "owner_id")]


class Transfer(ScopedTable, tablename="points_market_transfer"):
    """A balanced movement of points between two accounts (append-only). ``idempotency_key`` is
    the client's: a replay returns the first transfer."""

    idempotency_key = Varchar(length=120, null=False)
    kind = Varchar(length=16, null=False)
    """award | discredit | redemption | card_credit | card_spend | reversal | expiry | adjust."""
    from_account_id = BigInt(null=False, default=None)
    to_account_id = BigInt(null=False, default=None)
    amount = BigInt(default=0)
    """Always positive."""
    from_earned = BigInt(default=0)
    """Change of the source account's cumulative earned figure (a discredit: −amount)."""
    to_earned = BigInt(default=0)
    """Change of the target account's cumulative earned figure (an award: +amount)."""
    claim_id = BigInt(null=True, default=None)
    redemption_id = BigInt(null=True, default=None)
    card_id = BigInt(null=True, default=None)
    reverses_id = BigInt(null=True, default=None)
    memo = Text(default="")
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "idempotency_key"), ("tenant_id", "reverses_id")]


class Entry(ScopedTable, tablename="points_market_entry"):
    """One side of a transfer: ``amount`` signed (debit negative); the two sum to zero.
    ``earned`` is this entry's change of the account's cumulative earned figure."""

    transfer_id = BigInt(null=False, default=None)
    account_id = BigInt(null=False, default=None)
    amount = BigInt(default=0)
    earned = BigInt(default=0)
    booked_on = Date(null=False, default=None)
    """Asia/Shanghai day of the transfer (rankings and statements by period)."""
    kind = Varchar(length=16, default="")
    """The transfer's kind, memo and claim, copied here so a statement page is one read (rows
    written before the copy have ``kind`` empty: read from the transfer)."""
    memo = Text(default="")
    claim_id = BigInt(null=True, default=None)
    balance_after = BigInt(null=True, default=None)
    """The account's balance right after this entry (a running balance, like a savings book's):
    the newest entry of an account carries its balance, so a balance and the first statement
    page are one read. NULL on entries written before the column."""
    earned_after = BigInt(null=True, default=None)
    """The account's cumulative earned figure right after this entry."""
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "account_id", "id"), ("tenant_id", "booked_on", "account_id", "id")]


class Good(ScopedTable, tablename="points_market_good"):
    """货架商品 A good on the shelf: value in fen, price in points, stock, per-person limit."""

    name = Varchar(length=120, null=False)
    value_fen = Integer(default=0)
    price_points = Integer(default=1)
    stock = Integer(default=0)
    per_person_limit = Integer(null=True, default=None)
    """At most this many per resident per quarter (NULL: no limit)."""
    active = Boolean(default=True)
    created_at = Timestamptz()


class Redemption(ScopedTable, tablename="points_market_redemption"):
    """兑换记录 Goods redeemed at the counter; voided the same day by a reversal."""

    good_id = BigInt(null=False, default=None)
    quantity = Integer(default=1)
    resident_id = BigInt(null=True, default=None)
    account_id = BigInt(null=True, default=None)
    points = Integer(default=0)
    paid_by = Varchar(length=8, default="account")
    """account | card."""
    transfer_id = BigInt(null=True, default=None)
    redeemed_on = Date(null=False, default=None)
    counter_account_id = BigInt(null=True, default=None)
    status = Varchar(length=8, default="done")
    """done | voided."""
    voided_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "resident_id", "redeemed_on", "id")]


class Quota(ScopedTable, tablename="points_market_quota"):
    """限兑额度 How many of a limited good one resident has taken in one period (a quarter).

    One row per (good, resident, period start), a unique key; a redemption takes its quantity by
    a conditional update ``used = used + q WHERE used <= limit - q``, so however many counters
    redeem at once the per-person limit holds (a void gives it back)."""

    good_id = BigInt(null=False, default=None)
    resident_id = BigInt(null=False, default=None)
    period_start = Date(null=False, default=None)
    used = Integer(default=0)

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "good_id", "resident_id", "period_start")]


class RankingConsent(ScopedTable, tablename="points_market_ranking_consent"):
    """排行公开同意 A resident's choice to appear, by name, on public rankings (default: no).
    One row per resident; changed by the resident (or staff on their word), audited."""

    resident_id = BigInt(null=False, default=None)
    consented = Boolean(default=False)
    changed_by = BigInt(null=True, default=None)
    changed_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "resident_id")]


class CardBatch(ScopedTable, tablename="points_market_card_batch"):
    """信义积分卡批次 A printed batch of serial-numbered cards of one denomination."""

    points = Integer(default=1)
    card_count = Integer(default=0)
    prefix = Varchar(length=24, default="")
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz()


class Card(ScopedTable, tablename="points_market_card"):
    """信义积分卡 A bearer card: used once (spent at the counter or credited), then retired."""

    batch_id = BigInt(null=False, default=None)
    serial = Varchar(length=40, null=False)
    points = Integer(default=1)
    status = Varchar(length=8, default="issued")
    """issued | used."""
    used_at = Timestamptz(null=True, default=None)
    used_as = Varchar(length=8, default="")
    """credit | spend."""
    transfer_id = BigInt(null=True, default=None)
    redemption_id = BigInt(null=True, default=None)
    """The redemption a card spent at the counter paid for."""

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "serial")]
