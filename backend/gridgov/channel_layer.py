"""The names under which the channel layer publishes on Redis.

Redis pub/sub channels belong to the whole server, whatever database number the URL names, so
two deployments sharing one Redis (production and a test run, say) would hear each other's
groups under Channels' default prefix. Each takes its prefix from its Redis database number,
or from `GRIDGOV_CHANNEL_PREFIX` when two of them must share a number.

Read by the settings module, so it imports nothing that needs Django configured.
"""

import os
from urllib.parse import urlsplit


def channel_prefix(redis_url: str) -> str:
    explicit = os.environ.get("GRIDGOV_CHANNEL_PREFIX", "")
    if explicit:
        return explicit
    database = urlsplit(redis_url).path.strip("/") or "0"
    return f"gridgov{database}"


def group_channels_pattern(redis_url: str) -> str:
    """The Redis channels of every group of this deployment, for PUBSUB CHANNELS."""
    return f"{channel_prefix(redis_url)}__group__*"
