"""Publication: a resident's statement (爱心储蓄本), balances with the star grade, quarterly
and yearly rankings (names only for residents who agreed), the notice sheet and the export for
the public credit information platform (公共信用信息平台)."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Sum

from core.plugin import (
    RESIDENTS,
    ApiError,
    mask_text,
    place_names,
    rule_reader,
    rule_value,
    today_shanghai,
)
from plugins.points_market.services.catalogue import items_by_ids
from plugins.points_market.services.consent import consenting, consenting_query
from plugins.points_market.tables import Account, Claim, Entry, Transfer

__all__ = [
    "Figures",
    "NoticeLine",
    "RankRow",
    "account_with_page",
    "credit_rows",
    "figures_of",
    "period_bounds",
    "public_notices",
    "ranking",
    "sheet_xlsx",
    "stars_of",
    "statement",
    "statement_details",
]


@dataclass(frozen=True)
class Figures:
    """An account's two figures and the star grade of its earned points."""

    account_id: int | None
    balance: int
    earned: int
    stars: int
    rule_version: int


@dataclass(frozen=True)
class _Tenant:
    """The acting tenant as the rules read it (its id and path), known from the caller's access
    — so reading a rule costs no lookup of the node."""

    id: int
    path: str
    is_region: bool = False


STAR_RULE_TTL = 30.0
"""Seconds an account read may reuse the star thresholds it read (per process, per tenant and
day): a new threshold shows on a star grade within this long, with the version it came from."""
_star_rules: dict[tuple[int, str, date], tuple[float, Any]] = {}


async def stars_of(earned: int, tenant_id: int, tenant_path: str | None = None
                   ) -> tuple[int, int]:
    """(stars 0–5, rule version) of an earned figure under ``points_market.star_thresholds``.

    With ``tenant_path`` (the caller's access knows it) the rule is read without looking the
    node up, and reused for :data:`STAR_RULE_TTL` seconds — an account read is then the
    account and its page alone (the benchmark's balance + statement)."""
    key = "points_market.star_thresholds"
    if tenant_path is None:
        rule = await rule_value(key, tenant_id)
    else:
        day, now = today_shanghai(), time.monotonic()
        cached = _star_rules.get((tenant_id, tenant_path, day))
        if cached is not None and cached[0] > now:
            rule = cached[1]
        else:
            rule = await rule_reader().get(key, _Tenant(tenant_id, tenant_path), day)
            if len(_star_rules) > 10_000:
                _star_rules.clear()
            _star_rules[(tenant_id, tenant_path, day)] = (now + STAR_RULE_TTL, rule)
    return sum(1 for t in rule.value if earned >= int(t)), rule.version


async def figures_of(kind: str, owner_id: int, tenant_id: int, tenant_path: str | None = None
                     ) -> Figures:
    """An account's cached figures (``check_books`` compares them with the entries) and star
    grade: two statements (the account, the rule) when ``tenant_path`` is given."""
    row = await Account.select(Account.id, Account.balance, Account.earned).where(
        (Account.kind == kind) & (Account.owner_id == owner_id)).first()
    balance, earned = (int(row["balance"]), int(row["earned"])) if row else (0, 0)
    stars, version = await stars_of(earned, tenant_id, tenant_path)
    return Figures(account_id=int(row["id"]) if row else None, balance=balance, earned=earned,
                   stars=stars, rule_version=version)


async def account_with_page(kind: str, owner_id: int, tenant_id: int, tenant_path: str, *,
                            first: int) -> tuple[Figures, list[dict[str, Any]]]:
    """An account's figures and the first page of its statement (``first + 1`` entries, newest
    first) in one read: the page is selected through the account (a sub-select on its unique
    key), and its newest entry carries the running balance and earned figure — the same as the
    account's cache (``check_books`` compares both). Entries written before the running
    figures existed fall back to reading the account (one more statement)."""
    account = Account.select(Account.id).where((Account.kind == kind)
                                               & (Account.owner_id == owner_id))
    rows: list[dict[str, Any]] = await Entry.select().where(
        Entry.account_id.is_in(account)).order_by(Entry.id, ascending=False).limit(first + 1)
    if not rows:   # no entries: no account, or one with nothing on it yet
        figures = await figures_of(kind, owner_id, tenant_id, tenant_path)
        return figures, []
    newest = rows[0]
    if newest["balance_after"] is None:
        return await figures_of(kind, owner_id, tenant_id, tenant_path), rows
    earned = int(newest["earned_after"])
    stars, version = await stars_of(earned, tenant_id, tenant_path)
    return Figures(account_id=int(newest["account_id"]), balance=int(newest["balance_after"]),
                   earned=earned, stars=stars, rule_version=version), rows


async def statement(account_id: int, *, first: int, after: int | None = None
                    ) -> list[dict[str, Any]]:
    """The account's entries, newest first, keyset-paged by entry id (``first + 1`` rows)."""
    where: Any = Entry.account_id == account_id
    if after is not None:
        where &= Entry.id < after
    rows: list[dict[str, Any]] = await Entry.select().where(where).order_by(
        Entry.id, ascending=False).limit(first + 1)
    return rows


async def statement_details(entries: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """For a page of entries: ``{transfer id: {kind, memo, content, minutes, reviewer, …}}``
    (the 爱心储蓄本 columns: content, duration, reviewer). The kind, memo and claim are on the
    entries themselves; only claims (and their items) are read, one statement each whatever the
    page size — none for a page without claims. Older entries without the copy fall back to
    their transfers (one more statement)."""
    if not entries:
        return {}
    facts = {int(e["transfer_id"]): {"kind": e["kind"], "memo": e["memo"],
                                     "claim_id": e["claim_id"]} for e in entries if e["kind"]}
    missing = sorted({int(e["transfer_id"]) for e in entries} - set(facts))
    if missing:
        for t in await Transfer.select(Transfer.id, Transfer.kind, Transfer.memo,
                                       Transfer.claim_id).where(Transfer.id.is_in(missing)):
            facts[int(t["id"])] = {"kind": t["kind"], "memo": t["memo"],
                                   "claim_id": t["claim_id"]}
    claim_ids = sorted({int(f["claim_id"]) for f in facts.values() if f["claim_id"] is not None})
    claims = {int(c["id"]): c for c in await Claim.select(
        Claim.id, Claim.item_id, Claim.minutes, Claim.reviewed_by, Claim.occurred_on).where(
        Claim.id.is_in(claim_ids))} if claim_ids else {}
    items = await items_by_ids(sorted({int(c["item_id"]) for c in claims.values()}))
    out: dict[int, dict[str, Any]] = {}
    for tid, f in facts.items():
        claim = claims.get(int(f["claim_id"])) if f["claim_id"] is not None else None
        item = items.get(int(claim["item_id"])) if claim else None
        out[tid] = {
            "kind": f["kind"], "memo": f["memo"],
            "content_zh": item["name_zh"] if item else f["memo"],
            "content_en": item["name_en"] if item else f["memo"],
            "minutes": claim["minutes"] if claim else None,
            "reviewer_account_id": claim["reviewed_by"] if claim else None,
            "occurred_on": claim["occurred_on"] if claim else None,
        }
    return out


def period_bounds(year: int, quarter: int | None) -> tuple[date, date]:
    """First and last day of a year or one of its quarters."""
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    if quarter not in (1, 2, 3, 4):
        raise ApiError.invalid("quarter", "季度必须是1–4", "quarter must be 1–4")
    start = date(year, quarter * 3 - 2, 1)
    end = date(year + (quarter == 4), (quarter * 3) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


@dataclass(frozen=True)
class RankRow:
    rank: int
    kind: str
    owner_id: int
    points: int
    name: str | None
    """Only for households (the room) and residents who agreed to be named."""


async def ranking(kind: str, year: int, quarter: int | None = None, *, first: int = 20,
                  public: bool = False, skip: int = 0) -> list[RankRow]:
    """The ``first`` residents or households ranked after the top ``skip`` by net points earned
    in the period (points, then account, so pages never overlap; one aggregate statement over
    the entries, plus one for consent and one for names, whatever ``first``).

    Residents are named only when they agreed (``RankingConsent``); on the ``public`` ranking
    only residents who agreed appear at all, and households only when a member of theirs
    agreed — both filtered in SQL *before* the ``LIMIT``, so a public ranking is never shorter
    than asked while more qualify."""
    if kind not in ("resident", "household"):
        raise ApiError.invalid("kind", "排行对象必须是居民或家庭", "rank residents or households")
    start, end = period_bounds(year, quarter)
    owners = Account.select(Account.id).where(Account.kind == kind)
    if public:
        agreeing: Any = consenting_query()
        if kind == "household":   # households with a member who agreed
            agreeing = RESIDENTS.select(RESIDENTS.household_id).where(
                RESIDENTS.id.is_in(consenting_query()) & RESIDENTS.household_id.is_not_null())
        owners = Account.select(Account.id).where(
            (Account.kind == kind) & Account.owner_id.is_in(agreeing))
    total = Sum(Entry.earned).as_alias("points")
    rows = await Entry.select(Entry.account_id, total).where(
        (Entry.booked_on >= start) & (Entry.booked_on <= end) & (Entry.earned != 0)
        & Entry.account_id.is_in(owners)
    ).group_by(Entry.account_id).order_by(total, ascending=False).order_by(
        Entry.account_id).offset(skip).limit(first)
    if not rows:
        return []
    accounts = {int(a["id"]): int(a["owner_id"]) for a in await Account.select(
        Account.id, Account.owner_id).where(Account.id.is_in([r["account_id"] for r in rows]))}
    owner_ids = [accounts[int(r["account_id"])] for r in rows]
    # residents are named only when they agreed; households (a room) on the staff ranking
    # always, on the public one only those a member agreed for — every row there
    agreed = (await consenting(owner_ids) if kind == "resident" and not public
              else set(owner_ids))
    names = await place_names(kind, [o for o in owner_ids if o in agreed])
    return [RankRow(rank=n, kind=kind, owner_id=owner, points=int(r["points"] or 0),
                    name=names.get(owner) if owner in agreed else None)
            for n, (r, owner) in enumerate(zip(rows, owner_ids, strict=True), skip + 1)]


@dataclass(frozen=True)
class NoticeLine:
    """A line of the public 公示栏: what was claimed and for whom, the name masked."""

    claim_id: int
    subject_kind: str
    name: str
    """A resident's name masked (``张**``); a household shows only ``某户`` — never an id, a
    room or a phone."""
    community: str
    item_code: str
    item_name_zh: str
    item_name_en: str
    points: int
    """Signed: deductions (扣分) are negative."""
    occurred_on: date
    notice_from: date
    notice_until: date


async def public_notices(day: date, first: int, community_id: int | None = None, *,
                         before: int | None = None) -> list[NoticeLine]:
    """The claims on notice on ``day`` at the node (newest first, at most ``first``, those with
    an id below ``before`` when given: the next page), for the
    public notice board: item, points, dates, the community and a masked name. Four statements
    (claims, items, resident names, community names) whatever the number of lines."""
    where = (Claim.status == "noticed") & (Claim.notice_from <= day) & (Claim.notice_until >= day)
    if community_id is not None:
        where &= Claim.community_id == community_id
    if before is not None:
        where &= Claim.id < before
    rows = await Claim.select(
        Claim.id, Claim.subject_kind, Claim.resident_id, Claim.community_id, Claim.item_id,
        Claim.item_code, Claim.points, Claim.occurred_on, Claim.notice_from, Claim.notice_until,
    ).where(where).order_by(Claim.id, ascending=False).limit(first)
    if not rows:
        return []
    items = await items_by_ids([int(r["item_id"]) for r in rows])
    people = await place_names("resident", [int(r["resident_id"]) for r in rows
                                            if r["resident_id"] is not None])
    places = await place_names("community", [int(r["community_id"]) for r in rows
                                             if r["community_id"] is not None])
    out: list[NoticeLine] = []
    for r in rows:
        item = items.get(int(r["item_id"])) or {}
        if r["resident_id"] is not None:
            name = mask_text(people.get(int(r["resident_id"]), ""))
        else:
            name = "某户"
        out.append(NoticeLine(
            claim_id=int(r["id"]), subject_kind=str(r["subject_kind"]), name=name,
            community=places.get(int(r["community_id"]), "") if r["community_id"] else "",
            item_code=str(r["item_code"]), item_name_zh=str(item.get("name_zh", "")),
            item_name_en=str(item.get("name_en", "")), points=int(r["points"]),
            occurred_on=r["occurred_on"], notice_from=r["notice_from"],
            notice_until=r["notice_until"]))
    return out


async def credit_rows(start: date, end: date) -> list[dict[str, Any]]:
    """The approved items for the public credit information platform: claims posted to the
    ledger (approved, noticed and unchallenged) whose conduct fell from ``start`` to ``end``."""
    if end < start:
        raise ApiError.invalid("end", "结束日期早于开始日期", "the end is before the start")
    rows: list[dict[str, Any]] = await Claim.select().where(
        (Claim.status == "posted") & (Claim.occurred_on >= start) & (Claim.occurred_on <= end)
    ).order_by(Claim.occurred_on).order_by(Claim.id)
    return rows


async def sheet_xlsx(rows: list[dict[str, Any]], title: str) -> bytes:
    """A printable sheet of claims (the 公示栏 notice list, or the credit-platform export):
    resident, item, points, day, status, notice period."""
    from openpyxl import Workbook

    items = await items_by_ids(sorted({int(r["item_id"]) for r in rows}))
    names = await place_names("resident", [int(r["resident_id"]) for r in rows
                                           if r["resident_id"] is not None])
    rooms = await place_names("household", [int(r["household_id"]) for r in rows
                                            if r["household_id"] is not None])
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(["序号 No.", "对象 Subject", "事项代码 Code", "事项 Item", "分值 Points",
                  "发生日期 Day", "状态 Status", "公示起 From", "公示止 Until"])
    for n, r in enumerate(rows, 1):
        item = items.get(int(r["item_id"]), {})
        who = (names.get(int(r["resident_id"]), "") if r["resident_id"] is not None
               else rooms.get(int(r["household_id"] or 0), ""))
        sheet.append([n, who, r["item_code"], item.get("name_zh", ""), r["points"],
                      r["occurred_on"].isoformat(), r["status"],
                      r["notice_from"].isoformat() if r["notice_from"] else "",
                      r["notice_until"].isoformat() if r["notice_until"] else ""])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


