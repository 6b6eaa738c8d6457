"""The one mutation runner: every core and plugin mutation runs through :func:`run_mutation`.

A mutation takes one ``input`` and returns a union of its payload and ``UserError``. The runner
opens the one write transaction the mutation runs in, records its audit entry in that same
transaction, and turns an :class:`~core.errors.ApiError` into the typed ``UserError`` member;
because the error leaves the transaction before it is shaped, nothing the mutation wrote is
committed. Resolvers therefore never write ``try``/``except ApiError`` themselves (as in
Saleor's ``BaseMutation``). Any other exception is a bug and reaches the client masked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from strawberry.types import Info

from core.audit.service import AuditItem, record_many
from core.errors import ApiError
from core.identity.access import Access
from core.schema.errors import UserError, user_error

__all__ = ["Audit", "run_mutation", "run_unscoped"]

T = TypeVar("T")
P = TypeVar("P")


@dataclass(frozen=True)
class Audit:
    """The audit entry a mutation leaves: the runner adds the acting account and node."""

    action: str
    object_type: str = ""
    object_id: Any = ""
    summary: dict[str, Any] | None = None


async def run_mutation(info: Info, work: Callable[[Access], Awaitable[T]],
                       wrap: Callable[[T], P], *,
                       audit: Callable[[T], Audit] | None = None,
                       after: Callable[[T], Awaitable[None]] | None = None) -> P | UserError:
    """Run ``work(access)`` in one write transaction at the acting node.

    ``audit(result)``, if given, describes the entry recorded before the commit (so a refused
    mutation leaves none). An :class:`ApiError` — from ``work``, from resolving the caller and
    acting node, or from ``audit`` — rolls the transaction back and is returned as ``UserError``.
    After the commit, ``after(result)`` runs work that must see committed rows or opens its own
    transactions (``linli_tenant_enabled`` hooks, one scope per tenant), then ``wrap(result)``
    builds the payload.
    """
    async def transaction() -> T:
        async with info.context.write() as access:
            result = await work(access)
            if audit is not None:
                entry = audit(result)
                await record_many([AuditItem(entry.action, access.principal.account_id,
                                             entry.object_type, entry.object_id, entry.summary)])
            return result

    return await _settle(transaction, wrap, after)


async def run_unscoped(info: Info, work: Callable[[Any], Awaitable[T]],
                       wrap: Callable[[T], P]) -> P | UserError:
    """Run ``work(context)``, which opens its own transactions, and shape its errors alike.

    Only for the session mutations (``login``, ``refreshToken``, ``logout``): they run before
    there is an acting node, and a refused login must still commit its throttling count, so
    one rolled-back transaction around them would be wrong."""
    async def call() -> T:
        return await work(info.context)

    return await _settle(call, wrap, None)


async def _settle(run: Callable[[], Awaitable[T]], wrap: Callable[[T], P],
                  after: Callable[[T], Awaitable[None]] | None) -> P | UserError:
    try:
        result = await run()
    except ApiError as err:
        return user_error(err)
    if after is not None:
        await after(result)
    return wrap(result)
