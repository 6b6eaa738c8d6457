"""Turn a request's credentials into a :class:`Principal`, and a node into an :class:`Access`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from typing import Any

from core.errors import ApiError, ErrorCode
from core.identity.access import Access, Grant, Principal
from core.identity.roles import RoleBook
from core.identity.tables import Account, Membership, RefreshToken, RevokedToken
from core.identity.tokens import (
    InvalidToken,
    decode_access_token,
    issued_micros,
    token_issued_micros,
)
from tenants.service import NodeInfo, get_node, get_node_by_code, scope_at
from tenants.tables import Node

__all__ = ["access_at", "authenticate_bearer", "load_principal", "resolve_node"]

UNAUTH = ("登录已失效，请重新登录", "authentication failed or expired; please log in again")


async def load_principal(account_id: int, book: RoleBook, token_id: str | None = None,
                         account_row: dict[str, Any] | None = None) -> Principal | None:
    account = account_row or await Account.select().where(Account.id == account_id).first()
    if not account or not account["is_active"]:
        return None
    rows = await Membership.select().where(Membership.account_id == account_id)
    paths = {}
    if rows:
        nodes = await Node.select(Node.id, Node.path).where(
            Node.id.is_in(list({r["node_id"] for r in rows})))
        paths = {n["id"]: n["path"] for n in nodes}
    grants = tuple(
        Grant(node_id=r["node_id"], node_path=paths.get(r["node_id"], ""), role=r["role"],
              permissions=book.permissions_of(r["role"]), place_kind=r["place_kind"],
              place_id=r["place_id"])
        for r in rows if r["node_id"] in paths
    )
    return Principal(account_id=account_id, name=account["username"] or account["display_name"],
                     grants=grants, is_operator=bool(account["is_operator"]),
                     resident_id=account["resident_id"], token_id=token_id)


async def authenticate_bearer(token: str, secret: str, book: RoleBook) -> Principal:
    try:
        claims = decode_access_token(token, secret)
    except InvalidToken as exc:
        raise ApiError(ErrorCode.UNAUTHENTICATED, *UNAUTH) from exc
    if await RevokedToken.exists().where(RevokedToken.jti == claims["jti"]):
        raise ApiError(ErrorCode.UNAUTHENTICATED, *UNAUTH)
    family = claims.get("fam")
    if family and await RefreshToken.exists().where(
            (RefreshToken.family == family) & RefreshToken.revoked_at.is_not_null()):
        raise ApiError(ErrorCode.UNAUTHENTICATED, *UNAUTH)  # logout or a replay ended it
    account = await Account.select().where(Account.id == int(claims["sub"])).first()
    if account is None:
        raise ApiError(ErrorCode.UNAUTHENTICATED, *UNAUTH)
    valid_after = account["tokens_valid_after"]
    if valid_after is not None:
        if valid_after.tzinfo is None:
            valid_after = valid_after.replace(tzinfo=UTC)
        if token_issued_micros(claims) < issued_micros(valid_after):
            raise ApiError(ErrorCode.UNAUTHENTICATED, *UNAUTH)
    principal = await load_principal(int(claims["sub"]), book, claims["jti"], account)
    if principal is None:
        raise ApiError(ErrorCode.UNAUTHENTICATED, *UNAUTH)
    return replace(principal, session_family=family) if family else principal


NODE_NOT_FOUND = ("未找到该节点", "node not found")


async def resolve_node(principal: Principal, code: str | None) -> NodeInfo:
    """The acting node: named by ``X-Linli-Node`` or implied by a single membership.
    A node the caller has no membership at (or above) is answered as not found."""
    if code:
        node = await get_node_by_code(code.strip())
        if node is None:
            raise ApiError(ErrorCode.NOT_FOUND, *NODE_NOT_FOUND, field="X-Linli-Node")
        if principal.is_operator or any(node.path.startswith(g.node_path) for g in principal.grants):
            return node
        raise ApiError(ErrorCode.NOT_FOUND, *NODE_NOT_FOUND, field="X-Linli-Node")
    node_ids = sorted({g.node_id for g in principal.grants})
    if len(node_ids) == 1:
        node = await get_node(node_ids[0])
        if node is not None:
            return node
    raise ApiError(ErrorCode.INVALID_ARGUMENT, "请通过 X-Linli-Node 指定当前节点",
                   "name the acting node with the X-Linli-Node header", field="X-Linli-Node")


async def access_at(principal: Principal, node: NodeInfo) -> Access:
    grants = tuple(g for g in principal.grants if node.path.startswith(g.node_path)
                   or g.node_path.startswith(node.path))
    scope = await scope_at(node, account_id=principal.account_id)
    return Access(principal=principal, node_id=node.id, node_path=node.path, scope=scope,
                  grants=grants)
