"""The city's elder registry (一次录入、信息共享、全市食堂通用): registered once by any street
office of the city, recognised at every canteen of the city. Rows belong to the city node; a
street office writes them through ``as_region`` after core checked the city is above it."""

from __future__ import annotations

import secrets
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    as_region,
    find_resident_by_id_number,
    get_resident,
    id_number_index,
    id_number_indexes,
    now_utc,
    record,
    resident_tags,
)
from plugins.canteen.services.common import city_of, require
from plugins.canteen.tables import Elder

__all__ = ["elders_by_ids", "find_elder", "mask_name", "register_elder", "search_elders"]


def mask_name(name: str) -> str:
    """张三丰 → 张** (the registry's names are personal data)."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


async def register_elder(access: Access, resident_id: int, card_token: str | None = None
                         ) -> dict[str, Any]:
    """Register a resident of the acting tenant in the city's registry (idempotent: the same
    resident is registered once city-wide; tags are refreshed)."""
    require(access, "canteen.elders")
    resident = await get_resident(resident_id)
    if resident is None or resident.tenant_id != access.node_id:
        raise ApiError.not_found("居民", "resident", "residentId")
    tags = ",".join((await resident_tags([resident_id])).get(resident_id, []))
    token = (card_token or "").strip() or secrets.token_urlsafe(12)
    if len(token) > 64:
        raise ApiError.invalid("cardToken", "卡号过长", "the card token is too long")
    index = (await id_number_indexes([resident_id])).get(resident_id)
    city = await city_of(access.node_id)
    async with as_region(city, Elder):
        existing = await Elder.select().where(Elder.resident_id == resident_id).first()
        if existing is not None:
            await Elder.update({Elder.tags: tags, Elder.active: True,
                                Elder.id_number_index: index}).where(
                Elder.id == existing["id"])
            elder_id = int(existing["id"])
        else:
            if await Elder.exists().where(Elder.card_token == token):
                raise ApiError.conflict("该卡号已被使用", "this card token is in use",
                                        "cardToken")
            row = Elder(tenant_id=city.id, name=resident.name, birth_date=resident.birth_date,
                        tags=tags, card_token=token, resident_id=resident_id,
                        id_number_index=index,
                        home_tenant_id=access.node_id, active=True, registered_at=now_utc())
            await Elder.insert(row)
            elder_id = int(row.id)
    found = await Elder.select().where(Elder.id == elder_id).first()
    assert found is not None
    return dict(found)


async def elders_by_ids(ids: list[int]) -> dict[int, dict[str, Any]]:
    """Elders of the registry readable here (the city's rows), one statement."""
    if not ids:
        return {}
    rows = await Elder.select().where(Elder.id.is_in(sorted(set(ids))))
    return {int(r["id"]): r for r in rows}


async def find_elder(*, card_token: str | None = None, resident_id: int | None = None,
                     elder_id: int | None = None, id_number: str | None = None
                     ) -> dict[str, Any]:
    """Identify an elder at the counter by card/QR token, 身份证号, resident or registry id.

    By ID number: the city's registry row is found through core's keyed blind index with one
    equality (nobody is decrypted), wherever in the city the elder was registered; a resident
    of the acting tenant not yet in the registry is told apart (``NOT_FOUND`` saying so).
    Every lookup by ID number is audited with its actor and the masked number."""
    query = Elder.select().where(Elder.active == True)
    field = "cardToken"
    if card_token:
        query = query.where(Elder.card_token == card_token.strip())
    elif id_number:
        field = "idNumber"
        index = id_number_index(id_number, field=field)
        query = query.where(Elder.id_number_index == index)
    elif resident_id is not None:
        query = query.where(Elder.resident_id == resident_id)
    elif elder_id is not None:
        query = query.where(Elder.id == elder_id)
    else:
        raise ApiError.invalid("cardToken", "请出示卡片、身份证或选择老人",
                               "show a card or an ID card, or pick an elder")
    row: dict[str, Any] | None = await query.first()
    if id_number and row is None:
        resident = await find_resident_by_id_number(id_number, field=field)  # audited
        if resident is not None:
            raise ApiError.not_found("登记的老人（该居民尚未登记到全市名册）",
                                     "registered elder (this resident is not in the city "
                                     "registry yet)", field)
    elif id_number:
        assert row is not None
        await record("canteen.elder.identify", account_id=None, object_type="CanteenElder",
                     object_id=row["id"], summary={"by": "id_number"})
    if row is None:
        raise ApiError.not_found("登记的老人", "registered elder", field)
    return row


async def search_elders(name_prefix: str, first: int, after: int | None
                        ) -> list[dict[str, Any]]:
    """Elders by name prefix, keyset-paged by id (``first + 1`` rows)."""
    prefix = name_prefix.strip()
    if not prefix:
        raise ApiError.invalid("name", "请输入姓名", "enter a name")
    query = Elder.select().where(Elder.name.like(prefix.replace("%", "") + "%")
                                 & (Elder.active == True))
    if after is not None:
        query = query.where(Elder.id > after)
    return list(await query.order_by(Elder.id).limit(first + 1))
