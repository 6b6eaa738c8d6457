"""Claims → review → 公示 (public notice) → ledger.

1. A claim names a resident or a household, an item (the version in force on the day of the
   conduct), evidence and who reported it; events of other modules become claims through the
   per-tenant rule ``points_market.event_items`` (one claim per event: a unique key).
2. Review, singly or in a recorded meeting: a reviewer cannot approve a claim for themself or
   their household; volunteer service under ``points_market.min_service_minutes`` is rejected;
   duplicates (same person, item, day) are flagged.
3. Approved claims are noticed for ``points_market.notice_days`` (or until 31 December when the
   notice cadence is ``yearly``); an upheld objection cancels the claim.
4. :func:`post_due` posts every claim whose notice ended unchallenged: the transfer's
   idempotency key ``claim:<id>`` and a conditional status update make it once, however many
   jobs run at the same time.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.plugin import (
    ApiError,
    Event,
    account_of_resident,
    current_scope,
    emit,
    get_household,
    get_resident,
    record,
    residents_in,
    rule_value,
    today_shanghai,
)
from plugins.points_market.events import ClaimsPosted
from plugins.points_market.services import ledger
from plugins.points_market.services.catalogue import current_item
from plugins.points_market.tables import Claim, Meeting, Objection

__all__ = [
    "REPORTERS",
    "decide_objection",
    "notice_list",
    "object_to",
    "on_event",
    "post_due",
    "record_meeting",
    "report_claim",
    "review_claim",
]

log = logging.getLogger(__name__)

REPORTERS = ("grid_worker", "building_head", "resident", "staff", "event")
OPEN = ("pending", "noticed", "posted")
"""Statuses of a claim that still counts (for the duplicate flag)."""


def _now() -> datetime:
    return datetime.now(UTC)


async def _subject(resident_id: int | None, household_id: int | None
                   ) -> tuple[str, int | None, int | None, int | None]:
    """(kind, resident id, household id, community id) of a claim's subject, checked."""
    if (resident_id is None) == (household_id is None):
        raise ApiError.invalid("residentId", "请指定居民或家庭（二选一）",
                               "name either a resident or a household")
    if resident_id is not None:
        resident = await get_resident(resident_id)
        if resident is None:
            raise ApiError.not_found("居民", "resident", "residentId")
        return "resident", resident.id, resident.household_id, resident.community_id
    assert household_id is not None
    household = await get_household(household_id)
    if household is None:
        raise ApiError.not_found("家庭", "household", "householdId")
    return "household", None, household.id, household.community_id


async def report_claim(*, item_code: str, occurred_on: date, resident_id: int | None = None,
                       household_id: int | None = None, evidence: str = "",
                       reporter_kind: str = "staff", reporter_account_id: int | None = None,
                       minutes: int | None = None, source_event_id: int | None = None,
                       source_type: str = "", rule_version: int = 0) -> dict[str, Any]:
    """A new claim (``pending``; flagged ``duplicate`` when the same person has a live claim
    for the same item on the same day). A volunteer claim under the minimum minutes is stored
    already ``rejected`` with the reason."""
    if reporter_kind not in REPORTERS:
        raise ApiError.invalid("reporterKind", "上报人类型不正确", "unknown reporter kind")
    if occurred_on > today_shanghai():
        raise ApiError.invalid("occurredOn", "日期不能晚于今天", "the day cannot be in the future")
    if len(evidence) > 2000:
        raise ApiError.invalid("evidence", "说明不能超过2000字", "evidence is at most 2000 characters")
    kind, rid, hid, community = await _subject(resident_id, household_id)
    item = await current_item(item_code.strip().upper(), occurred_on)
    if item is None:
        raise ApiError.not_found("积分事项", "catalogue item", "itemCode")
    status, note = "pending", ""
    if minutes is not None:
        if minutes <= 0:
            raise ApiError.invalid("minutes", "时长必须大于0", "minutes must be greater than 0")
        least = await rule_value("points_market.min_service_minutes",
                                 current_scope().write_node or 0, occurred_on)
        rule_version = rule_version or least.version
        if minutes < int(least.value):
            status = "rejected"
            note = (f"服务时长 {minutes} 分钟，不足 {least.value} 分钟 / service of {minutes} "
                    f"minutes is under {least.value}")
    same = Claim.item_code == item["code"]
    same &= (Claim.resident_id == rid) if kind == "resident" else (
        (Claim.household_id == hid) & (Claim.subject_kind == "household"))
    duplicate = await Claim.exists().where(
        same & (Claim.occurred_on == occurred_on) & Claim.status.is_in(list(OPEN)))
    node = current_scope().write_node
    made = await Claim.insert(Claim(
        tenant_id=node, subject_kind=kind, resident_id=rid,
        household_id=hid, community_id=community,
        item_id=item["id"], item_code=item["code"],
        points=int(item["points"]) * int(item["sign"]), occurred_on=occurred_on,
        minutes=minutes, evidence=evidence, reporter_kind=reporter_kind,
        reporter_account_id=reporter_account_id, source_event_id=source_event_id,
        source_type=source_type, status=status, duplicate=bool(duplicate and status != "rejected"),
        review_note=note, event_rule_version=rule_version, created_at=_now(),
    )).on_conflict(action="DO NOTHING").returning(Claim.id)
    if not made:   # the same source event, delivered again
        row = await Claim.select().where(Claim.source_event_id == source_event_id).first()
        assert row is not None
        return dict(row)
    return await get_claim(int(made[0]["id"]))


async def get_claim(claim_id: int) -> dict[str, Any]:
    row = await Claim.select().where(Claim.id == claim_id).first()
    if row is None:
        raise ApiError.not_found("积分申报", "claim", "claimId")
    return dict(row)


async def _own_or_household(claim: dict[str, Any], account_id: int | None) -> bool:
    """Whether ``account_id`` belongs to the claim's resident or to a member of its
    household (the self-approval and relatives check)."""
    if account_id is None:
        return False
    tenant = int(claim["tenant_id"])
    people: set[int] = set()
    if claim["resident_id"] is not None:
        people.add(int(claim["resident_id"]))
    if claim["household_id"] is not None:
        people |= {r.id for r in await residents_in(household_ids=[int(claim["household_id"])])}
    for resident_id in sorted(people):
        if await account_of_resident(resident_id, tenant) == account_id:
            return True
    return False


async def _notice_until(start: date) -> tuple[date, int]:
    tenant = current_scope().write_node or 0
    cadence = await rule_value("points_market.notice_cadence", tenant, start)
    if cadence.value == "yearly":
        return date(start.year, 12, 31), cadence.version
    days = await rule_value("points_market.notice_days", tenant, start)
    return start + timedelta(days=int(days.value) - 1), days.version


async def review_claim(claim_id: int, approve: bool, *, reviewer_account_id: int | None,
                       note: str = "", meeting_id: int | None = None,
                       today: date | None = None) -> dict[str, Any]:
    """Approve (the claim goes on notice from today) or reject a pending claim."""
    claim = await get_claim(claim_id)
    if claim["status"] != "pending":
        raise ApiError.conflict("该申报已评议", "the claim has already been reviewed", "claimId")
    day = today or today_shanghai()
    values: dict[Any, Any] = {Claim.reviewed_by: reviewer_account_id,
                              Claim.reviewed_at: _now(), Claim.meeting_id: meeting_id,
                              Claim.review_note: note[:500]}
    if approve:
        if await _own_or_household(claim, reviewer_account_id):
            raise ApiError.forbidden("不能评议本人或本户的申报",
                                     "a reviewer cannot approve a claim for themself or their "
                                     "household")
        if claim["minutes"] is not None:
            least = await rule_value("points_market.min_service_minutes",
                                     int(claim["tenant_id"]), claim["occurred_on"])
            if int(claim["minutes"]) < int(least.value):
                raise ApiError.invalid("claimId", f"服务时长不足 {least.value} 分钟",
                                       f"service under {least.value} minutes earns no points")
        until, version = await _notice_until(day)
        values.update({Claim.status: "noticed", Claim.notice_from: day,
                       Claim.notice_until: until, Claim.notice_rule_version: version})
    else:
        values[Claim.status] = "rejected"
    done = await Claim.update(values).where(
        (Claim.id == claim_id) & (Claim.status == "pending")).returning(Claim.id)
    if not done:
        raise ApiError.conflict("该申报已评议", "the claim has already been reviewed", "claimId")
    await record("points_market.claim.review", account_id=reviewer_account_id,
                 object_type="PointsMarketClaim", object_id=claim_id,
                 summary={"approve": approve, "meeting_id": meeting_id})
    return await get_claim(claim_id)


async def record_meeting(*, held_on: date, members: list[str],
                         decisions: list[tuple[int, bool]], reviewer_account_id: int | None,
                         note: str = "") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A review meeting (date, members) deciding several claims at once; every decision obeys
    the single-review rules, and one refusal refuses the whole batch."""
    names = [m.strip() for m in members if m.strip()]
    if not names:
        raise ApiError.invalid("members", "请填写参会成员", "list the members present")
    if not decisions:
        raise ApiError.invalid("decisions", "请至少评议一项申报", "decide at least one claim")
    if held_on > today_shanghai():
        raise ApiError.invalid("heldOn", "会议日期不能晚于今天", "the meeting cannot be in the future")
    node = current_scope().write_node
    made = await Meeting.insert(Meeting(
        tenant_id=node, held_on=held_on, members=json.dumps(names, ensure_ascii=False),
        note=note[:1000], created_by=reviewer_account_id, created_at=_now(),
    )).returning(Meeting.id)
    meeting_id = int(made[0]["id"])
    claims = [await review_claim(cid, ok, reviewer_account_id=reviewer_account_id,
                                 meeting_id=meeting_id) for cid, ok in decisions]
    await record("points_market.meeting.record", account_id=reviewer_account_id,
                 object_type="PointsMarketMeeting", object_id=meeting_id,
                 summary={"claims": len(claims), "members": len(names)})
    meeting = await Meeting.select().where(Meeting.id == meeting_id).first()
    assert meeting is not None
    return dict(meeting), claims


async def object_to(claim_id: int, *, text: str, account_id: int | None,
                    anonymous: bool = True, today: date | None = None) -> dict[str, Any]:
    """An objection to a claim on notice (anonymous allowed) while the notice runs."""
    claim = await get_claim(claim_id)
    day = today or today_shanghai()
    if claim["status"] != "noticed" or claim["notice_until"] is None \
            or day > claim["notice_until"]:
        raise ApiError.invalid("claimId", "该申报不在公示期内", "the claim is not on notice")
    if not text.strip() or len(text) > 1000:
        raise ApiError.invalid("text", "请填写异议内容（不超过1000字）",
                               "state the objection (at most 1000 characters)")
    node = current_scope().write_node
    made = await Objection.insert(Objection(
        tenant_id=node, claim_id=claim_id, text=text.strip(), anonymous=anonymous,
        account_id=None if anonymous else account_id, status="open", created_at=_now(),
    )).returning(Objection.id)
    row = await Objection.select().where(Objection.id == made[0]["id"]).first()
    assert row is not None
    return dict(row)


async def decide_objection(objection_id: int, uphold: bool, *, account_id: int | None,
                           note: str = "") -> dict[str, Any]:
    """Staff decide an objection; upheld, the claim is cancelled (it is never posted)."""
    done = await Objection.update({
        Objection.status: "upheld" if uphold else "dismissed", Objection.decided_by: account_id,
        Objection.decided_at: _now(), Objection.decision_note: note[:500],
    }).where((Objection.id == objection_id) & (Objection.status == "open")).returning(
        Objection.claim_id)
    if not done:
        if not await Objection.exists().where(Objection.id == objection_id):
            raise ApiError.not_found("异议", "objection", "objectionId")
        raise ApiError.conflict("该异议已处理", "the objection has already been decided",
                                "objectionId")
    if uphold:
        await Claim.update({Claim.status: "cancelled"}).where(
            (Claim.id == done[0]["claim_id"]) & (Claim.status == "noticed"))
    row = await Objection.select().where(Objection.id == objection_id).first()
    assert row is not None
    return dict(row)


async def notice_list(community_id: int | None = None, on: date | None = None
                      ) -> list[dict[str, Any]]:
    """The claims on notice on ``on`` (default today), per community when given."""
    day = on or today_shanghai()
    where = (Claim.status == "noticed") & (Claim.notice_from <= day) & (Claim.notice_until >= day)
    if community_id is not None:
        where &= Claim.community_id == community_id
    rows: list[dict[str, Any]] = await Claim.select().where(where).order_by(Claim.id)
    return rows


async def post_due(today: date | None = None, *, limit: int = 50_000) -> int:
    """Post every claim whose notice ended before ``today`` with no open or upheld objection;
    the number posted by this call (a concurrent or repeated run posts none twice).

    Set-based, so 10,000 claims take a handful of statements: the transfers are inserted at
    once with their unique keys ``claim:<id>`` (``ON CONFLICT DO NOTHING`` — a concurrent run
    waits for the first and skips what it posted), then their entries, the accounts' cached
    figures grouped by equal change, and the claims' status by a conditional update."""
    day = today or today_shanghai()
    blocked = Objection.select(Objection.claim_id).where(Objection.status == "open")
    due = await Claim.select(Claim.id, Claim.subject_kind, Claim.resident_id,
                             Claim.household_id, Claim.points, Claim.item_code).where(
        (Claim.status == "noticed") & (Claim.notice_until < day)
        & Claim.id.not_in(blocked)).order_by(Claim.id).limit(limit)
    if not due:
        return 0
    issuance = await ledger.account_id(ledger.ISSUANCE)
    penalty = await ledger.account_id(ledger.PENALTY)

    def owner_of(claim: dict[str, Any]) -> int:
        return int(claim["resident_id"] if claim["subject_kind"] == "resident"
                   else claim["household_id"])

    accounts = {kind: await ledger.account_ids(kind, [owner_of(c) for c in due
                                                      if c["subject_kind"] == kind])
                for kind in ("resident", "household")}
    moves: list[ledger.Move] = []
    for claim in due:
        subject = accounts[str(claim["subject_kind"])][owner_of(claim)]
        points = int(claim["points"])
        if points == 0:
            continue
        memo = f"{claim['item_code']} #{claim['id']}"
        if points > 0:
            moves.append(ledger.Move(f"claim:{claim['id']}", "award", issuance, subject, points,
                                     to_earned=points, claim_id=int(claim["id"]), memo=memo))
        else:
            moves.append(ledger.Move(f"claim:{claim['id']}", "discredit", subject, penalty,
                                     -points, from_earned=points, claim_id=int(claim["id"]),
                                     memo=memo))
    made = await ledger.transfer_many(moves)
    posted = [m.claim_id for m in moves if m.key in made and m.claim_id is not None]
    if not posted:
        return 0
    await Claim.update({Claim.status: "posted"}).where(
        Claim.id.is_in(posted) & (Claim.status == "noticed"))
    await emit("points_market.claims_posted", ClaimsPosted(
        posted_on=day, claims=len(posted), first_claim_id=min(posted),
        last_claim_id=max(posted)))
    return len(posted)


def _field(payload: Any, name: str) -> Any:
    if isinstance(payload, dict):
        return payload.get(name)
    return getattr(payload, name, None)


async def on_event(event: Event) -> None:
    """An event of another module becomes a claim (reported by ``event``), once per event,
    under the item the rule ``points_market.event_items`` maps its type to."""
    mapping = await rule_value("points_market.event_items", event.tenant_id)
    code = (mapping.value or {}).get(event.type)
    if not code:
        return
    if await Claim.exists().where(Claim.source_event_id == event.id):
        return
    payload = event.payload
    resident_id = _field(payload, "resident_id") or _field(payload, "donor_resident_id")
    if resident_id is None:
        log.warning("event %s (%s) names no resident", event.id, event.type)
        return
    resident = await get_resident(int(resident_id))
    if resident is None or resident.tenant_id != event.tenant_id:
        log.warning("event %s names no resident of tenant %s", event.id, event.tenant_id)
        return
    minutes = _field(payload, "minutes") if event.type == "volunteer.service_recorded" else None
    day = _field(payload, "donated_on") or today_shanghai()
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    if await current_item(str(code), day) is None:
        log.warning("event %s: item %s is not in the catalogue", event.id, code)
        return
    await report_claim(item_code=str(code), occurred_on=min(day, today_shanghai()),
                       resident_id=resident.id, reporter_kind="event",
                       minutes=int(minutes) if minutes is not None else None,
                       evidence=f"{event.type} #{event.id} ({_field(payload, 'kind') or ''})",
                       source_event_id=event.id, source_type=event.type,
                       rule_version=mapping.version)
