"""Subscription fields of the plugin: none yet (the counter answers each meal directly)."""

from __future__ import annotations

from typing import Any

__all__ = ["SUBSCRIPTIONS"]

SUBSCRIPTIONS: list[Any] = []
