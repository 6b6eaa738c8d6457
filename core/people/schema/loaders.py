"""Per-request DataLoaders for places and residents; each batch opens its own short scoped
transaction (``ctx.read()``). Full personal values are never loaded here: only
``revealResident`` gives them, one resident at a time."""

from __future__ import annotations

from typing import Any

from core.errors import ApiError
from core.people import queries
from core.people.view import AROUND_KINDS, PlaceView, people_view

__all__ = ["by_id", "children", "tags", "view"]


async def view(ctx: Any, permission: str = "people.read", *,
               kind: str | None = None) -> PlaceView:
    """The caller's view of places for ``permission`` (computed once per request);
    FORBIDDEN without it. Lists of children always use ``people.read``. ``kind``: the only
    kind the view will limit or check; one outside :data:`AROUND_KINDS` (residents, households,
    units, buildings) takes no read of the places around the caller's grants."""
    async def load(keys: list[tuple[str, bool]]) -> list[Any]:
        out: list[Any] = []
        async with ctx.read() as access:
            for wanted, around in keys:
                try:
                    out.append(await people_view(access, wanted, around=around))
                except ApiError as exc:  # every field of the request sees the same refusal
                    out.append(exc)
        return out

    key = (permission, kind is None or kind in AROUND_KINDS)
    return await ctx.loader("people:view", load).load(key)  # type: ignore[no-any-return]


async def by_id(ctx: Any, kind: str, pk: int) -> Any:
    """The record of ``kind`` with id ``pk`` in the tenant scope (place view not applied: used
    for parents of objects already in view, and by ``node`` which checks the view itself)."""
    async def load(ids: list[int]) -> list[Any]:
        async with ctx.read():
            return await queries.by_ids(kind, ids)

    return await ctx.loader(f"people:{kind}", load).load(pk)


async def children(ctx: Any, kind: str, parent: str, pk: int) -> list[Any]:
    """Children of ``kind`` under a ``parent`` place, limited to the caller's view."""
    async def load(ids: list[int]) -> list[Any]:
        place_view = await view(ctx, kind=kind)
        async with ctx.read():
            return await queries.children_of(kind, parent, ids, place_view)

    return await ctx.loader(f"people:{kind}<{parent}", load).load(pk)  # type: ignore[no-any-return]


async def tags(ctx: Any, resident_id: int) -> list[str]:
    async def load(ids: list[int]) -> list[Any]:
        async with ctx.read():
            return await queries.tags_of(ids)

    return await ctx.loader("people:tags", load).load(resident_id)  # type: ignore[no-any-return]
