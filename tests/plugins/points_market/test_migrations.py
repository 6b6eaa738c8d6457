"""The committed migration of the points supermarket matches its table classes."""

from __future__ import annotations

from core.migrate import pending_changes


async def test_no_table_change_lacks_a_migration(linli_env):
    pending = await pending_changes("points_market")
    assert pending == [], "run `linli make-migration points_market`:\n" + "\n".join(pending)
