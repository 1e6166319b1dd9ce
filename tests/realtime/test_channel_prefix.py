"""Deployments sharing one Redis do not hear each other's groups: pub/sub channels ignore the
database number, so the layer's prefix carries it."""

import asyncio

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings

from backend.gridgov.channel_layer import channel_prefix, group_channels_pattern


def test_the_prefix_names_the_redis_database(monkeypatch):
    monkeypatch.delenv("GRIDGOV_CHANNEL_PREFIX", raising=False)
    assert channel_prefix("redis://127.0.0.1:6379/3") == "gridgov3"
    assert channel_prefix("redis://127.0.0.1:6379") == "gridgov0"
    assert group_channels_pattern("redis://h:6379/5") == "gridgov5__group__*"


def test_an_explicit_prefix_wins_for_deployments_on_one_database(monkeypatch):
    monkeypatch.setenv("GRIDGOV_CHANNEL_PREFIX", "staging")
    assert channel_prefix("redis://127.0.0.1:6379/0") == "staging"


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
@pytest.mark.asyncio
async def test_a_group_send_on_one_database_is_not_heard_on_another():
    base = settings.REDIS_URL.rsplit("/", 1)[0]
    here = RedisPubSubChannelLayer(hosts=[f"{base}/14"], prefix=channel_prefix(f"{base}/14"))
    there = RedisPubSubChannelLayer(hosts=[f"{base}/15"], prefix=channel_prefix(f"{base}/15"))
    try:
        listener = await there.new_channel()
        await there.group_add("zone", listener)
        own = await here.new_channel()
        await here.group_add("zone", own)
        await here.group_send("zone", {"type": "probe"})
        assert (await here.receive(own))["type"] == "probe"
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(there.receive(listener), timeout=0.5)
    finally:
        await here.flush()
        await there.flush()
