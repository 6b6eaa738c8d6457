"""Signed access tokens (HS256 JWT, at most 15 minutes)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

__all__ = ["InvalidToken", "decode_access_token", "issue_access_token", "issued_micros",
           "token_issued_micros"]

_ALG = "HS256"
_AUDIENCE = "linli-api"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class InvalidToken(Exception):
    """The token is malformed, expired or signed with another key."""


def issue_access_token(account_id: int, secret: str, seconds: int,
                       now: datetime | None = None) -> tuple[str, str, datetime]:
    """Returns (token, jti, expires_at)."""
    now = now or datetime.now(UTC)
    expires = now + timedelta(seconds=min(seconds, 900))
    jti = secrets.token_hex(16)
    token = jwt.encode({"sub": str(account_id), "jti": jti, "iat": int(now.timestamp()),
                        "iat_us": issued_micros(now), "exp": int(expires.timestamp()),
                        "aud": _AUDIENCE}, secret, algorithm=_ALG)
    return token, jti, expires


def issued_micros(moment: datetime) -> int:
    """Microseconds since the epoch: ``iat`` has whole seconds only, too coarse to tell a token
    issued just before a "logout everywhere" from one issued just after."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def token_issued_micros(claims: dict[str, Any]) -> int:
    """When a token was issued, in microseconds (``iat`` for tokens without ``iat_us``)."""
    value = claims.get("iat_us")
    return int(value) if isinstance(value, int) else int(claims["iat"]) * 1_000_000


def decode_access_token(token: str, secret: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(token, secret, algorithms=[_ALG], audience=_AUDIENCE,
                                            options={"require": ["exp", "sub", "jti", "iat"]})
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken("invalid") from exc
    return claims
