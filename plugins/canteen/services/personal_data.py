"""Export and erasure of one person's canteen data (``linli_personal_data``).

What the plugin holds about a resident: the city registry's entry (name, birth date, tags, card
token) and their meals. ``erase`` pseudonymises the registry entry (name ``已删除居民``, card
token replaced, the ID number's blind index removed so no lookup by 身份证号 finds it, birth
date blanked to 1900-01-01, inactive: no further meals) through
``as_region``, and keeps the meals: they are the settled subsidy ledger the city must keep, and
carry only the registry id. A second erase changes nothing and returns zeros."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from core.plugin import as_region, current_scope
from plugins.canteen.services.common import city_of
from plugins.canteen.tables import Elder, Meal

__all__ = ["PSEUDONYM", "personal_data"]

PSEUDONYM = "已删除居民"
_BLANK_BIRTH = date(1900, 1, 1)


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def personal_data(resident_id: int, action: str) -> Mapping[str, Any] | None:
    elder = await Elder.select().where(Elder.resident_id == resident_id).first()
    if elder is None:
        return None
    if action == "export":
        meals = await Meal.select(Meal.id, Meal.canteen_id, Meal.served_on, Meal.slot,
                                  Meal.price_fen, Meal.subsidy_fen, Meal.self_pay_fen).where(
            Meal.elder_id == elder["id"]).order_by(Meal.id)
        return {
            "registry": [{k: _iso(v) for k, v in elder.items()
                          if k in ("id", "name", "birth_date", "tags", "registered_at")}],
            "meals": [{k: _iso(v) for k, v in m.items()} for m in meals],
        }
    if elder["name"] == PSEUDONYM and not elder["active"]:
        return {"registry_pseudonymised": 0}
    write_node = current_scope().write_node
    assert write_node is not None
    city = await city_of(write_node)
    async with as_region(city, Elder):
        await Elder.update({Elder.name: PSEUDONYM, Elder.card_token: f"erased-{elder['id']}",
                            Elder.birth_date: _BLANK_BIRTH, Elder.tags: "",
                            Elder.id_number_index: None,
                            Elder.active: False}).where(Elder.id == elder["id"])
    return {"registry_pseudonymised": 1}
