"""Live updates of the canteens' counters (topic :data:`TOPIC` of core's pubsub service, keyed by
tenant id): once a meal — or a batch of meals — has committed, the canteen and the day are
announced; a subscriber re-reads that day's figures in its own scope, so a message never shows
anything the subscriber may not see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.plugin import PubSub, Subscription, after_commit, get_pubsub

__all__ = ["TOPIC", "MealsRecorded", "announce_meals", "meal_updates"]

TOPIC = "canteen.meals"


@dataclass(frozen=True)
class MealsRecorded:
    """Meals were recorded at a canteen for a day (ids only)."""

    tenant_id: int
    canteen_id: int
    served_on: str
    """The meal date, ISO format."""
    meals: int


def announce_meals(tenant_id: int, canteen_id: int, served_on: date, meals: int) -> None:
    """Publish once the current transaction commits (never after a rollback)."""
    if meals <= 0:
        return
    update = MealsRecorded(tenant_id, canteen_id, served_on.isoformat(), meals)

    async def publish() -> None:
        await get_pubsub().publish(TOPIC, tenant_id, update)

    after_commit(publish)


def meal_updates(pubsub: PubSub, tenant_id: int) -> Subscription[MealsRecorded]:
    """The tenant's meal announcements from now on (close the subscription when done)."""
    return pubsub.subscribe(TOPIC, tenant_id, MealsRecorded)
