"""The plugin's domain logic (no strawberry, no Litestar), one module per area:
``appointments``, ``visits``, ``matters``, ``rota``, ``evaluation``. This module re-exports
their public functions for callers that want one import."""

from __future__ import annotations

from plugins.building_heads.appointments import *  # noqa: F403
from plugins.building_heads.evaluation import *  # noqa: F403
from plugins.building_heads.matters import *  # noqa: F403
from plugins.building_heads.rota import *  # noqa: F403
from plugins.building_heads.visits import *  # noqa: F403
