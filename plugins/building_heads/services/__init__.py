"""The plugin's domain logic (no strawberry, no Litestar), one module per area:

- ``access``: who may act on a building (core's check plus the serving-head link);
- ``appointments``: candidates, eligibility, notice, approval, terms;
- ``common``: Shanghai periods, the plugin's rule values, a caller's reach;
- ``coverage``: visit coverage and overdue households, computed from the visits;
- ``visits``: logging visits, welfare visit tasks, the monthly reminder;
- ``matters``: the four-step method and the live board's updates;
- ``meetings``: 三方联席会议 and 民情恳谈会 at a station, with the matters they take up;
- ``rota``: 红旗驿站 stations, leave, the weekly rota, swaps;
- ``duties``: the standard's service content recorded as duties (information collection
  written back to core's resident records);
- ``handoffs``: matters and duties handed between heads, grid workers and the property
  company (双向进入), and their answers;
- ``companies``: property companies (物业) and their accounts;
- ``survey``: residents' anonymous satisfaction survey of their head;
- ``evaluation``: the yearly evaluation of heads;
- ``personal_data``: one person's data, exported or erased.

Every function runs inside the caller's scoped transaction and refuses with ``ApiError``.
The names below are what the schema, hooks, jobs and demo use.
"""

from __future__ import annotations

from plugins.building_heads.services import (
    access,
    appointments,
    common,
    companies,
    coverage,
    duties,
    evaluation,
    handoffs,
    matters,
    meetings,
    personal_data,
    rota,
    survey,
    visits,
)
from plugins.building_heads.services.personal_data import personal_data as personal_data_of
from plugins.building_heads.services.visits import on_event, responsible_accounts

__all__ = [
    "access",
    "appointments",
    "common",
    "companies",
    "coverage",
    "duties",
    "evaluation",
    "handoffs",
    "matters",
    "meetings",
    "on_event",
    "personal_data",
    "personal_data_of",
    "responsible_accounts",
    "rota",
    "survey",
    "visits",
]
