"""Reader cards: self-service registration by readers of any tenant of the county (name, phone
and 身份证号 checked; one card per person per network by the ID number's blind index), child
cards with a guardian's card, status. The card holds the reader's own registration data,
encrypted; it may name a resident of the reader's tenant but never reads that tenant's records."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    PersonalCipher,
    mask_id_number,
    mask_phone,
    now_utc,
    today_shanghai,
    validate_id_number,
    validate_phone,
)
from plugins.reading_rooms.services.common import NetworkRef, require
from plugins.reading_rooms.tables import Card

__all__ = [
    "CHILD_UNDER",
    "age_on",
    "card_by_number",
    "cards_by_ids",
    "mask_name",
    "my_cards",
    "register_card",
    "set_card_status",
]

CHILD_UNDER = 14
"""Readers under 14 on registration get a child card (with a guardian)."""


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


async def register_card(access: Access, network: NetworkRef, cipher: PersonalCipher, *,
                        name: str, id_number: str, phone: str | None = None,
                        guardian_card_number: str | None = None,
                        resident_id: int | None = None) -> dict[str, Any]:
    """A card for the caller (self-service, from any tenant of the county: call inside
    ``as_county``) or, at the county's desk, for a walk-in reader. A reader under 14 gets a
    child card and must name a guardian's active adult card (the caller's own, self-service)."""
    at_desk = access.node_id == network.county.id
    if at_desk:
        require(access, "reading_rooms.circulate")
    elif access.principal.account_id is None:
        raise ApiError.forbidden("请先登录", "sign in to register a card")
    text = " ".join((name or "").split())
    if not text or len(text) > 50:
        raise ApiError.invalid("name", "姓名须为1–50个字", "the name has 1–50 characters")
    ident = validate_id_number(id_number)
    phone_value = validate_phone(phone) if phone else None
    index = cipher.index("reading_rooms.id_number", f"{network.id}:{ident.value}")
    if await Card.exists().where((Card.network_id == network.id) & (Card.id_index == index)):
        raise ApiError.conflict("此人已有本网络的读者证", "this person already has a card here",
                                "idNumber")
    today = today_shanghai()
    child = age_on(ident.birth_date, today) < CHILD_UNDER
    guardian_id = None
    if child:
        if not guardian_card_number:
            raise ApiError.invalid("guardianCardNumber", "少儿读者证须有监护人读者证",
                                   "a child's card needs a guardian's card")
        guardian = await Card.select().where(
            (Card.network_id == network.id)
            & (Card.card_number == guardian_card_number.strip())).first()
        if guardian is None or (not at_desk and guardian["account_id"]
                                != access.principal.account_id):
            raise ApiError.not_found("监护人读者证", "guardian card", "guardianCardNumber")
        if guardian["reader_type"] != "adult" or guardian["status"] != "active":
            raise ApiError.invalid("guardianCardNumber", "监护人须持有效成人读者证",
                                   "the guardian needs an active adult card")
        guardian_id = int(guardian["id"])
    number = f"{network.id % 100:02d}{secrets.randbelow(10 ** 8):08d}"
    row = Card(tenant_id=network.county.id, network_id=network.id, card_number=number,
               account_id=None if (at_desk or child) else access.principal.account_id,
               resident_id=resident_id,
               home_tenant_id=None if at_desk else access.node_id,
               name_cipher=cipher.seal(text),
               phone_cipher=cipher.seal(phone_value) if phone_value else None,
               id_number_cipher=cipher.seal(ident.value), id_index=index,
               id_mask=mask_id_number(ident.value), reader_type="child" if child else "adult",
               guardian_card_id=guardian_id, status="active",
               expires_on=today + timedelta(days=5 * 365), registered_at=now_utc())
    await Card.insert(row)
    found = await Card.select().where(Card.id == row.id).first()
    assert found is not None
    return dict(found)


async def card_by_number(network: NetworkRef, number: str, field: str = "cardNumber"
                         ) -> dict[str, Any]:
    row = await Card.select().where((Card.network_id == network.id)
                                    & (Card.card_number == (number or "").strip())).first()
    if row is None:
        raise ApiError.not_found("读者证", "card", field)
    return dict(row)


async def cards_by_ids(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    return {int(r["id"]): dict(r) for r in await Card.select().where(
        Card.id.is_in(sorted(set(ids))))}


async def my_cards(account_id: int) -> list[dict[str, Any]]:
    """The caller's own cards and the child cards they are guardian of (inside ``as_county``)."""
    own = await Card.select().where(Card.account_id == account_id).order_by(Card.id)
    ids = [int(r["id"]) for r in own]
    children = await Card.select().where(Card.guardian_card_id.is_in(ids)).order_by(
        Card.id) if ids else []
    return [dict(r) for r in [*own, *children]]


async def set_card_status(access: Access, network: NetworkRef, number: str, status: str
                          ) -> dict[str, Any]:
    require(access, "reading_rooms.manage")
    if status not in ("active", "blocked", "expired"):
        raise ApiError.invalid("status", "状态无效", "unknown status")
    card = await card_by_number(network, number)
    await Card.update({Card.status: status}).where(Card.id == card["id"])
    return {**card, "status": status}


def masked(card: dict[str, Any], cipher: PersonalCipher) -> dict[str, str]:
    """What anyone sees of a card by default."""
    phone = cipher.open(card["phone_cipher"]) if card.get("phone_cipher") else ""
    return {"name": mask_name(cipher.open(card["name_cipher"])),
            "phone": mask_phone(phone) if phone else "", "id_number": card["id_mask"]}
