"""The per-request GraphQL context: caller, acting node, scope, DataLoaders."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import strawberry
from litestar import Request
from strawberry.dataloader import DataLoader
from strawberry.litestar import BaseContext

from core.audit.service import actor_var, request_id_var
from core.db import AuthEpoch, SharedTransaction
from core.identity import apikeys
from core.identity.access import Access, Decision, PlaceRef, Principal
from core.identity.auth import access_at, authenticate_bearer, resolve_node
from core.identity.cache import auth_cache
from core.identity.throttle import client_address
from core.identity.tokens import InvalidToken, decode_access_token
from core.logging import new_request_id, scope_headers
from core.schema.errors import ApiError, ErrorCode
from core.schema.execution import PacedDataLoader
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
    credential: str = ""
    """What the principal was cached under (``bearer:<token>`` or ``key:<api key>``)."""
    share_reads: bool = False
    """Set for a query operation (:class:`core.schema.limits.RequestTransaction`): every
    :meth:`read` of the request goes through one shared transaction."""
    _shared: SharedTransaction | None = None
    _authorization: str = ""
    _api_key: str = ""
    _auth_seen: int = 0
    """:class:`AuthEpoch` when the principal was taken (from the cache or the database)."""
    _recheck: asyncio.Lock | None = None
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
        code = self.node_code.strip() if self.node_code else None
        cached = auth_cache.access(self.credential, code) if self.credential else None
        if cached is None:
            seen = auth_cache.epoch()
            try:
                async with self.state.db.transaction(write=False):
                    node = await resolve_node(principal, code)
                    cached = await access_at(principal, node)
            except ApiError as exc:
                cached = exc
            if self.credential:
                auth_cache.keep_access(self.credential, code, cached, seen)
        if isinstance(cached, ApiError):
            self._node_error = cached
        else:
            self._access = cached
        self._resolved = True

    async def access(self) -> Access:
        """The caller acting at the node named by ``X-Linli-Node`` (resolved once).
        Parallel resolvers share one resolution (they await the same task)."""
        if self._pending is None:
            self._pending = asyncio.ensure_future(self._resolve_access())
        # shielded: a resolver cancelled mid-way (a sibling's error ended the operation) must
        # not cancel the resolution halfway through acquiring a pooled connection
        await asyncio.shield(self._pending)
        if self._node_error is not None:
            raise self._node_error
        assert self._access is not None  # _resolve_access set one of the two
        return self._access

    async def node(self) -> NodeInfo:
        access = await self.access()
        async with self.state.db.transaction(write=False):
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
        """Scoped reads: in a query operation the request's one shared transaction (opened on
        first use, committed when the operation ends); elsewhere a short transaction."""
        access = await self.access()
        if self.share_reads:
            if self._shared is None:
                self._shared = self.state.db.shared(access.scope)
            async with self._shared.use():
                yield await self._still_valid(access)
            return
        async with self.state.db.scoped(access.scope):
            yield await self._still_valid(access)

    async def _still_valid(self, access: Access) -> Access:
        """``access``, once the transaction just opened has shown that nothing deciding it
        changed since it was taken: its scope statement read the shared auth epoch
        (:class:`core.db.AuthEpoch`), and if that moved — a logout, a revoked family, a role or
        membership change committed by any process — the caller is authenticated and resolved
        again here, in this transaction (an error if the token or the access is gone;
        ``CONFLICT`` if the scope itself changed under the request). Statements only when the
        epoch moved."""
        if AuthEpoch.value == self._auth_seen and self.auth_error is None:
            return access
        if self._recheck is None:
            self._recheck = asyncio.Lock()
        async with self._recheck:  # concurrent resolvers wait for one check
            if self.auth_error is not None:
                raise self.auth_error
            if AuthEpoch.value == self._auth_seen or not self.credential:
                return self._access or access
            self._auth_seen = AuthEpoch.value
            principal, error, _ = await _authenticate(self.state, self._authorization,
                                                      self._api_key)
            if error is not None or principal is None:
                self.principal = None
                self.auth_error = error or ApiError(ErrorCode.UNAUTHENTICATED, "请先登录",
                                                    "authentication required")
                raise self.auth_error
            code = self.node_code.strip() if self.node_code else None
            try:
                node = await resolve_node(principal, code)
                fresh = await access_at(principal, node)
            except ApiError as exc:
                self.auth_error = exc
                raise
            if fresh.scope != access.scope:
                self.auth_error = ApiError(
                    ErrorCode.CONFLICT, "请求期间权限已变更，请重试",
                    "who may do what changed during the request; try again")
                raise self.auth_error
            self.principal, self._access = principal, fresh
            return fresh

    def shared_reads(self) -> SharedTransaction | None:
        """The request's shared transaction for unscoped reads, once the access is known."""
        if not self.share_reads or self._access is None:
            return None
        if self._shared is None:
            self._shared = self.state.db.shared(self._access.scope)
        return self._shared

    async def end_reads(self) -> None:
        """Commit and release the shared transaction (the operation is done)."""
        shared, self._shared = self._shared, None
        self.share_reads = False
        if shared is not None:
            await shared.close()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Access]:
        """The one transaction a mutation runs in (its audit entries name the caller)."""
        access = await self.access()
        actor_var.set((access.principal.account_id, access.principal.api_key_id))
        async with self.state.db.scoped(access.scope, write=True):
            yield await self._still_valid(access)

    def loader(self, key: str,
               load_fn: Callable[[list[Any]], Awaitable[list[Any]]]) -> DataLoader[Any, Any]:
        """A per-request DataLoader, created on first use."""
        if key not in self.loaders:
            self.loaders[key] = PacedDataLoader(load_fn=load_fn)
        return self.loaders[key]

    async def enabled_plugins(self) -> list[str]:
        if self._enabled is None:
            if self.principal is None and self.auth_error is None and self.node_code:
                # an anonymous public read (a notice board) names its node by X-Linli-Node
                code = self.node_code.strip()
                node = auth_cache.node(code)
                if node is None:
                    seen = auth_cache.epoch()
                    async with self.state.db.transaction(write=False):
                        node = await get_node_by_code(code)
                    auth_cache.keep_node(code, node, seen)
                if node is None:
                    raise ApiError(ErrorCode.NOT_FOUND, "未找到该节点", "node not found",
                                   "X-Linli-Node")
                node_id = node.id
            else:
                node = None
                node_id = (await self.access()).node_id
            enabled = auth_cache.plugins(node_id)
            if enabled is None:
                seen = auth_cache.epoch()
                async with self.state.db.transaction(write=False):
                    enabled = sorted(await self.state.registry.enabled_for(
                        node if node is not None else node_id))
                auth_cache.keep_plugins(node_id, enabled, seen)
            self._enabled = enabled
        return self._enabled


async def _authenticate(state: AppState, authorization: str, api_key: str
                       ) -> tuple[Principal | None, ApiError | None, str]:
    """The caller named by an ``Authorization: Bearer …`` value or an API key (either may be
    empty): a principal, or the error a resolver raises when it needs one, and the key the
    principal is cached under. A token or key seen before (and nothing changed since, see
    :mod:`core.identity.cache`) needs no SQL."""
    principal = None
    credential = ""
    try:
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token:
                raise ApiError(ErrorCode.UNAUTHENTICATED, "认证头格式错误",
                               "malformed Authorization header")
            token = token.strip()
            credential = "bearer:" + token
            principal = auth_cache.principal(credential)
            if principal is None:
                seen = auth_cache.epoch()
                async with state.db.transaction(write=False):
                    principal = await authenticate_bearer(token, state.settings.secret_key,
                                                          state.rolebook)
                try:
                    expires = float(decode_access_token(token, state.settings.secret_key)["exp"])
                except (InvalidToken, KeyError, TypeError, ValueError):
                    expires = 0.0
                auth_cache.keep_principal(credential, principal, seen, expires)
        if api_key and principal is None:
            credential = "key:" + api_key
            principal = auth_cache.principal(credential)
            if principal is None:
                seen = auth_cache.epoch()
                async with state.db.transaction(write=False):
                    principal = await apikeys.authenticate(api_key, state.rolebook)
                auth_cache.keep_principal(credential, principal, seen, float("inf"))
    except ApiError as exc:
        return None, exc, ""
    return principal, None, credential


_CONTEXT_HEADERS = frozenset({b"authorization", b"x-api-key", b"x-linli-node",
                              b"x-forwarded-for"})
"""The headers :func:`build_context` reads."""


async def build_context(request: Request[Any, Any, Any]) -> Context:
    """Litestar dependency: runs on every request, anonymous ones included (for a WebSocket,
    once per connection; :func:`accept_connection_params` then reads ``connection_init``)."""
    state: AppState = request.app.state.linli
    # core.logging's middleware set a server-generated id (a client's X-Request-ID is kept
    # beside it, never used as ours)
    request_id = request_id_var.get() or new_request_id()
    request_id_var.set(request_id)
    wanted = scope_headers(request.scope, _CONTEXT_HEADERS)
    client = client_address(request.client.host if request.client else "",
                            wanted.get(b"x-forwarded-for"), state.settings.trusted_proxies)
    authorization = wanted.get(b"authorization", "")
    api_key = wanted.get(b"x-api-key", "")
    seen = AuthEpoch.value  # before the cache or the database is asked
    principal, error, credential = await _authenticate(state, authorization, api_key)
    return Context(state=state, request_id=request_id, principal=principal, auth_error=error,
                   node_code=wanted.get(b"x-linli-node"), client_ip=client,
                   credential=credential, _authorization=authorization, _api_key=api_key,
                   _auth_seen=seen)


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
        context._auth_seen = AuthEpoch.value
        context._authorization, context._api_key = authorization or "", api_key or ""
        context.principal, context.auth_error, context.credential = await _authenticate(
            context.state, authorization or "", api_key or "")
    node = _param(params, "x-linli-node", "node")
    if node is not None:
        context.node_code = node
    # nothing was resolved from the handshake yet (resolution is lazy), but be sure
    context._access, context._node_error, context._resolved = None, None, False
    context._pending, context._enabled = None, None


Info = strawberry.Info[Context, None]
"""What every resolver receives: ``info.context`` is a :class:`Context` (typed for mypy)."""
