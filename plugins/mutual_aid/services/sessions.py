"""Group sessions beyond sign-up: attendance, and recurring dishes repeating on their schedule
(default monthly) through a daily job that is idempotent by a database key."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from core.plugin import SHANGHAI, Access, record, today_shanghai
from plugins.mutual_aid.services.common import bad, conflict, ensure, not_found, now
from plugins.mutual_aid.tables import Dish, Session, Signup

__all__ = ["HORIZON_DAYS", "RECURRENCES", "check_recurrence", "get_session", "mark_attendance",
           "next_start", "recur_sessions", "session_page", "upcoming_by_dish"]

RECURRENCES = ("monthly", "weekly")
HORIZON_DAYS = 35
"""The job keeps every recurring dish's sessions planned this far ahead (a month and a bit,
so residents see next month's 义诊 when this month's is over)."""


async def mark_attendance(access: Access, *, session_id: int, resident_id: int,
                          attended: bool) -> dict[str, Any]:
    """签到 Mark a signed-up resident present or absent; the session's ``attended`` count
    follows in the same transaction (only a change moves it, so marking twice counts once)."""
    session = await Session.select().where(Session.id == session_id).first()
    if session is None:
        raise not_found("场次", "session", "sessionId")
    dish = await Dish.select().where(Dish.id == session["dish_id"]).first()
    assert dish is not None
    ensure(access, "mutual_aid.serve", int(dish["community_id"]))
    signup = await Signup.select().where((Signup.session_id == session_id)
                                         & (Signup.resident_id == resident_id)).first()
    if signup is None:
        raise conflict("该居民未报名此场次", "the resident did not sign up", "residentId")
    before = signup["attended"] is True
    if before != attended:
        changed = await Signup.update({Signup.attended: attended}).where(
            (Signup.id == signup["id"]) & ((Signup.attended != attended)
                                           | Signup.attended.is_null())).returning(Signup.id)
        if changed:
            delta = 1 if attended else -1
            await Session.update({Session.attended: Session.attended + delta}).where(
                Session.id == session_id)
    elif signup["attended"] is None:  # an absence recorded for the first time
        await Signup.update({Signup.attended: False}).where(Signup.id == signup["id"])
    await record("mutual_aid.session.attendance", account_id=access.principal.account_id,
                 object_type="mutual_aid_session", object_id=session_id,
                 summary={"resident_id": resident_id, "attended": attended})
    found = await Session.select().where(Session.id == session_id).first()
    assert found is not None
    return dict(found)


async def get_session(session_id: int) -> dict[str, Any] | None:
    row = await Session.select().where(Session.id == session_id).first()
    return dict(row) if row else None


async def session_page(first: int, offset: int, *, since: datetime | None,
                       community_id: int | None = None, team_id: int | None = None,
                       dish_id: int | None = None) -> list[dict[str, Any]]:
    """Group sessions by start time (then id), ``first + 1`` rows from position ``offset``,
    each with ``position`` (the page cursor: sessions are read in time order, not id order,
    and a start time is no id). ``since``: only sessions starting then or later (upcoming);
    narrowed to a community's, a team's or one dish's sessions. Two statements at most."""
    query = Session.select()
    if since is not None:
        query = query.where(Session.starts_at >= since)
    if dish_id is not None:
        query = query.where(Session.dish_id == dish_id)
    if community_id is not None or team_id is not None:
        dishes = Dish.select(Dish.id)
        if community_id is not None:
            dishes = dishes.where(Dish.community_id == community_id)
        if team_id is not None:
            dishes = dishes.where(Dish.team_id == team_id)
        ids = [int(r["id"]) for r in await dishes]
        query = query.where(Session.dish_id.is_in(ids or [-1]))
    rows = await query.order_by(Session.starts_at, Session.id).offset(offset).limit(first + 1)
    return [{**dict(r), "position": offset + n + 1} for n, r in enumerate(rows)]


async def upcoming_by_dish(dish_ids: list[int], since: datetime, per_dish: int
                           ) -> dict[int, list[dict[str, Any]]]:
    """The next ``per_dish`` sessions of each dish from ``since``, in start order: one
    statement for any number of dishes (a dish's DataLoader batch)."""
    out: dict[int, list[dict[str, Any]]] = {d: [] for d in dish_ids}
    if not dish_ids:
        return out
    rows = await Session.select().where(
        Session.dish_id.is_in(sorted(set(dish_ids))) & (Session.starts_at >= since)
    ).order_by(Session.starts_at, Session.id)
    for row in rows:
        mine = out[int(row["dish_id"])]
        if len(mine) < per_dish:
            mine.append(dict(row))
    return out


def next_start(start: datetime, recurrence: str) -> datetime:
    """The next occurrence: a week later, or the same day of the next month (the month's last
    day when it is shorter)."""
    if recurrence == "weekly":
        return start + timedelta(days=7)
    year, month = start.year + (start.month == 12), start.month % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return start.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def check_recurrence(value: str) -> str:
    if value not in RECURRENCES:
        raise bad("重复方式须为 monthly 或 weekly", "recurrence is monthly or weekly",
                  "recurrence")
    return value


async def recur_sessions(ctx: dict[str, Any], tenant_id: int) -> int:
    """Daily: each recurring group dish gets its next sessions up to ``HORIZON_DAYS`` ahead,
    copied from its latest session (time, length, places). The unique key (dish, occurrence
    date) makes a second run — or a second worker — add nothing. Returns sessions created."""
    # through the last day of the horizon, Asia/Shanghai
    horizon = datetime.combine(today_shanghai() + timedelta(days=HORIZON_DAYS + 1), time(),
                               SHANGHAI)
    dishes = await Dish.select(Dish.id, Dish.recurrence).where(
        (Dish.tenant_id == tenant_id) & (Dish.recurring == True) & (Dish.mode == "session")
        & (Dish.active == True))
    made = 0
    for dish in dishes:
        latest = await Session.select().where(Session.dish_id == dish["id"]).order_by(
            Session.starts_at, ascending=False).first()
        if latest is None:
            continue
        start = latest["starts_at"]
        if isinstance(start, str):
            start = datetime.fromisoformat(start)
        while True:
            start = next_start(start, str(dish["recurrence"]))
            if (start if start.tzinfo else start.replace(tzinfo=UTC)) >= horizon:
                break
            inserted = await Session.insert(Session(
                tenant_id=tenant_id, dish_id=dish["id"], starts_at=start,
                minutes=latest["minutes"], capacity=latest["capacity"], signed_up=0,
                attended=0, recur_key=start.date().isoformat(), created_at=now())
            ).on_conflict(action="DO NOTHING").returning(Session.id)
            made += len(inserted)
    return made

