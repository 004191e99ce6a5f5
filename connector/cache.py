"""Django's Redis cache, made to share one client per pool and to ride out a Redis restart.

Django builds a new `redis.Redis` for every cache operation, and redis-py fills a table of
about 170 response callbacks each time: a third of a millisecond per call, which the webhook
receiver pays on every callback. A `redis.Redis` is safe to share between threads.

A Redis restart (a deploy, a failover) must not fail a run that is using the cache: every
operation is tried again with back-off for up to `CACHE_BLIP_SECONDS`. After that, reads
degrade to a miss (every caller can rebuild what the cache held), and writes raise.
"""

import functools
import logging
import time

import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

BLIPS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
READS = ("get", "get_many", "has_key")
WRITES = ("set", "add", "touch", "delete", "incr", "set_many", "delete_many", "clear")


def survive_blips(call, *, seconds: float | None = None):
    """Call `call()`, again with back-off while Redis cannot be reached, for `seconds`."""
    deadline = time.monotonic() + (settings.CACHE_BLIP_SECONDS if seconds is None else seconds)
    delay = 0.05
    while True:
        try:
            return call()
        except BLIPS as exc:
            if time.monotonic() + delay > deadline:
                raise
            logger.warning("Redis unreachable (%s); trying again in %.2f s", exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def _retrying(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        return survive_blips(lambda: method(self, *args, **kwargs))

    return wrapper


def _retrying_or_missing(method, missing):
    retrying = _retrying(method)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return retrying(self, *args, **kwargs)
        except BLIPS:
            logger.warning("Redis still unreachable; %s answers a cache miss", method.__name__)
            return missing(*args, **kwargs)

    return wrapper


MISSES = {
    "get": lambda key, default=None: default,
    "get_many": lambda keys: {},
    "has_key": lambda key: False,
}


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


for _name in READS:
    setattr(
        SharedClientRedisCacheClient,
        _name,
        _retrying_or_missing(getattr(RedisCacheClient, _name), MISSES[_name]),
    )
for _name in WRITES:
    setattr(SharedClientRedisCacheClient, _name, _retrying(getattr(RedisCacheClient, _name)))


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
