"""Domain logic of the reading-rooms plugin, one module per area (no GraphQL, no HTTP)."""

from plugins.reading_rooms.services import (
    cards,
    catalogue,
    circulation,
    common,
    holds,
    network,
    notices,
    personal_data,
    reports,
    seats,
    transfers,
)

__all__ = [
    "cards",
    "catalogue",
    "circulation",
    "common",
    "holds",
    "network",
    "notices",
    "personal_data",
    "reports",
    "seats",
    "transfers",
]
