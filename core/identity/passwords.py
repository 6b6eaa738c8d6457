"""Password hashing: argon2id at OWASP parameters (m=19 MiB, t=2, p=1), lowered only by settings.

Hashing is CPU and memory heavy on purpose, so the async helpers run it in a worker thread.
"""

from __future__ import annotations

import asyncio
import secrets
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.settings import Settings

__all__ = ["MAX_PASSWORD", "MIN_PASSWORD", "PasswordCheck", "check_password", "hash_password",
           "hash_password_async", "hasher", "verify_password"]

MIN_PASSWORD = 8
MAX_PASSWORD = 256


@lru_cache(maxsize=8)
def _hasher(memory_kib: int, time_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1,
                          hash_len=32, salt_len=16, type=Type.ID)


def hasher(settings: Settings) -> PasswordHasher:
    """The argon2id hasher for the configured memory (KiB) and time cost; parallelism is 1."""
    return _hasher(settings.password_memory_kib, settings.password_time_cost)


def hash_password(password: str, settings: Settings) -> str:
    return hasher(settings).hash(password)


async def hash_password_async(password: str, settings: Settings) -> str:
    return await asyncio.to_thread(hash_password, password, settings)


class PasswordCheck:
    """Outcome of a verification: ``ok`` and whether the stored hash should be replaced."""

    __slots__ = ("needs_rehash", "ok")

    def __init__(self, ok: bool, needs_rehash: bool = False) -> None:
        self.ok, self.needs_rehash = ok, needs_rehash


@lru_cache(maxsize=8)
def _dummy_hash(memory_kib: int, time_cost: int) -> str:
    return _hasher(memory_kib, time_cost).hash(secrets.token_urlsafe(16))


def verify_password(stored_hash: str | None, password: str, settings: Settings) -> PasswordCheck:
    """Check ``password``; with no stored hash, burn the same time against a dummy and fail
    (so an unknown login cannot be told apart by its answer time)."""
    ph = hasher(settings)
    if not stored_hash:
        try:
            ph.verify(_dummy_hash(settings.password_memory_kib, settings.password_time_cost),
                      password + "\x00")
        except VerificationError:
            pass
        return PasswordCheck(False)
    try:
        ph.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return PasswordCheck(False)
    return PasswordCheck(True, ph.check_needs_rehash(stored_hash))


async def check_password(stored_hash: str | None, password: str,
                         settings: Settings) -> PasswordCheck:
    return await asyncio.to_thread(verify_password, stored_hash, password, settings)
