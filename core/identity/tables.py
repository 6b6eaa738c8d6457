"""Identity tables. Accounts span tenants, so these are core tables, not tenant-scoped."""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import BigInt, Boolean, Integer, Text, Timestamptz, Varchar

from core.db import AUTH_EPOCH_TABLE, AuthStateTable, BaseTable

__all__ = [
    "Account",
    "ApiKey",
    "AuthEpochRow",
    "LoginAttempt",
    "Membership",
    "RefreshToken",
    "RevokedToken",
]


class Account(AuthStateTable, BaseTable, tablename="linli_account"):
    """账号 A login: by username or phone, with an argon2id password hash."""

    username = Varchar(length=64, null=True, default=None, unique=True)
    phone_index = Varchar(length=64, null=True, default=None, unique=True)
    """Keyed blind index (HMAC) of the phone number, for login by phone."""
    phone_cipher = Text(null=True, default=None)
    display_name = Varchar(length=100, default="")
    password_hash = Text(default="")
    is_active = Boolean(default=True)
    is_operator = Boolean(default=False)
    """Deployment operator: may act at any node."""
    resident_id = BigInt(null=True, default=None)
    resident_tenant_id = BigInt(null=True, default=None)
    tokens_valid_after = Timestamptz(null=True, default=None)
    """Access tokens issued before this instant are refused (logout everywhere)."""
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = []


class Membership(AuthStateTable, BaseTable, tablename="linli_membership"):
    """成员身份 (account, node or place, role). A role held at a node applies below it."""

    account_id = BigInt(null=False, default=None, index=True)
    node_id = BigInt(null=False, default=None, index=True)
    role = Varchar(length=64, null=False)
    place_kind = Varchar(length=16, null=True, default=None)
    """None for the whole node, else ``community``, ``grid`` or ``building``."""
    place_id = BigInt(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("account_id", "node_id", "role", "place_kind", "place_id")
    ]


class RefreshToken(BaseTable, tablename="linli_refresh_token"):
    """A rotating refresh token, stored as a SHA-256 hash; ``family`` ties rotations together.

    Not an :class:`~core.db.AuthStateTable`: issuing and rotating a token change nothing a
    cache holds, so a login or a refresh must not make every process drop its caches. Revoking
    (which refuses the family's access tokens) bumps the epoch itself
    (``core.identity.refresh.revoke_family`` / ``revoke_account``)."""

    account_id = BigInt(null=False, default=None, index=True)
    family = Varchar(length=64, null=False, index=True)
    token_hash = Varchar(length=64, null=False, unique=True)
    issued_at = Timestamptz()
    expires_at = Timestamptz()
    rotated_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class RevokedToken(AuthStateTable, BaseTable, tablename="linli_revoked_token"):
    """An access token id (``jti``) revoked before it expires (logout)."""

    jti = Varchar(length=64, null=False, unique=True)
    expires_at = Timestamptz()


class LoginAttempt(BaseTable, tablename="linli_login_attempt"):
    """A failed login, by account key and by client address; throttling counts these rows."""

    key = Varchar(length=128, null=False, index=True)
    at = Timestamptz(index=True)


class ApiKey(AuthStateTable, BaseTable, tablename="linli_api_key"):
    """API key for a machine client, bound to one node, a few permissions, maybe one object."""

    prefix = Varchar(length=16, null=False, unique=True)
    key_hash = Varchar(length=64, null=False)
    node_id = BigInt(null=False, default=None, index=True)
    name = Varchar(length=100, default="")
    permissions = Text(default="")
    """Comma-separated permission codes."""
    object_kind = Varchar(length=64, null=True, default=None)
    object_id = BigInt(null=True, default=None)
    object_type = Varchar(length=64, null=True, default=None)
    """GraphQL type of the bound object, so the API answers its global id."""
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
    uses = Integer(default=0)


class AuthEpochRow(BaseTable, tablename=AUTH_EPOCH_TABLE):
    """The shared revocation epoch: one row (id 1) whose ``value`` goes up in the same
    transaction as every write to a table that decides who may do what (the tables mixing in
    :class:`core.db.AuthStateTable`), so every API process sees a revocation, a role or a
    membership change as soon as it is committed (:mod:`core.identity.cache`)."""

    value = BigInt(default=0)
