"""GraphQL of the inbox: ``myNotifications``, ``unreadNotificationCount``,
``markNotificationsRead`` and the subscription ``notificationAdded``.

The inbox is the caller's notifications at the acting node. Listed in
``core.schema.compose.CORE_CONTRIBUTORS``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from datetime import datetime
from typing import Annotated, Any

import strawberry

from core.declarations import NodeType
from core.identity.access import Access
from core.ids import global_id
from core.language import language_var
from core.notify import service as notify
from core.schema.connection import Connection, check_first, decode_cursor, make_connection
from core.schema.context import Info
from core.schema.errors import ApiError, ErrorCode, UserError
from core.schema.mutations import Audit, run_mutation
from core.schema.relay import Node, blank, decode_global_id

__all__ = ["mutation_fields", "node_types", "query_fields", "subscription_fields", "types"]


@strawberry.type(description="站内通知（标题与正文按 Accept-Language 选择语言）/ an in-app "
                              "notification (title and body in the reader's Accept-Language)")
class Notification(Node):
    kind: str
    title: str
    body: str
    link: str | None
    created_at: datetime
    read_at: datetime | None
    resident_id: strawberry.ID | None = strawberry.field(
        description="代为接收通知的居民 / the resident this was sent on behalf of")

    @strawberry.field(description="是否已读 / whether it was read")
    def read(self) -> bool:
        return self.read_at is not None

    @classmethod
    def from_row(cls, row: Any) -> Notification:
        return cls.builder()(row)

    @classmethod
    def builder(cls) -> Callable[[Any], Notification]:
        """Builds a notification from a row read by column name (a dict or an asyncpg
        record), in the request's language (looked up once, for a page; ``notify.pick``
        chooses each text); the instance made with :func:`blank`."""
        language = language_var.get()
        pick = notify.pick
        new = blank(cls)
        chinese = notify.chinese_only(language)

        def build(row: Any) -> Notification:
            resident = row["resident_id"]
            note = new()
            note.__dict__ = {
                "id": global_id("Notification", int(row["id"])), "kind": row["kind"],
                "title": row["title"] if chinese else pick(row["title"], row.get("title_en") or "",
                                                           language),
                "body": row["body"] if chinese else pick(row["body"], row.get("body_en") or "",
                                                         language),
                "link": row["link"], "created_at": row["created_at"], "read_at": row["read_at"],
                "resident_id": None if resident is None else global_id("Resident",
                                                                       int(resident))}
            return note

        return build


@strawberry.type(description="已标记为已读 / notifications marked read")
class MarkNotificationsReadPayload:
    marked: int = strawberry.field(description="本次标记的条数 / how many changed")
    unread_count: int


MarkNotificationsReadResult = Annotated[MarkNotificationsReadPayload | UserError,
                                        strawberry.union("MarkNotificationsReadResult")]


@strawberry.input(description="标记已读：指定ID或全部 / mark some (ids) or all read")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = None
    all: bool = False


async def _me(ctx: Any) -> tuple[int, int]:
    """(account id, acting node id); an API key has no inbox."""
    access = await ctx.access()
    account_id = access.principal.account_id
    if account_id is None:
        raise ApiError(ErrorCode.FORBIDDEN, "API 密钥没有收件箱", "an API key has no inbox")
    return int(account_id), int(access.node_id)


@strawberry.field(description="我的通知，最新的在前 / my notifications, newest first")
async def my_notifications(info: Info, first: int, after: str | None = None,
                           unread_only: bool = False) -> Connection[Notification]:
    check_first(first)
    before = decode_cursor(after)
    account_id, node_id = await _me(info.context)
    async with info.context.read():
        rows = await notify.inbox(account_id, node_id, first, before, unread_only)
    return make_connection(rows, first, Notification.builder())


@strawberry.field(description="未读通知数 / how many of my notifications are unread")
async def unread_notification_count(info: Info) -> int:
    account_id, node_id = await _me(info.context)
    async with info.context.read():
        return await notify.unread_count(account_id, node_id)


@strawberry.mutation(description="标记通知为已读 / mark notifications read")
async def mark_notifications_read(info: Info, input: MarkNotificationsReadInput
                                  ) -> MarkNotificationsReadResult:
    async def work(access: Access) -> tuple[list[int], MarkNotificationsReadPayload]:
        ids = [decode_global_id(gid, "Notification", "ids")[1] for gid in input.ids or []]
        account_id, node_id = await _me(info.context)
        marked = await notify.mark_read(account_id, node_id, ids, input.all)
        unread = await notify.unread_count(account_id, node_id)
        return ids, MarkNotificationsReadPayload(marked=marked, unread_count=unread)

    def audit(done: tuple[list[int], MarkNotificationsReadPayload]) -> Audit:
        ids, payload = done
        return Audit("notify.read", "Notification",
                     summary={"ids": ids, "all": input.all, "marked": payload.marked})

    return await run_mutation(info, work, lambda done: done[1], audit=audit)


@strawberry.subscription(description="新通知（本节点）/ my new notifications at the acting node")
async def notification_added(info: Info) -> AsyncGenerator[Notification, None]:
    ctx = info.context
    account_id, node_id = await _me(ctx)
    service = ctx.state.services.notify
    assert service is not None  # build_state installs every service
    async with service.subscribe(account_id) as updates:
        async for added in updates:
            if added.tenant_id != node_id:
                continue
            async with ctx.read():
                rows = await notify.Notification.select().where(
                    (notify.Notification.id == added.notification_id)
                    & (notify.Notification.account_id == account_id))
            if rows:
                yield Notification.from_row(rows[0])


async def _load(info: Info, pk: int) -> Notification | None:
    account_id, node_id = await _me(info.context)
    async with info.context.read():
        rows = await notify.Notification.select().where(
            (notify.Notification.id == pk) & (notify.Notification.account_id == account_id)
            & (notify.Notification.tenant_id == node_id))
    return Notification.from_row(rows[0]) if rows else None


def types() -> list[type]:
    return [Notification]


def query_fields() -> list[Any]:
    return [my_notifications, unread_notification_count]


def mutation_fields() -> list[Any]:
    return [mark_notifications_read]


def subscription_fields() -> list[Any]:
    return [notification_added]


def node_types() -> list[NodeType]:
    return [NodeType("Notification", _load)]
