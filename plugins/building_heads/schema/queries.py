"""Query fields of the plugin (from each area module's ``QUERIES``)."""

from __future__ import annotations

from typing import Any

from plugins.building_heads.schema.types import gather


def query_fields() -> list[Any]:
    return gather("QUERIES")
