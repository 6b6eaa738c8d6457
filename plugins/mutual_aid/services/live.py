"""Live updates of the public boards (topic :data:`TOPIC` of core's pubsub service, keyed by
tenant id): a need placed, moved, +1'd or escalated, a note published or answered. Messages
carry ids; a subscriber re-reads the row through the public board's own rules, so a message
never shows what the board would not (a hidden note, a resident)."""

from __future__ import annotations

from dataclasses import dataclass

from core.plugin import PubSub, Subscription, after_commit, get_pubsub

__all__ = ["TOPIC", "BoardUpdate", "announce", "board_updates"]

TOPIC = "mutual_aid.boards"


@dataclass(frozen=True)
class BoardUpdate:
    tenant_id: int
    kind: str
    """need | note."""
    object_id: int
    community_id: int


def announce(tenant_id: int, kind: str, object_id: int, community_id: int) -> None:
    """Publish once the current transaction commits (never after a rollback)."""
    update = BoardUpdate(tenant_id, kind, object_id, community_id)

    async def publish() -> None:
        await get_pubsub().publish(TOPIC, tenant_id, update)

    after_commit(publish)


def board_updates(pubsub: PubSub, tenant_id: int) -> Subscription[BoardUpdate]:
    return pubsub.subscribe(TOPIC, tenant_id, BoardUpdate)
