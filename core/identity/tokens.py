"""Signed access tokens (HS256 JWT, at most 15 minutes)."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

__all__ = ["InvalidToken", "decode_access_token", "issue_access_token", "issued_micros",
           "token_issued_micros"]

_ALG = "HS256"
_AUDIENCE = "linli-api"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ID = re.compile(r"[1-9][0-9]{0,17}")
_JTI = re.compile(r"[0-9a-f]{1,64}")


class InvalidToken(Exception):
    """The token is malformed, expired or signed with another key."""


def issue_access_token(account_id: int, secret: str, seconds: int,
                       now: datetime | None = None, *,
                       family: str | None = None) -> tuple[str, str, datetime]:
    """Returns (token, jti, expires_at). ``family`` names the refresh family of the login
    session it belongs to (claim ``fam``): revoking the family ends the token too."""
    now = now or datetime.now(UTC)
    expires = now + timedelta(seconds=min(seconds, 900))
    jti = secrets.token_hex(16)
    claims: dict[str, Any] = {"sub": str(account_id), "jti": jti, "iat": int(now.timestamp()),
                              "iat_us": issued_micros(now), "exp": int(expires.timestamp()),
                              "aud": _AUDIENCE}
    if family:
        claims["fam"] = family
    token = jwt.encode(claims, secret, algorithm=_ALG)
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
    # A signed token whose claims do not parse is as invalid as a badly signed one (before:
    # ``sub: "abc"`` gave a bare 500).
    sub, jti, fam = claims.get("sub"), claims.get("jti"), claims.get("fam")
    if not (isinstance(sub, str) and _ID.fullmatch(sub) and isinstance(jti, str)
            and _JTI.fullmatch(jti) and (fam is None or (isinstance(fam, str)
                                                         and _JTI.fullmatch(fam)))
            and isinstance(claims.get("iat"), int)
            and isinstance(claims.get("iat_us", 0), int)):
        raise InvalidToken("malformed claims")
    return claims
