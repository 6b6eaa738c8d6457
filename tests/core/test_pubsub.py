"""The live-update broker: fan-out by topic and key in one process, a slow subscriber losing
messages (logged) without holding anyone up, and Redis pub/sub between two brokers standing for
two processes."""

import asyncio
import logging
import os
import secrets
from dataclasses import dataclass

import pytest

from core.pubsub import PubSub


@dataclass(frozen=True)
class Ping:
    account_id: int
    n: int
    note: str | None = None


async def test_fan_out_reaches_only_that_topic_and_key():
    pubsub = PubSub()
    async with pubsub.subscribe("probe", 1, Ping) as mine, \
            pubsub.subscribe("probe", 1, Ping) as my_other_tab, \
            pubsub.subscribe("probe", 2, Ping) as theirs, \
            pubsub.subscribe("elsewhere", 1, Ping) as other_topic:
        assert pubsub.subscribers("probe", 1) == 2
        await pubsub.publish("probe", 1, Ping(1, 42, "你好"))
        assert await mine.get() == Ping(1, 42, "你好")
        assert await my_other_tab.get() == Ping(1, 42, "你好")
        assert theirs.empty() and other_topic.empty()
    assert pubsub.subscribers("probe", 1) == 0 and pubsub.subscribers("probe", 2) == 0
    await pubsub.publish("probe", 1, Ping(1, 43))         # nobody listening: nothing happens
    assert mine.empty()                                   # closed subscriptions hear nothing
    assert [m async for m in mine] == []                  # and their iteration ends


async def test_plain_dicts_string_keys_and_iteration():
    pubsub = PubSub()
    async with pubsub.subscribe("board", "tenant-a") as board:
        await pubsub.publish("board", "tenant-a", {"matter": 5, "kind": "step"})
        await pubsub.publish("board", "tenant-b", {"matter": 6, "kind": "step"})
        await pubsub.publish("board", "tenant-a", {"matter": 7, "kind": "resolve"})
        got = []
        async for message in board:
            got.append(message)
            if len(got) == 2:
                break
    assert got == [{"matter": 5, "kind": "step"}, {"matter": 7, "kind": "resolve"}]
    with pytest.raises(TypeError):
        await pubsub.publish("board", "tenant-a", ["not", "a", "message"])


async def test_slow_subscriber_drops_with_a_warning(caplog):
    pubsub = PubSub()
    async with pubsub.subscribe("probe", 1, Ping, maxsize=2) as slow, \
            pubsub.subscribe("probe", 1, Ping) as fast:
        with caplog.at_level(logging.WARNING, logger="linli.pubsub"):
            for n in range(4):
                await pubsub.publish("probe", 1, Ping(1, n))
        assert [await slow.get(), await slow.get()] == [Ping(1, 0), Ping(1, 1)]
        assert slow.empty()                               # the rest was dropped for it alone
        assert [(await fast.get()).n for _ in range(4)] == [0, 1, 2, 3]
    dropped = [r for r in caplog.records if "slow subscriber" in r.getMessage()]
    assert len(dropped) == 2


@pytest.mark.skipif(not os.environ.get("LINLI_TEST_REDIS_URL"),
                    reason="needs LINLI_TEST_REDIS_URL")
async def test_redis_carries_messages_between_processes():
    url, namespace = os.environ["LINLI_TEST_REDIS_URL"], f"test:{secrets.token_hex(6)}"
    api_a, api_b = PubSub(url, namespace), PubSub(url, namespace)
    elsewhere = PubSub(url, f"test:{secrets.token_hex(6)}")   # another deployment
    for broker in (api_a, api_b, elsewhere):
        await broker.start()
    try:
        assert api_a.distributed and api_b.distributed
        async with api_b.subscribe("probe", 7, Ping) as on_b, \
                api_b.subscribe("probe", 8, Ping) as other_key, \
                api_a.subscribe("probe", 7, Ping) as on_a, \
                elsewhere.subscribe("probe", 7, Ping) as other_deployment:
            await api_a.publish("other", 7, Ping(7, 1))         # another topic, same key
            await api_a.publish("probe", 7, Ping(7, 99, "跨进程"))
            assert await asyncio.wait_for(on_b.get(), 10) == Ping(7, 99, "跨进程")
            assert await asyncio.wait_for(on_a.get(), 10) == Ping(7, 99, "跨进程")
            await api_b.publish("probe", 8, Ping(8, 100))       # after 7's, in order
            assert await asyncio.wait_for(other_key.get(), 10) == Ping(8, 100)
            assert on_b.empty() and on_a.empty() and other_deployment.empty()
    finally:
        for broker in (api_a, api_b, elsewhere):
            await broker.stop()
    assert not api_a.distributed
