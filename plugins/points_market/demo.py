"""Demo rows (``linli_demo_data``): filled in below."""

from __future__ import annotations

__all__ = ["seed_demo"]


async def seed_demo(tenant_id: int) -> None:
    """Nothing yet."""
