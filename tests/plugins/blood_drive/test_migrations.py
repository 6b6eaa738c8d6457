"""The plugin's PostgreSQL migration matches its tables (the package's boundary is checked by
tests/core/plugin/test_boundary.py)."""

from __future__ import annotations


async def test_no_pending_migrations(linli_env):
    from core.testing import pending_migrations

    assert await pending_migrations("blood_drive") == []

