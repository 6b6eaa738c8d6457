"""Who a token is and where it may act, remembered between requests.

A request with a token seen before needs no identity SQL: the principal (account, memberships)
and each access it was resolved to (a node named by ``X-Linli-Node``, its scope) come from here.
Everything is dropped when :class:`core.db.AuthEpoch` moves — logout, a revoked refresh family,
a membership, account, API key, node or plugin-setting change in this process bumps it, and so
does such a change committed by *another* process, seen in the shared epoch row that every
scoped transaction reads with its scope (the request that sees it checks its caller again in
that transaction, ``core.schema.context``). An entry lives at most :data:`TTL_SECONDS` (and never
past its token's expiry): that still bounds a request that opens no scoped transaction at all
(``me`` alone). A value read while the epoch moved is not kept, so a write racing a read can
never be cached stale.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from core.db import AuthEpoch

__all__ = ["TTL_SECONDS", "AuthCache", "auth_cache"]

TTL_SECONDS = 30.0
MAX_ENTRIES = 20_000


@dataclass
class _Entry:
    principal: Any
    expires: float
    accesses: dict[str | None, Any] = field(default_factory=dict)
    """By node code (None: implied by a single membership): an ``Access`` or the ``ApiError``
    resolving it raised."""


class AuthCache:
    """Principals by token, nodes by code and enabled plugins by node, all under one epoch."""

    def __init__(self) -> None:
        self._epoch = AuthEpoch.value
        self._tokens: OrderedDict[str, _Entry] = OrderedDict()
        self._nodes: dict[str, Any] = {}
        self._plugins: dict[int, list[str]] = {}
        self.hits = 0
        self.misses = 0

    def epoch(self) -> int:
        """The current epoch, after dropping everything kept under an older one."""
        now = AuthEpoch.value
        if now != self._epoch:
            self._tokens.clear()
            self._nodes.clear()
            self._plugins.clear()
            self._epoch = now
        return now

    def clear(self) -> None:
        self._tokens.clear()
        self._nodes.clear()
        self._plugins.clear()

    # -- principals --------------------------------------------------------------------------
    def principal(self, token: str) -> Any:
        self.epoch()
        entry = self._tokens.get(token)
        if entry is None or entry.expires <= time.monotonic():
            self.misses += 1
            return None
        self.hits += 1
        return entry.principal

    def keep_principal(self, token: str, principal: Any, seen: int, expires_at: float) -> None:
        """Keep ``principal`` for ``token`` if the epoch is still ``seen`` (read before the
        principal was loaded); ``expires_at``: the token's expiry (a Unix time)."""
        if self.epoch() != seen:
            return
        ttl = min(TTL_SECONDS, expires_at - time.time())
        if ttl <= 0:
            return
        self._tokens[token] = _Entry(principal, time.monotonic() + ttl)
        if len(self._tokens) > MAX_ENTRIES:
            self._tokens.popitem(last=False)

    def access(self, token: str, node_code: str | None) -> Any:
        self.epoch()
        entry = self._tokens.get(token)
        if entry is None or entry.expires <= time.monotonic():
            return None
        return entry.accesses.get(node_code)

    def keep_access(self, token: str, node_code: str | None, access: Any, seen: int) -> None:
        if self.epoch() != seen:
            return
        entry = self._tokens.get(token)
        if entry is not None:
            entry.accesses[node_code] = access

    # -- nodes and plugins -------------------------------------------------------------------
    def node(self, code: str) -> Any:
        self.epoch()
        return self._nodes.get(code)

    def keep_node(self, code: str, node: Any, seen: int) -> None:
        if node is not None and self.epoch() == seen and len(self._nodes) < MAX_ENTRIES:
            self._nodes[code] = node

    def plugins(self, node_id: int) -> list[str] | None:
        self.epoch()
        return self._plugins.get(node_id)

    def keep_plugins(self, node_id: int, plugins: list[str], seen: int) -> None:
        if self.epoch() == seen and len(self._plugins) < MAX_ENTRIES:
            self._plugins[node_id] = plugins


auth_cache = AuthCache()
"""The process's cache (one per process; the epoch it follows is shared through the
database)."""
