"""Live shelf updates for the counters (topic :data:`TOPIC` of core's pubsub service, keyed by
tenant id): once a change of a good's stock or price has committed — a redemption, a void, a
restock, a save — the good's id is announced; a subscriber re-reads the good in its own scope,
so a message never shows anything the subscriber may not see."""

from __future__ import annotations

from dataclasses import dataclass

from core.plugin import PubSub, Subscription, after_commit, current_scope, get_pubsub

__all__ = ["TOPIC", "GoodChanged", "announce_good", "good_updates"]

TOPIC = "points_market.shelf"


@dataclass(frozen=True)
class GoodChanged:
    """A good's stock or price changed (ids only)."""

    tenant_id: int
    good_id: int


def announce_good(good_id: int) -> None:
    """Publish once the current (write) transaction commits — never after a rollback."""
    tenant_id = current_scope().write_node
    if tenant_id is None:
        return
    update = GoodChanged(int(tenant_id), good_id)

    async def publish() -> None:
        await get_pubsub().publish(TOPIC, update.tenant_id, update)

    after_commit(publish)


def good_updates(pubsub: PubSub, tenant_id: int) -> Subscription[GoodChanged]:
    """The tenant's shelf announcements from now on (close the subscription when done)."""
    return pubsub.subscribe(TOPIC, tenant_id, GoodChanged)
