"""Jobs and cron entries of the plugin (gathered from the area modules' ``JOBS``/``CRON``)."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["cron_jobs", "jobs"]

_MODULES = ("plugins.building_heads.visits", "plugins.building_heads.evaluation")


def _gather(attr: str) -> list[Any]:
    out: list[Any] = []
    for name in _MODULES:
        out += list(getattr(importlib.import_module(name), attr, ()))
    return out


def jobs() -> list[Any]:
    return _gather("JOBS")


def cron_jobs() -> list[Any]:
    return _gather("CRON")
