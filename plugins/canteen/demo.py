"""Demo data (``linli demo``): 柳园街道's six happiness canteens — two inside community
elderly-service centres, four enterprise-listed; 馨颐颐养中心幸福食堂 operating, 东关国际幸福食堂
being fitted out (the two the news report names; the other four names are illustrative) — the
street's older residents in the city registry, and a month of lunches at the operating
canteens. Only 柳园街道 gets canteens; does nothing when the tenant already has canteens, so
``make run`` can be repeated. Deterministic per tenant."""

from __future__ import annotations

import random
from datetime import timedelta

from core.plugin import (
    ApiError,
    get_node,
    residents_in,
    system_access,
    today_shanghai,
)
from plugins.canteen.services import canteens, elders
from plugins.canteen.services.common import age_on, city_of, subsidy_rules
from plugins.canteen.services.meals import MealInput, record_one
from plugins.canteen.tables import Canteen, Elder

__all__ = ["CANTEENS", "seed_demo"]

DEMO_TENANT = "柳园街道"
CANTEENS: tuple[tuple[str, str, bool, str, tuple[str, ...], int], ...] = (
    # name, kind, inside an elderly-service centre, status path end, slots, seats
    ("馨颐颐养中心幸福食堂", "new_built", True, "operating", ("lunch", "dinner"), 60),
    ("水韵社区养老服务中心幸福食堂", "new_built", True, "operating", ("lunch",), 40),
    ("东关国际幸福食堂", "enterprise_listed", False, "fitting_out", ("lunch",), 50),
    ("育新社区幸福食堂", "enterprise_listed", False, "operating", ("breakfast", "lunch"), 36),
    ("柳园大酒店幸福食堂", "enterprise_listed", False, "ready", ("lunch", "dinner"), 80),
    ("福乐居幸福食堂", "enterprise_listed", False, "signed", ("lunch",), 30),
)
_PATH = ("signed", "fitting_out", "ready", "operating")
SUBSIDY_FEN = {"new_built": 3_000_000, "enterprise_listed": 1_000_000}
"""One-off construction subsidy: 30,000 yuan newly built/renovated, 10,000 enterprise-listed."""


async def seed_demo(tenant_id: int) -> None:
    node = await get_node(tenant_id)
    if node is None or node.name != DEMO_TENANT or await Canteen.exists():
        return
    access = system_access(node)
    today = today_shanghai()
    start = today - timedelta(days=30)
    operating = []
    for name, kind, centre, end, slots, seats in CANTEENS:
        row = await canteens.create_canteen(
            access, name=name, kind=kind, elderly_centre=centre, operator_name=f"{name}运营方",
            address=f"聊城市东昌府区柳园街道{name[:4]}", slots=list(slots), seats=seats,
            construction_subsidy_fen=SUBSIDY_FEN[kind] if end in ("ready", "operating") else 0)
        for step, status in enumerate(_PATH[:_PATH.index(end) + 1]):
            row = await canteens.change_status(
                access, int(row["id"]), status, start - timedelta(days=40 - 10 * step),
                expected_ready_on=today + timedelta(days=45) if status == "fitting_out"
                else None)
        if end == "operating":
            operating.append(row)
    try:
        city = await city_of(tenant_id)
    except ApiError:  # a demo tree without a city: canteens only
        return
    older = [r for r in await residents_in() if age_on(r.birth_date, today) >= 60][:12]
    registered = [await elders.register_elder(access, r.id) for r in older]
    if not registered or not operating:
        return
    rng = random.Random(tenant_id)
    frozen: set[str] = set()
    day = start
    while day < today:
        rules = await subsidy_rules(node, day)
        for elder in registered:
            if rng.random() < 0.35:
                continue
            canteen = operating[int(elder["id"]) % len(operating)]
            await record_one(node, city, canteen, elder,
                             MealInput(int(elder["id"]), day, "lunch", rng.choice((800, 1000,
                                                                                    1200))),
                             rules, source="counter", frozen=frozen, account_id=None)
        day += timedelta(days=1)
    assert await Elder.exists()


