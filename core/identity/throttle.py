"""Failed-login throttling per (account, client address) and per client address.

The state is rows of :class:`LoginAttempt` in the database, so every API replica counts the same
failures. Two keys count each failed attempt:

* the **pair** (account or login name, client address): after ``login_max_failures`` failures
  inside ``login_window_seconds`` each further attempt from that address waits a growing delay
  (``login_delay_base_seconds``, doubling per failure, at most ``login_delay_max_seconds``)
  after the last failure. The account itself is never locked: an attacker elsewhere cannot lock
  an operator out (before: 5 wrong passwords from anywhere locked any account);
* the **address**: ``login_max_failures_per_address`` failures inside the window refuse that
  address until they age out (a cap on spraying many accounts). The address is the socket's
  peer, or ``X-Forwarded-For`` only from ``LINLI_TRUSTED_PROXIES`` (:func:`client_address`).

An attempt is *reserved* (:func:`reserve`) before its password is checked: the count and the
insert happen under a per-key lock (PostgreSQL: ``pg_advisory_xact_lock``; SQLite: the write
transaction, ``BEGIN IMMEDIATE``, already serialises), so concurrent attempts cannot all see
"under the limit" and all be checked — measured before: 30 concurrent wrong passwords, 22
checked with a limit of 5. A reservation is a failure until the login succeeds.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from core.db import get_db
from core.identity.tables import LoginAttempt
from core.settings import Settings

__all__ = ["account_key", "clear_failures", "client_address", "client_key", "is_throttled",
           "login_key", "pair_key", "record_failure", "release", "reserve", "retry_after"]


def account_key(account_id: int) -> str:
    return f"account:{account_id}"


def login_key(login: str) -> str:
    """Key for a login that names no account (still throttled, so probing gains nothing)."""
    return "login:" + hashlib.sha256(login.strip().lower().encode()).hexdigest()


def client_key(client_ip: str) -> str:
    return f"ip:{client_ip or 'unknown'}"[:128]


def pair_key(who: str, client_ip: str) -> str:
    """The (account or login name, address) key whose failures delay further attempts."""
    return f"{who}@{client_key(client_ip)}"[:128]


def _networks(trusted: Sequence[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    nets = []
    for item in trusted:
        try:
            nets.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            continue
    return nets


def _is_trusted(address: str,
                nets: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in nets)


def client_address(peer: str, forwarded_for: str | None, trusted: Sequence[str]) -> str:
    """The client's address: the socket peer, unless the peer is a trusted proxy — then the
    right-most ``X-Forwarded-For`` entry that is not itself a trusted proxy (entries to its left
    are what the client claimed and are never believed)."""
    nets = _networks(trusted)
    if not forwarded_for or not nets or not _is_trusted(peer, nets):
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        if not hop:
            continue
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a malformed hop: believe nothing beyond the proxy
        if not _is_trusted(hop, nets):
            return hop
    return peer


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def retry_after(failures: int, last: datetime, settings: Settings) -> datetime | None:
    """When the next attempt of a pair with ``failures`` inside the window may be checked."""
    over = failures - settings.login_max_failures
    if over < 0:
        return None
    delay = min(settings.login_delay_base_seconds * (2 ** min(over, 40)),
                settings.login_delay_max_seconds)
    return _aware(last) + timedelta(seconds=delay)


def _cutoff(settings: Settings, now: datetime) -> datetime:
    return now - timedelta(seconds=settings.login_window_seconds)


async def is_throttled(keys: Sequence[str], settings: Settings,
                       now: datetime | None = None) -> bool:
    """Whether any of ``keys`` reached the failure limit inside the window."""
    now = now or datetime.now(UTC)
    cutoff = _cutoff(settings, now)
    for key in keys:
        count = await LoginAttempt.count().where(
            (LoginAttempt.key == key) & (LoginAttempt.at > cutoff))
        if count >= settings.login_max_failures:
            return True
    return False


async def record_failure(keys: Sequence[str], settings: Settings,
                         now: datetime | None = None) -> None:
    """Count one failure for each key, and forget this key's failures older than the window."""
    now = now or datetime.now(UTC)
    await LoginAttempt.delete().where(LoginAttempt.key.is_in(list(keys))
                                      & (LoginAttempt.at <= _cutoff(settings, now)))
    await LoginAttempt.insert(*(LoginAttempt(key=k, at=now) for k in keys))


async def clear_failures(key: str) -> None:
    await LoginAttempt.delete().where(LoginAttempt.key == key)


async def reserve(pair: str, address: str, settings: Settings,
                  now: datetime | None = None) -> list[int] | None:
    """Atomically: ``None`` when the pair must still wait or the address is at its cap, else
    one attempt row per key is inserted (their ids, for :func:`release`). Inside a write
    ``db.transaction()``."""
    now = now or datetime.now(UTC)
    keys = [pair, address]
    db = get_db()
    if db.is_postgres:  # sorted: two logins sharing keys lock them in the same order
        for key in sorted(set(keys)):
            await db.execute("SELECT pg_advisory_xact_lock(hashtextextended({}, 0))",
                             f"linli.login:{key}")
    await LoginAttempt.delete().where(LoginAttempt.key.is_in(keys)
                                      & (LoginAttempt.at <= _cutoff(settings, now)))
    pair_rows = await LoginAttempt.select(LoginAttempt.at).where(LoginAttempt.key == pair)
    if pair_rows:
        last = max(_aware(r["at"]) for r in pair_rows)
        wait_until = retry_after(len(pair_rows), last, settings)
        if wait_until is not None and now < wait_until:
            return None
    if await LoginAttempt.count().where(
            LoginAttempt.key == address) >= settings.login_max_failures_per_address:
        return None
    rows = await LoginAttempt.insert(*(LoginAttempt(key=k, at=now) for k in keys)).returning(
        LoginAttempt._meta.primary_key)
    return [int(r["id"]) for r in rows]


async def release(ids: Sequence[int]) -> None:
    """Forget reserved attempts (the login succeeded)."""
    await LoginAttempt.delete().where(LoginAttempt._meta.primary_key.is_in(list(ids)))
