"""Notifications: an in-app inbox, live updates, and delivery through channels plugins contribute.

``await notify(recipient, kind, title, body, link)`` writes one inbox row per account reached, in
the caller's scoped write transaction (the scope's write node owns it), plus one *delivery* row
per channel (SMS, WeChat… contributed through ``linli_notification_channels`` by plugins enabled
for the tenant; none ships with core, and the inbox works without any). Once the transaction
commits, live subscribers hear of the new rows and delivery is handed to the ``notify.deliver``
job (or, without a jobs service, to a task of this process). Delivery is at least once: a
channel is sent to only after its unique (notification, channel) row is claimed, a failure is
retried with backoff up to the rule ``notify.delivery_attempts``, and :meth:`NotifyService.
deliver_pending` (run periodically) picks up whatever is due, so a lost job loses nothing.

A resident without an account of their own is notified through those responsible for them: the
accounts plugins name through ``linli_responsible_accounts`` (a building head), else the grid
workers of their grid, else the staff of their community, else the tenant administrators.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Protocol

from piccolo.columns import BigInt, Integer, Text, Timestamptz, Varchar

from core.db import MAX_PK, BaseTable, ScopedTable, fetch_shaped
from core.errors import ApiError, ErrorCode
from core.host import Host
from core.identity.tables import Account, Membership
from core.jobs.service import JobService
from core.jobs.specs import CronSpec, JobSpec
from core.people.tables import Resident
from core.pubsub import PubSub, Subscription
from core.rules.service import RuleRegistry
from tenants.scope import current_scope
from tenants.service import NodeInfo, get_node, scope_for

__all__ = [
    "TOPIC",
    "Added",
    "Channel",
    "LocalText",
    "Notification",
    "NotificationDelivery",
    "NotificationMessage",
    "NotifyService",
    "Recipient",
    "ResidentRecipient",
    "chinese_only",
    "deliver_job",
    "get_service",
    "inbox",
    "install",
    "mark_read",
    "notify",
    "pick",
    "set_service",
    "split_text",
    "sweep_job",
    "unread_count",
]

log = logging.getLogger("linli.notify")

DELIVER_JOB = "notify.deliver"
ATTEMPTS_RULE = "notify.delivery_attempts"
LEASE = timedelta(minutes=5)
"""How long a claimed delivery may stay ``sending`` before another run takes it over."""
TOPIC = "notify"
"""The live-update topic of new inbox rows, keyed by account id."""
_KIND = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


@dataclass(frozen=True)
class ResidentRecipient:
    """居民收件人 A resident: reached through their own account, or else through those
    responsible for them."""

    resident_id: int


Recipient = int | ResidentRecipient
"""An account id, or a resident."""


class Notification(ScopedTable, tablename="linli_notification"):
    """通知 One in-app notification for one account, owned by the node that sent it."""

    account_id = BigInt(null=False, default=None)
    kind = Varchar(length=64, null=False)
    """What it is about, e.g. ``blood_drive.appointment_reminder``."""
    title = Varchar(length=200, null=False)
    """The title in Chinese (the default language)."""
    body = Text(default="")
    title_en = Varchar(length=200, default="")
    """The title in English; empty when the sender gave one language only."""
    body_en = Text(default="")
    link = Varchar(length=500, null=True, default=None)
    resident_id = BigInt(null=True, default=None)
    """The resident this was sent on behalf of, when the account is responsible for them."""
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "account_id", "id")]


class NotificationDelivery(BaseTable, tablename="linli_notification_delivery"):
    """通知投递 The delivery of one notification through one channel, unique per pair.

    Infrastructure, not tenant data: a plain table (with ``tenant_id``) because the delivery
    sweep reads it across tenants; it holds ids, a channel name and a status, no personal data.
    The notification itself is read inside the tenant's scope."""

    tenant_id = BigInt(null=False, default=None)
    notification_id = BigInt(null=False, default=None)
    channel = Varchar(length=64, null=False)
    status = Varchar(length=16, null=False, default="pending")
    """``pending``, ``sending`` (claimed until ``claimed_until``), ``delivered`` or ``failed``."""
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz()
    claimed_until = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    delivered_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("notification_id", "channel"),
        ("status", "next_attempt_at", "id"),
    ]


@dataclass(frozen=True)
class NotificationMessage:
    """What a channel is given to send."""

    id: int
    tenant_id: int
    account_id: int
    kind: str
    title: str
    body: str
    link: str | None
    resident_id: int | None
    created_at: datetime
    title_en: str = ""
    """English title and body (empty when the sender gave Chinese only)."""
    body_en: str = ""


@dataclass(frozen=True)
class LocalText:
    """面向用户的双语文字 Words for a person, in Chinese and English: stored both, shown in the
    reader's language (``Accept-Language``), never glued into one string."""

    zh: str
    en: str


_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def split_text(text: str | LocalText) -> LocalText:
    """Both languages of a notification's text. A plain string written the old way,
    ``"中文 / English"``, is split at the first " / " with Chinese before it and a Latin letter
    right after it (names inside the English part may be Chinese); any other plain string is
    Chinese only (English falls back to it when read)."""
    if isinstance(text, LocalText):
        return text
    start = 0
    while (at := text.find(" / ", start)) >= 0:
        zh, en = text[:at].strip(), text[at + 3:].strip()
        if zh and _CJK.search(zh) and en[:1].isascii() and en[:1].isalpha():
            return LocalText(zh, en)
        start = at + 3
    return LocalText(text, "")


def pick(zh: str, en: str, language: str) -> str:
    """The text in ``language`` (``"zh"``/``"en"``); English falls back to Chinese."""
    return zh if chinese_only(language) or not en else en


def chinese_only(language: str) -> bool:
    """Whether :func:`pick` answers the Chinese text for ``language`` whatever the English (any
    language but English): a page of rows can then take the Chinese column without a call."""
    return language != "en"


class Channel(Protocol):
    """A delivery channel a plugin contributes: ``send`` raises on failure (then it is
    retried); it may be called more than once for one notification after a crash."""

    name: str

    async def send(self, notification: NotificationMessage) -> None: ...


@dataclass(frozen=True)
class Added:
    """A live update: a new inbox row for an account."""

    account_id: int
    tenant_id: int
    notification_id: int


def _now() -> datetime:
    return datetime.now(UTC)


def _message(row: dict[str, Any]) -> NotificationMessage:
    return NotificationMessage(
        id=int(row["id"]), tenant_id=int(row["tenant_id"]), account_id=int(row["account_id"]),
        kind=row["kind"], title=row["title"], body=row["body"], link=row["link"],
        resident_id=row["resident_id"], created_at=row["created_at"],
        title_en=row.get("title_en") or "", body_en=row.get("body_en") or "")


def _check_text(kind: str, title: LocalText, body: LocalText, link: str | None) -> None:
    if not _KIND.match(kind) or len(kind) > 64:
        raise ApiError.invalid("kind", "通知类型格式错误",
                               "kind must look like 'plugin.what' (a-z, 0-9, _)")
    if not title.zh.strip() or max(len(title.zh), len(title.en)) > 200:
        raise ApiError.invalid("title", "标题须为1到200字", "the title must be 1–200 characters")
    if max(len(body.zh), len(body.en)) > 4000:
        raise ApiError.invalid("body", "正文不能超过4000字",
                               "the body must be at most 4000 characters")
    if link is not None and len(link) > 500:
        raise ApiError.invalid("link", "链接不能超过500字符",
                               "the link must be at most 500 characters")


class _Peers(Protocol):
    """The services notify uses; jobs and rules are optional (read at call time)."""

    notify: NotifyService | None

    @property
    def pubsub(self) -> PubSub | None: ...

    @property
    def jobs(self) -> JobService | None: ...

    @property
    def rules(self) -> RuleRegistry | None: ...


class _Host(Host, Protocol):
    @property
    def services(self) -> _Peers: ...


class NotifyService:
    """The inbox writer, the delivery runner and the live-update publisher of one app."""

    def __init__(self, state: _Host) -> None:
        self.state = state
        pubsub = state.services.pubsub
        if pubsub is None:
            raise RuntimeError("install core.pubsub before core.notify.service")
        self.pubsub: PubSub = pubsub
        self.channels: dict[str, tuple[str, Channel]] = {}
        for owner, channel in state.registry.notification_channels():
            name = getattr(channel, "name", None)
            if not name or not callable(getattr(channel, "send", None)):
                raise TypeError(f"plugin {owner}: a notification channel needs a name and an "
                                f"async send(notification)")
            if name in self.channels:
                raise ValueError(f"notification channel {name!r} is contributed by both "
                                 f"{self.channels[name][0]} and {owner}")
            self.channels[name] = (owner, channel)
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- writing ----------------------------------------------------------
    async def notify(self, recipient: Recipient, kind: str, title: str | LocalText,
                     body: str | LocalText, link: str | None = None) -> list[int]:
        """Write the inbox rows (inside the caller's scoped write transaction); returns their
        ids, one per account reached (none when a resident has no one responsible). Both
        languages are stored; the reader's ``Accept-Language`` picks one when it is read."""
        words, text = split_text(title), split_text(body)
        _check_text(kind, words, text, link)
        tenant_id = current_scope().write_node
        if tenant_id is None:
            raise ApiError.invalid(None, "只读范围内不能发送通知",
                                   "notifications are written in a write scope")
        resident_id = None
        target = recipient.resident_id if isinstance(recipient, ResidentRecipient) \
            else int(recipient)
        if not 0 < target <= MAX_PK:  # no such row can exist
            raise ApiError(ErrorCode.NOT_FOUND, "未找到收件人", "recipient not found", "recipient")
        if isinstance(recipient, ResidentRecipient):
            resident_id = recipient.resident_id
            accounts = await self.accounts_for_resident(resident_id, tenant_id)
        else:
            accounts = await self._active([int(recipient)])
            if not accounts:
                raise ApiError(ErrorCode.NOT_FOUND, "未找到收件账号", "recipient account not found",
                               "recipient")
        if not accounts:
            log.warning("resident %s of node %s has no one to notify", resident_id, tenant_id)
            return []
        now = _now()
        rows = [Notification(tenant_id=tenant_id, account_id=a, kind=kind,
                             title=words.zh.strip(), title_en=words.en.strip(), body=text.zh,
                             body_en=text.en, link=link, resident_id=resident_id,
                             created_at=now)
                for a in accounts]
        await Notification.insert(*rows)
        ids = [int(r.id) for r in rows]
        channels = await self._enabled_channels(tenant_id)
        if channels:
            await NotificationDelivery.insert(*(
                NotificationDelivery(tenant_id=tenant_id, notification_id=nid, channel=name,
                                     status="pending", next_attempt_at=now, created_at=now)
                for nid in ids for name in channels))
        added = [Added(r.account_id, tenant_id, int(r.id)) for r in rows]

        async def after_commit() -> None:
            await self._after_commit(added, bool(channels))

        self.state.db.after_commit(after_commit)
        return ids

    async def _active(self, account_ids: Sequence[int]) -> list[int]:
        if not account_ids:
            return []
        rows = await Account.select(Account.id).where(
            Account.id.is_in(list(account_ids)) & (Account.is_active == True))
        return sorted(int(r["id"]) for r in rows)

    async def accounts_for_resident(self, resident_id: int, tenant_id: int) -> list[int]:
        """The resident's own account, else those responsible for them (see the module doc)."""

        resident = await Resident.select(Resident.id, Resident.grid_id,
                                         Resident.community_id).where(
            (Resident.id == resident_id) & (Resident.tenant_id == tenant_id)).first()
        if resident is None:
            raise ApiError(ErrorCode.NOT_FOUND, "未找到该居民", "resident not found", "recipient")
        own = await Account.select(Account.id).where(
            (Account.resident_id == resident_id) & (Account.resident_tenant_id == tenant_id)
            & (Account.is_active == True))
        if own:
            return sorted(int(r["id"]) for r in own)
        named = await self._active(
            await self.state.registry.responsible_accounts(resident_id, tenant_id))
        if named:
            return named
        for kind, place in (("grid", resident["grid_id"]), ("community", resident["community_id"])):
            if place is None:
                continue
            found = await self._members(tenant_id, Membership.place_kind == kind,
                                        Membership.place_id == place)
            if found:
                return found
        return await self._members(tenant_id, Membership.role == "tenant_admin",
                                   Membership.place_kind.is_null())

    async def _members(self, tenant_id: int, *where: Any) -> list[int]:
        query = Membership.select(Membership.account_id).where(Membership.node_id == tenant_id)
        for condition in where:
            query = query.where(condition)
        return await self._active(sorted({int(r["account_id"]) for r in await query}))

    async def _enabled_channels(self, tenant_id: int) -> list[str]:
        if not self.channels:
            return []
        enabled = await self.state.registry.enabled_for(tenant_id)
        return sorted(n for n, (owner, _) in self.channels.items() if owner in enabled)

    async def _after_commit(self, added: list[Added], deliver: bool) -> None:
        for item in added:
            await self.pubsub.publish(TOPIC, item.account_id, item)
        if not deliver:
            return
        jobs = self.state.services.jobs
        for item in added:
            if jobs is not None:
                try:
                    await jobs.enqueue(DELIVER_JOB, tenant_id=item.tenant_id,
                                       job_id=f"{DELIVER_JOB}:{item.notification_id}",
                                       notification_id=item.notification_id)
                except Exception:  # the sweep delivers what was not queued
                    log.exception("could not queue %s for notification %s", DELIVER_JOB,
                                  item.notification_id)
            else:
                task = asyncio.create_task(self.deliver(item.tenant_id, item.notification_id))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    # -- delivering -------------------------------------------------------
    async def deliver(self, tenant_id: int, notification_id: int,
                      now: datetime | None = None) -> int:
        """Send one notification through each of its due channels; returns how many sends
        succeeded. Failures are recorded for a later retry, never raised."""
        now = now or _now()
        db = self.state.db
        async with db.transaction(write=False):
            node = await get_node(tenant_id)
            due = await NotificationDelivery.select(NotificationDelivery.id).where(
                (NotificationDelivery.notification_id == notification_id)
                & (NotificationDelivery.tenant_id == tenant_id)
                & (NotificationDelivery.next_attempt_at <= now)
                & ((NotificationDelivery.status == "pending")
                   | ((NotificationDelivery.status == "sending")
                      & (NotificationDelivery.claimed_until < now))))
        if node is None or not due:
            return 0
        async with db.scoped(scope_for(node)):
            row = await Notification.select().where(Notification.id == notification_id).first()
            max_attempts = await self._max_attempts(node)
            enabled = await self._enabled_channels(tenant_id)
        sent = 0
        for delivery in due:
            claimed = await self._claim(int(delivery["id"]), now)
            if claimed is None:
                continue
            sent += await self._send_one(claimed, row, max_attempts, now, enabled)
        return sent

    async def _max_attempts(self, node: NodeInfo) -> int:
        rules = self.state.services.rules
        if rules is None or ATTEMPTS_RULE not in rules.keys:
            return 8
        return int((await rules.get(ATTEMPTS_RULE, node)).value)

    async def _claim(self, delivery_id: int, now: datetime) -> dict[str, Any] | None:
        """Take the delivery row (committed before sending, so a second runner skips it)."""
        D = NotificationDelivery
        async with self.state.db.transaction():
            done = await D.update({D.status: "sending", D.claimed_until: now + LEASE,
                                   D.attempts: D.attempts + 1}).where(
                (D.id == delivery_id) & (D.next_attempt_at <= now)
                & ((D.status == "pending") | ((D.status == "sending") & (D.claimed_until < now)))
            ).returning(D.id, D.channel, D.attempts)
        return done[0] if done else None

    async def _send_one(self, claimed: dict[str, Any], row: dict[str, Any] | None,
                        max_attempts: int, now: datetime, enabled: list[str]) -> int:
        D = NotificationDelivery
        found = self.channels.get(claimed["channel"])
        error = ""
        if row is None:
            error = "notification not found"
        elif found is None or claimed["channel"] not in enabled:
            found = None
            error = f"channel {claimed['channel']} is not installed or enabled here"
        else:
            try:
                await found[1].send(_message(row))
            except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
                error = f"{type(exc).__name__}: {exc}"[:1000]
        async with self.state.db.transaction():
            if not error:
                await D.update({D.status: "delivered", D.delivered_at: _now(),
                                D.claimed_until: None, D.last_error: ""}).where(
                    D.id == claimed["id"])
                return 1
            attempts = int(claimed["attempts"])
            final = attempts >= max_attempts or row is None or found is None
            backoff = timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))
            await D.update({D.status: "failed" if final else "pending", D.claimed_until: None,
                            D.last_error: error, D.next_attempt_at: now + backoff}).where(
                D.id == claimed["id"])
        log.warning("notification %s via %s failed (attempt %s%s): %s", claimed["id"],
                    claimed["channel"], attempts, ", giving up" if final else "", error)
        return 0

    async def deliver_pending(self, limit: int = 500, now: datetime | None = None) -> int:
        """Deliver everything due, across tenants (run periodically: the sweep that makes a
        lost job harmless); returns how many sends succeeded."""
        now = now or _now()
        D = NotificationDelivery
        async with self.state.db.transaction(write=False):
            due = await D.select(D.tenant_id, D.notification_id).where(
                (D.next_attempt_at <= now)
                & ((D.status == "pending") | ((D.status == "sending") & (D.claimed_until < now)))
            ).order_by(D.id).limit(limit)
        sent = 0
        for tenant_id, notification_id in dict.fromkeys(
                (int(r["tenant_id"]), int(r["notification_id"])) for r in due):
            sent += await self.deliver(tenant_id, notification_id, now)
        return sent

    def subscribe(self, account_id: int) -> Subscription[Added]:
        """The account's new inbox rows (at every node) from now on; close it when done."""
        return self.pubsub.subscribe(TOPIC, account_id, Added)

    # -- lifecycle --------------------------------------------------------
    async def stop(self) -> None:
        """Wait for in-process deliveries still running."""
        for task in list(self._tasks):
            with suppress(Exception):
                await task


# -- the inbox (inside a scope that reads ``node_id``) ---------------------------------------
INBOX_COLUMNS = (Notification.id, Notification.kind, Notification.title, Notification.title_en,
                 Notification.body, Notification.body_en, Notification.link,
                 Notification.resident_id, Notification.created_at, Notification.read_at)
"""What ``core.notify.schema.Notification.builder`` reads of a row: not the tenant and the
account, which the filter already fixes (each row's two integers cost the page's decoding
time for nothing)."""

def _mine(account_id: int, node_id: int) -> Any:
    return (Notification.account_id == account_id) & (Notification.tenant_id == node_id)


async def inbox(account_id: int, node_id: int, first: int, before_id: int = 0,
                unread_only: bool = False) -> Sequence[Any]:
    """Newest first: up to ``first + 1`` rows older than ``before_id`` (0: from the newest).
    Rows read by column name (asyncpg's records on PostgreSQL: :func:`core.db.fetch_shaped`),
    with the columns a notification shows (:data:`INBOX_COLUMNS`)."""

    def build() -> Any:
        query = Notification.select(*INBOX_COLUMNS).where(_mine(account_id, node_id))
        if before_id:
            query = query.where(Notification.id < before_id)
        if unread_only:
            query = query.where(Notification.read_at.is_null())
        return query.order_by(Notification.id, ascending=False).limit(first + 1)

    return await fetch_shaped(
        Notification, ("notify.inbox", bool(before_id), unread_only, first),
        [account_id, node_id, *([before_id] if before_id else [])], build)


async def unread_count(account_id: int, node_id: int) -> int:
    return int(await Notification.count().where(
        _mine(account_id, node_id) & Notification.read_at.is_null()))


async def mark_read(account_id: int, node_id: int, ids: Sequence[int] = (),
                    everything: bool = False) -> int:
    """Mark the account's notifications read (``ids``, or ``everything``); returns how many
    changed. An id that is not the account's (here) is NOT_FOUND and nothing changes."""
    if not everything and not ids:
        raise ApiError.invalid("ids", "请指定要标记的通知或 all",
                               "name the notifications to mark, or all")
    query = Notification.select(Notification.id, Notification.read_at).where(
        _mine(account_id, node_id) & Notification.read_at.is_null())
    if not everything:
        wanted = set(ids)
        found = await Notification.select(Notification.id).where(
            _mine(account_id, node_id) & Notification.id.is_in(sorted(wanted)))
        if len(found) != len(wanted):
            raise ApiError(ErrorCode.NOT_FOUND, "未找到部分通知",
                           "some notifications were not found", "ids")
        query = query.where(Notification.id.is_in(sorted(wanted)))
    unread = [int(r["id"]) for r in await query]
    if unread:
        await Notification.update({Notification.read_at: _now()}).where(
            Notification.id.is_in(unread))
    return len(unread)


_service: NotifyService | None = None


def set_service(service: NotifyService | None) -> None:
    global _service
    _service = service


def get_service() -> NotifyService:
    if _service is None:
        raise RuntimeError("通知服务未初始化 / the notify service is not installed")
    return _service


async def notify(recipient: Recipient, kind: str, title: str | LocalText,
                 body: str | LocalText, link: str | None = None) -> list[int]:
    """通知 Notify an account (by id) or a resident (:class:`ResidentRecipient`), inside a
    scoped write transaction; returns the ids of the inbox rows written. Give ``title`` and
    ``body`` as :class:`LocalText` (both languages, each shown to the reader who asked for
    it); a plain string is Chinese only."""
    return await get_service().notify(recipient, kind, title, body, link)


async def deliver_job(ctx: dict[str, Any], tenant_id: int, notification_id: int) -> int:
    """The ``notify.deliver`` job: send one notification through its channels (it opens its
    tenant's scope itself, and commits each claim before sending)."""
    service: NotifyService = ctx["state"].services.notify
    return await service.deliver(tenant_id, notification_id)


async def sweep_job(ctx: dict[str, Any], tenant_id: int | None = None) -> int:
    """The ``notify.sweep`` cron job: deliver whatever is due (retries, lost jobs)."""
    service: NotifyService = ctx["state"].services.notify
    return await service.deliver_pending()


SWEEP_JOB = "notify.sweep"


def _register_jobs(jobs: Any) -> None:
    """``notify.deliver`` (queued after each commit) and the ``notify.sweep`` cron (every
    minute: retries and anything a lost job left behind)."""

    jobs.register(JobSpec(DELIVER_JOB, deliver_job, tenant_scoped=False, keep_result=0))
    jobs.register(CronSpec(SWEEP_JOB, sweep_job, second=0, per_tenant=False))


def install(state: _Host) -> None:
    """Put the notify service at ``state.services.notify`` (live updates go through
    ``state.services.pubsub``, installed before it)."""
    service = NotifyService(state)
    state.services.notify = service
    jobs = state.services.jobs
    if jobs is not None and hasattr(jobs, "register"):
        _register_jobs(jobs)
    set_service(service)
    state.on_shutdown.append(service.stop)
