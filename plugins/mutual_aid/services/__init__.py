"""The plugin's domain logic (no strawberry, no Litestar), one module per area:

- ``common``: clock, rule values, refusals, who may act where;
- ``boxes``: boxes, item lines, takes and returns with loans, donations, counts, restocking;
- ``menu``: teams, dishes, sessions and sign-up, orders, escalation, +1, service records;
- ``notes``: 红便签 anonymous notes, their keyed rate limit, moderation and answers;
- ``personal_data``: one person's data, exported or erased.
"""

from __future__ import annotations

from plugins.mutual_aid.services import boxes, common, menu, notes, personal_data
from plugins.mutual_aid.services.personal_data import personal_data as personal_data_of

__all__ = ["boxes", "common", "menu", "notes", "personal_data", "personal_data_of"]
