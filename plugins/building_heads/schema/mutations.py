"""Mutation fields of the plugin (from each area module's ``MUTATIONS``)."""

from __future__ import annotations

from typing import Any

from plugins.building_heads.schema.types import gather


def mutation_fields() -> list[Any]:
    return gather("MUTATIONS")


def subscription_fields() -> list[Any]:
    return gather("SUBSCRIPTIONS")
