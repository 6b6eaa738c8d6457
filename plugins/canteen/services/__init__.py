"""The canteen plugin's domain logic (no strawberry, no Litestar), one module per area:

- ``common``: the city above a canteen, rule values, the subsidy computation, months;
- ``canteens``: canteens, status history, operator links, counter binding, weekly menus;
- ``elders``: the city's elder registry;
- ``meals``: meals at the counter with the city-wide once-a-slot and once-a-day claims;
- ``batch``: batch upload and import (CSV/XLSX), idempotent, per-row rejections;
- ``settlement``: monthly claims, review, payment, Excel export;
- ``signals``: meals per day, elders by bracket, utilisation, regular-absent concerns;
- ``live``: live updates of the counters (core's pubsub);
- ``personal_data``: one person's data, exported or pseudonymised.

Every function runs inside the caller's scoped transaction and refuses with ``ApiError``.
"""

from __future__ import annotations

from plugins.canteen.services import (
    batch,
    canteens,
    common,
    elders,
    live,
    meals,
    personal_data,
    settlement,
    signals,
)

__all__ = [
    "batch",
    "canteens",
    "common",
    "elders",
    "live",
    "meals",
    "personal_data",
    "settlement",
    "signals",
]
