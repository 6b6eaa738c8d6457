"""Live fields of the reading-rooms plugin (none yet: a reader is told by notification)."""

from __future__ import annotations

from typing import Any

__all__ = ["SUBSCRIPTIONS"]

SUBSCRIPTIONS: list[Any] = []
