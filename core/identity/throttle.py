"""Failed-login throttling per account and per client address.

The state is rows of :class:`LoginAttempt` in the database, so every API replica counts the same
failures. A key is throttled when it has ``login_max_failures`` failures inside the last
``login_window_seconds``. Call these inside ``db.transaction()``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from core.identity.tables import LoginAttempt
from core.settings import Settings

__all__ = ["account_key", "clear_failures", "client_key", "is_throttled", "login_key",
           "record_failure"]


def account_key(account_id: int) -> str:
    return f"account:{account_id}"


def login_key(login: str) -> str:
    """Key for a login that names no account (still throttled, so probing gains nothing)."""
    return "login:" + hashlib.sha256(login.strip().lower().encode()).hexdigest()


def client_key(client_ip: str) -> str:
    return f"ip:{client_ip or 'unknown'}"[:128]


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
