"""Identity's GraphQL: login, refreshToken, logout, API keys, memberships, checkPermission.

Listed in ``core.schema.compose.CORE_CONTRIBUTORS``.
"""

from __future__ import annotations

from typing import Any

from core.identity.schema.apikeys import create_api_key, revoke_api_key
from core.identity.schema.checks import check_permission
from core.identity.schema.memberships import (
    NodeMember,
    grant_membership,
    node_members,
    revoke_membership,
)
from core.identity.schema.sessions import login, logout, refresh_token

__all__ = ["mutation_fields", "query_fields", "types"]


def types() -> list[type]:
    return [NodeMember]


def query_fields() -> list[Any]:
    return [check_permission, node_members]


def mutation_fields() -> list[Any]:
    return [login, refresh_token, logout, create_api_key, revoke_api_key, grant_membership,
            revoke_membership]
