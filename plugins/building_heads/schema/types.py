"""Every strawberry type of the plugin, gathered from the area modules."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["AREAS", "area_modules", "gather"]

AREAS = ("appointments", "visits", "matters", "rota")


def area_modules() -> list[Any]:
    return [importlib.import_module(f"plugins.building_heads.schema.{a}") for a in AREAS]


def gather(attr: str) -> list[Any]:
    """Concatenate ``attr`` (a list) from every area module that defines it."""
    out: list[Any] = []
    for module in area_modules():
        out += list(getattr(module, attr, ()))
    return out


def types() -> list[Any]:
    return gather("TYPES")
