"""The live-update broker: in-process fan-out per account, and across processes through Redis
pub/sub (two brokers on one channel stand for two API processes)."""

import asyncio
import os
import secrets

import pytest

from core.notify import Added, Broker


async def test_in_process_fan_out_reaches_only_that_account():
    broker = Broker()
    async with broker.listen(1) as mine, broker.listen(1) as my_other_tab, \
            broker.listen(2) as theirs:
        await broker.publish(Added(account_id=1, tenant_id=9, notification_id=42))
        assert (await mine.get()).notification_id == 42
        assert (await my_other_tab.get()).notification_id == 42
        assert theirs.empty()
    assert broker._queues == {}


@pytest.mark.skipif(not os.environ.get("LINLI_TEST_REDIS_URL"),
                    reason="needs LINLI_TEST_REDIS_URL")
async def test_redis_carries_updates_between_processes():
    url, channel = os.environ["LINLI_TEST_REDIS_URL"], f"test:{secrets.token_hex(6)}:notify"
    api_a, api_b = Broker(url, channel), Broker(url, channel)
    await api_a.start()
    await api_b.start()
    try:
        async with api_b.listen(7) as queue:
            await asyncio.sleep(0)  # let both listeners run
            await api_a.publish(Added(account_id=7, tenant_id=3, notification_id=99))
            got = await asyncio.wait_for(queue.get(), 10)
        assert got == Added(account_id=7, tenant_id=3, notification_id=99)
    finally:
        await api_a.stop()
        await api_b.stop()
