"""The Redis channel layer, with a connection pool that waits instead of failing.

channels-redis builds redis-py's asyncio `ConnectionPool`, which raises "Too many connections"
as soon as more than `max_connections` commands are in flight: a burst of a thousand phones
reconnecting after a network blip would then fail most of their `group_add`s. A blocking pool
makes the burst queue for a connection instead.
"""

from channels_redis.core import RedisChannelLayer
from redis import asyncio as aioredis


class BlockingPoolRedisChannelLayer(RedisChannelLayer):
    def __init__(self, *args, max_connections: int = 100, pool_timeout_s: float = 20, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_connections = max_connections
        self.pool_timeout_s = pool_timeout_s

    def create_pool(self, index: int) -> aioredis.BlockingConnectionPool:
        host = dict(self.hosts[index])
        return aioredis.BlockingConnectionPool.from_url(
            host.pop("address"),
            max_connections=self.max_connections,
            timeout=self.pool_timeout_s,
            **host,
        )
