"""Canteens: registration, status history, operator links, counter binding, weekly menus."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from core.plugin import Access, ApiError, grant_place_role, now_utc, today_shanghai
from plugins.canteen.services.common import OPERATOR_ROLE, SLOTS, require
from plugins.canteen.tables import Canteen, MenuItem, OperatorLink, StatusChange

__all__ = [
    "KINDS",
    "STATUSES",
    "can_serve",
    "canteen_page",
    "change_status",
    "create_canteen",
    "get_canteen",
    "history_of",
    "link_operator",
    "menu_of",
    "names_of",
    "next_statuses",
    "public_canteen_page",
    "set_menu",
]

KINDS = ("enterprise_listed", "new_built")
"""企业挂牌型 / 新建改造型, the city's construction-subsidy categories."""
STATUSES = ("planned", "signed", "fitting_out", "ready", "operating", "suspended", "closed")
_NEXT: dict[str, tuple[str, ...]] = {
    "planned": ("signed", "closed"),
    "signed": ("fitting_out", "closed"),
    "fitting_out": ("ready", "closed"),
    "ready": ("operating", "closed"),
    "operating": ("suspended", "closed"),
    "suspended": ("operating", "closed"),
    "closed": (),
}


def _slots(slots: list[str]) -> str:
    if not slots or any(s not in SLOTS for s in slots) or len(set(slots)) != len(slots):
        raise ApiError.invalid("slots", "餐次须为 breakfast、lunch、dinner 且不重复",
                               "slots are breakfast, lunch, dinner, each once")
    return ",".join(s for s in SLOTS if s in slots)


async def create_canteen(access: Access, *, name: str, kind: str, elderly_centre: bool,
                         operator_name: str, address: str, slots: list[str], seats: int,
                         construction_subsidy_fen: int = 0,
                         construction_subsidy_on: date | None = None) -> dict[str, Any]:
    """Register a canteen in the acting tenant (status ``planned``)."""
    require(access, "canteen.manage")
    name = name.strip()
    if not name or len(name) > 100:
        raise ApiError.invalid("name", "名称须为1至100字", "the name is 1 to 100 characters")
    if kind not in KINDS:
        raise ApiError.invalid("kind", "类型须为企业挂牌型或新建改造型",
                               "kind is enterprise_listed or new_built")
    if not 0 <= seats <= 10000:
        raise ApiError.invalid("seats", "座位数须在0至10000之间", "seats are 0 to 10000")
    if not 0 <= construction_subsidy_fen <= 100_000_000:
        raise ApiError.invalid("constructionSubsidyFen", "建设补贴金额无效",
                               "the construction subsidy is out of range")
    if await Canteen.exists().where((Canteen.name == name)
                                    & (Canteen.tenant_id == access.node_id)):
        raise ApiError.conflict("同名食堂已存在", "a canteen with this name exists", "name")
    today = today_shanghai()
    row = Canteen(tenant_id=access.node_id, name=name, kind=kind, elderly_centre=elderly_centre,
                  operator_name=operator_name.strip()[:100], address=address.strip()[:200],
                  status="planned", status_on=today, slots=_slots(slots), seats=seats,
                  construction_subsidy_fen=construction_subsidy_fen,
                  construction_subsidy_on=construction_subsidy_on, created_at=now_utc())
    await Canteen.insert(row)
    await StatusChange.insert(StatusChange(
        tenant_id=access.node_id, canteen_id=row.id, status="planned", on_date=today,
        changed_by=access.principal.account_id, changed_at=now_utc()))
    found = await get_canteen(int(row.id))
    assert found is not None
    return found


async def get_canteen(canteen_id: int) -> dict[str, Any] | None:
    """One canteen in the scope, or None."""
    row: dict[str, Any] | None = await Canteen.select().where(Canteen.id == canteen_id).first()
    return row


async def _own(access: Access, canteen_id: int) -> dict[str, Any]:
    row = await get_canteen(canteen_id)
    if row is None or int(row["tenant_id"]) != access.node_id:
        raise ApiError.not_found("食堂", "canteen", "canteenId")
    return row


async def change_status(access: Access, canteen_id: int, status: str, on_date: date | None,
                        *, note: str = "", expected_ready_on: date | None = None
                        ) -> dict[str, Any]:
    """Move a canteen along planned → signed → fitting out → ready → operating (→ suspended ⇄
    operating) → closed; each step is kept in the history with its date."""
    require(access, "canteen.manage")
    row = await _own(access, canteen_id)
    if status not in STATUSES:
        raise ApiError.invalid("status", "未知状态", "unknown status")
    if status not in _NEXT[str(row["status"])]:
        raise ApiError.conflict(f"不能从 {row['status']} 变为 {status}",
                                f"cannot move from {row['status']} to {status}", "status")
    on_date = on_date or today_shanghai()
    if on_date > today_shanghai() + timedelta(days=1):
        raise ApiError.invalid("onDate", "日期不能在将来", "the date cannot be in the future")
    values: dict[Any, Any] = {Canteen.status: status, Canteen.status_on: on_date}
    if status == "fitting_out":
        if expected_ready_on is None or expected_ready_on < on_date:
            raise ApiError.invalid("expectedReadyOn", "装修中须填写预计达到运营条件的日期（不早于变更日期）",
                                   "fitting out needs the expected ready date, not before the "
                                   "date of the change")
        values[Canteen.expected_ready_on] = expected_ready_on
    if status == "operating" and row["opened_on"] is None:
        values[Canteen.opened_on] = on_date
    await Canteen.update(values).where(Canteen.id == canteen_id)
    await StatusChange.insert(StatusChange(
        tenant_id=access.node_id, canteen_id=canteen_id, status=status, on_date=on_date,
        note=note.strip()[:500], changed_by=access.principal.account_id,
        changed_at=now_utc()))
    found = await get_canteen(canteen_id)
    assert found is not None
    return found


async def link_operator(access: Access, canteen_id: int, account_id: int) -> None:
    """Give an account the operator role at this tenant and link it to the canteen."""
    require(access, "canteen.manage")
    await _own(access, canteen_id)
    await grant_place_role(account_id, access.node_id, OPERATOR_ROLE)
    exists = await OperatorLink.exists().where(
        (OperatorLink.account_id == account_id) & (OperatorLink.canteen_id == canteen_id))
    if not exists:
        await OperatorLink.insert(OperatorLink(tenant_id=access.node_id, canteen_id=canteen_id,
                                               account_id=account_id))


async def can_serve(access: Access, canteen: dict[str, Any]) -> None:
    """May the caller record meals at this canteen? A counter API key must be bound to this
    canteen (kind ``canteen``); an operator must be linked to it; other holders of
    ``canteen.serve`` (the tenant's administrators) may serve at any of the tenant's canteens."""
    principal = access.principal
    if principal.api_key_id is not None:
        if principal.api_key_object != ("canteen", int(canteen["id"])) \
                or not access.has("canteen.serve"):
            raise ApiError.forbidden("此终端密钥不属于该食堂",
                                     "this counter key is not bound to this canteen")
        return
    others = replace(access, grants=tuple(g for g in access.grants if g.role != OPERATOR_ROLE))
    if others.check("canteen.serve"):
        return
    require(access, "canteen.serve")
    linked = await OperatorLink.exists().where(
        (OperatorLink.account_id == principal.account_id)
        & (OperatorLink.canteen_id == int(canteen["id"])))
    if not linked:
        raise ApiError.forbidden("您不是该食堂的运营方", "you do not operate this canteen")


async def set_menu(access: Access, canteen_id: int, week_start: date,
                   items: list[tuple[int, str, str, int, str]]) -> int:
    """Replace a canteen's menu for the week starting on Monday ``week_start``; ``items`` are
    (weekday 1–7, slot, dish, price fen, nutrition tags)."""
    row = await _own(access, canteen_id)
    await can_serve(access, row)
    if week_start.weekday() != 0:
        raise ApiError.invalid("weekStartsOn", "须为周一", "must be a Monday")
    if len(items) > 200:
        raise ApiError.invalid("items", "菜品过多", "too many dishes")
    for weekday, slot, dish, price, _ in items:
        if not 1 <= weekday <= 7 or slot not in SLOTS or not dish.strip() or len(dish) > 100 \
                or not 0 <= price <= 100_000:
            raise ApiError.invalid("items", "菜品信息无效", "a dish is invalid")
    await MenuItem.delete().where((MenuItem.canteen_id == canteen_id)
                                  & (MenuItem.week_start == week_start))
    seen: set[tuple[int, str, str]] = set()
    rows = []
    for weekday, slot, dish, price, tags in items:
        if (weekday, slot, dish.strip()) in seen:
            continue
        seen.add((weekday, slot, dish.strip()))
        rows.append(MenuItem(tenant_id=access.node_id, canteen_id=canteen_id,
                             week_start=week_start, weekday=weekday, slot=slot,
                             dish=dish.strip(), price_fen=price, nutrition_tags=tags[:200]))
    if rows:
        await MenuItem.insert(*rows)
    return len(rows)


async def menu_of(canteen_ids: list[int], week_start: date) -> dict[int, list[dict[str, Any]]]:
    """The week's dishes of several canteens (one statement), by canteen."""
    out: dict[int, list[dict[str, Any]]] = {c: [] for c in canteen_ids}
    if not canteen_ids:
        return out
    rows = await MenuItem.select().where(MenuItem.canteen_id.is_in(canteen_ids)
                                         & (MenuItem.week_start == week_start)).order_by(
        MenuItem.weekday).order_by(MenuItem.slot).order_by(MenuItem.id)
    for r in rows:
        out[int(r["canteen_id"])].append(r)
    return out


def next_statuses(status: str) -> tuple[str, ...]:
    """The statuses a canteen may move to from ``status`` (none once closed)."""
    return _NEXT.get(status, ())


async def public_canteen_page(tenant_id: int, first: int, after: int
                              ) -> list[dict[str, Any]]:
    """A tenant's canteens for residents (no login): what a poster or a neighbour needs —
    name, address, status, slots — by id, ``first + 1`` rows after ``after``, one statement.
    Planned canteens are not announced yet and closed ones are gone, so neither is listed."""
    return list(await Canteen.select(
        Canteen.id, Canteen.name, Canteen.address, Canteen.status, Canteen.status_on,
        Canteen.expected_ready_on, Canteen.slots, Canteen.seats).where(
        (Canteen.tenant_id == tenant_id) & (Canteen.id > after)
        & Canteen.status.not_in(["planned", "closed"])).order_by(Canteen.id).limit(first + 1))


async def canteen_page(access: Access, first: int, after: int) -> list[dict[str, Any]]:
    """The acting tenant's canteens by id (``first + 1`` rows after ``after``)."""
    require(access, "canteen.read")
    return list(await Canteen.select().where(
        (Canteen.tenant_id == access.node_id) & (Canteen.id > after)).order_by(
        Canteen.id).limit(first + 1))


async def history_of(canteen_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Status histories of several canteens, oldest first (one statement)."""
    out: dict[int, list[dict[str, Any]]] = {c: [] for c in canteen_ids}
    if canteen_ids:
        for r in await StatusChange.select().where(
                StatusChange.canteen_id.is_in(canteen_ids)).order_by(StatusChange.id):
            out[int(r["canteen_id"])].append(r)
    return out


async def names_of(canteen_ids: list[int]) -> dict[int, str]:
    if not canteen_ids:
        return {}
    rows = await Canteen.select(Canteen.id, Canteen.name).where(Canteen.id.is_in(canteen_ids))
    return {int(r["id"]): str(r["name"]) for r in rows}
