"""The plugin's domain logic (no strawberry, no Litestar), one module per area:

- ``common``: clock, rule values, refusals, who may act where;
- ``boxes``: boxes, item lines, takes and returns with loans, donations, counts, restocking;
- ``menu``: teams, dishes, sessions and sign-up, orders, escalation, +1, service records;
- ``notes``: 红便签 anonymous notes, their keyed rate limit, moderation and answers;
- ``sessions``: attendance at group sessions, recurring dishes' sessions;
- ``projects``: the 4有 cycle (survey per building → design → delivery → improvement);
- ``figures``: the monthly box summary and the sheets (.xlsx);
- ``live``: live updates of the public boards (core's pubsub);
- ``personal_data``: one person's data, exported or erased.
"""

from __future__ import annotations

from plugins.mutual_aid.services import (
    boxes,
    common,
    figures,
    live,
    menu,
    notes,
    personal_data,
    projects,
    sessions,
)
from plugins.mutual_aid.services.personal_data import personal_data as personal_data_of

__all__ = ["boxes", "common", "figures", "live", "menu", "notes", "personal_data",
           "personal_data_of", "projects", "sessions"]
