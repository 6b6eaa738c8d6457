"""The per-request GraphQL context: caller, acting node, scope, DataLoaders."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import strawberry
from litestar import Request
from strawberry.dataloader import DataLoader
from strawberry.litestar import BaseContext

from core.audit.service import actor_var, request_id_var
from core.identity import apikeys
from core.identity.access import Access, Decision, PlaceRef, Principal
from core.identity.auth import access_at, authenticate_bearer, resolve_node
from core.identity.throttle import client_address
from core.schema.errors import ApiError, ErrorCode
from core.state import AppState
from tenants.service import NodeInfo, get_node, get_node_by_code

__all__ = ["Context", "Info", "accept_connection_params", "build_context"]


class Context(BaseContext, kw_only=True):
    """What every resolver sees as ``info.context``."""

    state: AppState
    request_id: str = ""
    principal: Principal | None = None
    node_code: str | None = None
    client_ip: str = ""
    auth_error: ApiError | None = None
    connection_params: dict[str, Any] | None = None
    """A WebSocket's ``connection_init`` payload (strawberry sets it before ``on_ws_connect``)."""
    _access: Access | None = None
    _node_error: ApiError | None = None
    _resolved: bool = False
    _pending: asyncio.Future[None] | None = None
    _enabled: list[str] | None = None
    loaders: dict[str, DataLoader[Any, Any]] = {}  # noqa: RUF012 - msgspec copies mutable defaults

    # -- who and where -----------------------------------------------------
    def require_principal(self) -> Principal:
        if self.auth_error is not None:
            raise self.auth_error
        if self.principal is None:
            raise ApiError(ErrorCode.UNAUTHENTICATED, "请先登录", "authentication required")
        return self.principal

    async def _resolve_access(self) -> None:
        principal = self.require_principal()
        try:
            async with self.state.db.transaction(write=False):
                node = await resolve_node(principal, self.node_code)
                self._access = await access_at(principal, node)
        except ApiError as exc:
            self._node_error = exc
        self._resolved = True

    async def access(self) -> Access:
        """The caller acting at the node named by ``X-Linli-Node`` (resolved once).
        Parallel resolvers share one resolution (they await the same task)."""
        if self._pending is None:
            self._pending = asyncio.ensure_future(self._resolve_access())
        await self._pending
        if self._node_error is not None:
            raise self._node_error
        assert self._access is not None  # _resolve_access set one of the two
        return self._access

    async def node(self) -> NodeInfo:
        access = await self.access()
        node = await get_node(access.node_id)
        assert node is not None
        return node

    async def require(self, permission: str, place: PlaceRef | None = None) -> Access:
        """The access, if the caller may do ``permission`` (on ``place``); else an error.
        Objects outside the scope answer NOT_FOUND, never FORBIDDEN."""
        access = await self.access()
        decision: Decision = access.check(permission, place)
        if not decision:
            raise ApiError(ErrorCode.FORBIDDEN, decision.reason_zh, decision.reason_en)
        return access

    # -- data ------------------------------------------------------------
    @asynccontextmanager
    async def read(self) -> AsyncIterator[Access]:
        """A short scoped read transaction (one per resolver or loader batch)."""
        access = await self.access()
        async with self.state.db.scoped(access.scope):
            yield access

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Access]:
        """The one transaction a mutation runs in (its audit entries name the caller)."""
        access = await self.access()
        actor_var.set((access.principal.account_id, access.principal.api_key_id))
        async with self.state.db.scoped(access.scope, write=True):
            yield access

    def loader(self, key: str,
               load_fn: Callable[[list[Any]], Awaitable[list[Any]]]) -> DataLoader[Any, Any]:
        """A per-request DataLoader, created on first use."""
        if key not in self.loaders:
            self.loaders[key] = DataLoader(load_fn=load_fn)
        return self.loaders[key]

    async def enabled_plugins(self) -> list[str]:
        if self._enabled is None:
            if self.principal is None and self.auth_error is None and self.node_code:
                # an anonymous public read (a notice board) names its node by X-Linli-Node
                async with self.state.db.transaction(write=False):
                    node = await get_node_by_code(self.node_code.strip())
                if node is None:
                    raise ApiError(ErrorCode.NOT_FOUND, "未找到该节点", "node not found",
                                   "X-Linli-Node")
            else:
                node = await self.node()
            async with self.state.db.transaction(write=False):
                self._enabled = sorted(await self.state.registry.enabled_for(node))
        return self._enabled


async def _authenticate(state: AppState, authorization: str, api_key: str
                       ) -> tuple[Principal | None, ApiError | None]:
    """The caller named by an ``Authorization: Bearer …`` value or an API key (either may be
    empty): a principal, or the error a resolver raises when it needs one."""
    principal = None
    try:
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token:
                raise ApiError(ErrorCode.UNAUTHENTICATED, "认证头格式错误",
                               "malformed Authorization header")
            async with state.db.transaction(write=False):
                principal = await authenticate_bearer(token.strip(), state.settings.secret_key,
                                                      state.rolebook)
        if api_key and principal is None:
            async with state.db.transaction(write=False):
                principal = await apikeys.authenticate(api_key, state.rolebook)
    except ApiError as exc:
        return None, exc
    return principal, None


async def build_context(request: Request[Any, Any, Any]) -> Context:
    """Litestar dependency: runs on every request, anonymous ones included (for a WebSocket,
    once per connection; :func:`accept_connection_params` then reads ``connection_init``)."""
    state: AppState = request.app.state.linli
    # core.logging's middleware set a server-generated id (a client's X-Request-ID is kept
    # beside it, never used as ours)
    request_id = request_id_var.get() or uuid.uuid4().hex
    request_id_var.set(request_id)
    client = client_address(request.client.host if request.client else "",
                            request.headers.get("x-forwarded-for"),
                            state.settings.trusted_proxies)
    principal, error = await _authenticate(state, request.headers.get("authorization", ""),
                                           request.headers.get("x-api-key", ""))
    return Context(state=state, request_id=request_id, principal=principal, auth_error=error,
                   node_code=request.headers.get("x-linli-node"), client_ip=client)


def _param(params: dict[str, Any], *names: str) -> str | None:
    """The first of ``names`` present in ``params`` (keys compared case-insensitively)."""
    lowered = {str(k).lower(): v for k, v in params.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value is not None:
            return value if isinstance(value, str) else str(value)
    return None


async def accept_connection_params(context: Context) -> None:
    """Authenticate a WebSocket from its ``graphql-transport-ws`` ``connection_init`` payload
    (browsers cannot set headers on a WebSocket; graphql-ws sends ``connectionParams`` here).

    Accepted keys (case-insensitive): ``Authorization`` (``"Bearer <access token>"``) or
    ``token`` (the bare access token), ``X-Api-Key`` or ``apiKey``, and ``X-Linli-Node`` or
    ``node`` (the acting node's code). A value given in the payload replaces the same
    handshake header; headers alone keep working."""
    params = context.connection_params
    if not isinstance(params, dict) or not params:
        return
    authorization = _param(params, "authorization")
    token = _param(params, "token", "accessToken")
    if authorization is None and token is not None:
        authorization = f"Bearer {token}"
    api_key = _param(params, "x-api-key", "apiKey")
    if authorization is not None or api_key is not None:
        context.principal, context.auth_error = await _authenticate(
            context.state, authorization or "", api_key or "")
    node = _param(params, "x-linli-node", "node")
    if node is not None:
        context.node_code = node
    # nothing was resolved from the handshake yet (resolution is lazy), but be sure
    context._access, context._node_error, context._resolved = None, None, False
    context._pending, context._enabled = None, None


Info = strawberry.Info[Context, None]
"""What every resolver receives: ``info.context`` is a :class:`Context` (typed for mypy)."""
