"""发布订阅 Live updates: publish a message on a topic for a key, subscribers of that key hear it.

``state.services.pubsub`` is one :class:`PubSub` per app. A *topic* names a stream of updates
(``"notify"``, ``"building_heads.matters"``); a *key* picks whose updates (an account id, a
tenant id). Messages are JSON: a dataclass (sent as its fields) or a plain dict; a subscription
rebuilds each one with its ``decode`` callable (``decode(**fields)``: the dataclass itself, or
``dict``).

Without ``settings.redis_url`` messages fan out to this process's subscribers. With it, once
started, every message goes through one Redis pub/sub channel (one connection and one listener
for every topic) and each process hands it to its own subscribers, so an update committed by any
API process or worker reaches every live subscription. Each subscription has a bounded queue: a
subscriber that does not keep up loses messages (logged), never slows the publisher.

Publish after commit (``Database.after_commit``), so a rolled-back change is never announced.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict, is_dataclass
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar, overload

from core.host import Host

__all__ = ["Key", "PubSub", "Subscription", "get_pubsub", "install", "set_pubsub"]

log = logging.getLogger("linli.pubsub")

T = TypeVar("T")
Key = int | str
"""Whose updates: an account id, a tenant id, a name."""
QUEUE_SIZE = 100


def _encode(message: object) -> dict[str, Any]:
    if is_dataclass(message) and not isinstance(message, type):
        return asdict(message)
    if isinstance(message, dict):
        return message
    raise TypeError(f"a published message is a dataclass or a dict, not {type(message).__name__}")


class Subscription(Generic[T]):
    """订阅 The messages of one topic and key, from creation until :meth:`close` (or the end of
    its ``async with`` block): iterate it, or ``await sub.get()``."""

    def __init__(self, pubsub: PubSub, topic: str, key: Key, decode: Callable[..., T],
                 maxsize: int) -> None:
        self.topic, self.key, self.decode = topic, key, decode
        self._pubsub = pubsub
        self._queue: asyncio.Queue[T] = asyncio.Queue(maxsize=maxsize)
        self.closed = False

    def _offer(self, fields: dict[str, Any]) -> None:
        try:
            message = self.decode(**fields)
        except Exception:
            log.exception("%s: a message for %r could not be decoded", self.topic, self.key)
            return
        try:
            self._queue.put_nowait(message)
        except asyncio.QueueFull:
            log.warning("%s: live updates dropped for a slow subscriber of %r", self.topic,
                        self.key)

    async def get(self) -> T:
        """The next message (waits for one)."""
        return await self._queue.get()

    def empty(self) -> bool:
        """Whether no message is waiting."""
        return self._queue.empty()

    def close(self) -> None:
        """Stop receiving; messages already queued can still be read."""
        if not self.closed:
            self.closed = True
            self._pubsub._remove(self)

    def __aiter__(self) -> Subscription[T]:
        return self

    async def __anext__(self) -> T:
        if self.closed and self._queue.empty():
            raise StopAsyncIteration
        return await self._queue.get()

    async def __aenter__(self) -> Subscription[T]:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class PubSub:
    """The live-update broker of one app: in-process fan-out, through Redis when ``redis_url``
    is set and the broker is started (until then, and after :meth:`stop`, in-process only)."""

    def __init__(self, redis_url: str = "", namespace: str = "linli") -> None:
        self.redis_url = redis_url
        self.channel = f"{namespace}:pubsub"
        """The one Redis channel (named after the deployment's job queue: one per deployment)."""
        self._subs: dict[tuple[str, Key], set[Subscription[Any]]] = {}
        self._redis: Any = None
        self._listener: asyncio.Task[None] | None = None

    @property
    def distributed(self) -> bool:
        """Whether messages currently travel through Redis."""
        return self._redis is not None

    def subscribers(self, topic: str, key: Key) -> int:
        """How many subscriptions to ``topic``/``key`` are open in this process."""
        return len(self._subs.get((topic, key), ()))

    @overload
    def subscribe(self, topic: str, key: Key, *,
                  maxsize: int = QUEUE_SIZE) -> Subscription[dict[str, Any]]: ...

    @overload
    def subscribe(self, topic: str, key: Key, decode: Callable[..., T], *,
                  maxsize: int = QUEUE_SIZE) -> Subscription[T]: ...

    def subscribe(self, topic: str, key: Key, decode: Callable[..., Any] = dict, *,
                  maxsize: int = QUEUE_SIZE) -> Subscription[Any]:
        """A subscription receiving what is published on ``topic`` for ``key`` from now on;
        each message is rebuilt as ``decode(**fields)`` (a dict without ``decode``). Close it
        (or use ``async with``)."""
        sub: Subscription[Any] = Subscription(self, topic, key, decode, maxsize)
        self._subs.setdefault((topic, key), set()).add(sub)
        return sub

    def _remove(self, sub: Subscription[Any]) -> None:
        subs = self._subs.get((sub.topic, sub.key))
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._subs[(sub.topic, sub.key)]

    async def publish(self, topic: str, key: Key, message: object) -> None:
        """Send ``message`` (a dataclass or a JSON dict) to the subscribers of ``topic``/``key``
        in every process (or in this one, without Redis)."""
        fields = _encode(message)
        data = json.dumps({"topic": topic, "key": key, "message": fields}, ensure_ascii=False)
        if self._redis is not None:
            await self._redis.publish(self.channel, data)
        else:
            self._fan_out(json.loads(data))

    def _fan_out(self, envelope: dict[str, Any]) -> None:
        for sub in list(self._subs.get((envelope["topic"], envelope["key"]), ())):
            sub._offer(dict(envelope["message"]))

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        """Connect to Redis and listen (when ``redis_url`` is set); idempotent."""
        if not self.redis_url or self._redis is not None:
            return
        from redis.asyncio import from_url

        client = from_url(self.redis_url)  # type: ignore[no-untyped-call]
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(self.channel)
            while True:  # subscribed before anyone publishes through this broker
                confirm = await pubsub.get_message(timeout=10)
                if confirm is None:
                    raise ConnectionError(f"Redis never confirmed the subscription to "
                                          f"{self.channel}")
                if confirm.get("type") == "subscribe":
                    break
        except BaseException:
            await pubsub.aclose()
            await client.aclose()
            raise
        self._redis = client
        self._listener = asyncio.create_task(self._listen(pubsub))
        self._listener.add_done_callback(self._listener_ended)

    async def _listen(self, pubsub: Any) -> None:
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                try:
                    envelope = json.loads(message["data"])
                    self._fan_out(envelope)
                except (ValueError, KeyError, TypeError):
                    log.exception("a malformed message on %s", self.channel)
        finally:
            await pubsub.aclose()

    def _listener_ended(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("the live-update listener on %s stopped", self.channel,
                      exc_info=task.exception())

    async def stop(self) -> None:
        """Stop listening and close the Redis connection; open subscriptions stay open."""
        if self._listener is not None:
            self._listener.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await self._listener
            self._listener = None
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None


_pubsub: PubSub | None = None


def set_pubsub(pubsub: PubSub | None) -> None:
    """Make ``pubsub`` the one domain code publishes to (done by :func:`install`)."""
    global _pubsub
    _pubsub = pubsub


def get_pubsub() -> PubSub:
    """The installed broker, for domain code that has no app state at hand."""
    if _pubsub is None:
        raise RuntimeError("实时更新服务未初始化 / the pubsub service is not installed")
    return _pubsub


class _Slot(Protocol):
    pubsub: PubSub | None


class _Host(Host, Protocol):
    @property
    def services(self) -> _Slot: ...


def install(state: _Host) -> None:
    """Put the broker at ``state.services.pubsub``, started and stopped with the app."""
    pubsub = PubSub(state.settings.redis_url, state.settings.job_queue)
    state.services.pubsub = pubsub
    set_pubsub(pubsub)
    state.on_startup.append(pubsub.start)
    state.on_shutdown.append(pubsub.stop)
