"""Rotating refresh tokens, stored only as SHA-256 hashes and grouped in families.

Every use rotates the token: the old one is marked rotated and a new one of the same family is
issued. Presenting a rotated (or revoked) token again means it leaked, so the whole family is
revoked. Call these inside ``db.transaction()``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from core.db import bump_auth_epoch
from core.identity.tables import RefreshToken

__all__ = ["IssuedRefresh", "RotateOutcome", "hash_token", "issue_refresh", "revoke_account",
           "revoke_family", "rotate_refresh"]


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class IssuedRefresh:
    token: str
    """The raw token: returned to the client once, never stored."""
    family: str
    account_id: int
    expires_at: datetime


async def issue_refresh(account_id: int, days: int, *, family: str | None = None,
                        expires_at: datetime | None = None,
                        now: datetime | None = None) -> IssuedRefresh:
    """A new token; a new family (lasting ``days``) unless ``family`` continues one."""
    now = now or datetime.now(UTC)
    raw = secrets.token_urlsafe(32)
    family = family or secrets.token_hex(16)
    expires = expires_at or now + timedelta(days=days)
    await RefreshToken.insert(RefreshToken(account_id=account_id, family=family,
                                           token_hash=hash_token(raw), issued_at=now,
                                           expires_at=expires))
    return IssuedRefresh(raw, family, account_id, _aware(expires))


class RotateOutcome(Enum):
    OK = "ok"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REPLAYED = "replayed"


async def rotate_refresh(raw: str, now: datetime | None = None
                         ) -> tuple[RotateOutcome, IssuedRefresh | None]:
    """Rotate ``raw``. A replayed token revokes its family (the caller must commit that)."""
    now = now or datetime.now(UTC)
    row = await RefreshToken.select().where(RefreshToken.token_hash == hash_token(raw)).first()
    if row is None:
        return RotateOutcome.UNKNOWN, None
    if row["rotated_at"] is not None or row["revoked_at"] is not None:
        await revoke_family(row["family"], now)
        return RotateOutcome.REPLAYED, None
    if _aware(row["expires_at"]) <= now:
        return RotateOutcome.EXPIRED, None
    # Conditional update: of two concurrent rotations only one wins; the other is a replay.
    won = await RefreshToken.update({RefreshToken.rotated_at: now}).where(
        (RefreshToken.id == row["id"]) & RefreshToken.rotated_at.is_null()
        & RefreshToken.revoked_at.is_null()).returning(RefreshToken.id)
    if not won:
        await revoke_family(row["family"], now)
        return RotateOutcome.REPLAYED, None
    issued = await issue_refresh(row["account_id"], 0, family=row["family"],
                                 expires_at=_aware(row["expires_at"]), now=now)
    return RotateOutcome.OK, issued


async def find_refresh(raw: str) -> dict[str, Any] | None:
    """The stored row of a raw refresh token, if any."""
    return await RefreshToken.select().where(
        RefreshToken.token_hash == hash_token(raw)).first()


async def revoke_family(family: str, now: datetime | None = None) -> None:
    """Revoke a login session's family: its access tokens are refused from now on, so every
    process drops its identity caches (the shared epoch moves with this transaction)."""
    bump_auth_epoch()
    await RefreshToken.update({RefreshToken.revoked_at: now or datetime.now(UTC)}).where(
        (RefreshToken.family == family) & RefreshToken.revoked_at.is_null())


async def revoke_account(account_id: int, now: datetime | None = None) -> None:
    """Revoke every refresh token of an account (logout everywhere); bumps the epoch like
    :func:`revoke_family`."""
    bump_auth_epoch()
    await RefreshToken.update({RefreshToken.revoked_at: now or datetime.now(UTC)}).where(
        (RefreshToken.account_id == account_id) & RefreshToken.revoked_at.is_null())


__all__ += ["find_refresh"]
