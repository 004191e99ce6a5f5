"""BigCommerce's request quota is per store and shared by every worker and process.

The limiter remembers what the last answer's X-Rate-Limit-* headers said (requests left, ms until
the window resets) and makes callers wait for the reset instead of spending requests on 429s.
With Redis it is shared by all processes on all machines; without (the embedded mode) it is
shared by the threads of one process. `current_window` tells the console what the last answer
said.
"""

import contextlib
import math
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import redis
from django.conf import settings
from django.core.cache import cache

from connector.cache import BLIPS, survive_blips

KEY_PREFIX = "connector:bc-rate:"

# Atomically: spend one request if the window still has some above the reserve, else say
# how long to wait.
ACQUIRE = """
local left = tonumber(redis.call('HGET', KEYS[1], 'left'))
local reset_at = tonumber(redis.call('HGET', KEYS[1], 'reset_at'))
local reserve = tonumber(redis.call('HGET', KEYS[1], 'reserve')) or 0
local now = tonumber(ARGV[1])
if left == nil or reset_at == nil or now >= reset_at then return 0 end
if left > reserve then
  redis.call('HINCRBY', KEYS[1], 'left', -1)
  return 0
end
return reset_at - now
"""


# Atomically: remember what an answer said. Answers of one window arrive out of order from
# several processes, so within a window the count of requests left only goes down.
UPDATE = """
local now, left, reset_in = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local reserve, quota = tonumber(ARGV[4]), tonumber(ARGV[5])
local reset_at = now + reset_in
local known_left = tonumber(redis.call('HGET', KEYS[1], 'left'))
local known_reset = tonumber(redis.call('HGET', KEYS[1], 'reset_at'))
if known_left ~= nil and known_reset ~= nil and now < known_reset
   and math.abs(known_reset - reset_at) < SAME_WINDOW_MS then
  left = math.min(left, known_left)
end
redis.call('HSET', KEYS[1], 'left', left, 'reset_at', reset_at, 'reserve', reserve)
if quota ~= nil then redis.call('HSET', KEYS[1], 'quota', quota) end
redis.call('PEXPIRE', KEYS[1], math.max(reset_in, 0) + 60000)
""".replace("SAME_WINDOW_MS", "1000")


def reserve_for(quota: int | None) -> int:
    """Requests of each window left unspent.

    At a window's start, several processes send before any of them has heard the new
    window's count, and an answer may report a count that misses another process's request
    in flight: the shared count can run one request high per concurrent process. Keeping 5%
    of the quota (at least one request) in reserve absorbs that instead of spending it on 429s.
    """
    return max(1, math.ceil(quota * 0.05)) if quota else 0


def now_ms() -> int:
    return int(time.time() * 1000)


class RedisRateLimiter:
    def __init__(self, client: redis.Redis, store_key: str):
        self.redis = client
        self.key = KEY_PREFIX + store_key
        self._acquire = client.register_script(ACQUIRE)
        self._update = client.register_script(UPDATE)

    def wait_ms(self) -> int:
        """0 if a request may go now (and count it), else the ms until the window resets.

        While Redis cannot be reached, requests go without waiting: BigCommerce answers a
        request over the quota with a 429, which the client waits out."""
        try:
            return int(
                survive_blips(lambda: self._acquire(keys=[self.key], args=[now_ms()]), seconds=2)
            )
        except BLIPS:
            return 0

    def update(self, left: int, reset_in_ms: int, quota: int | None = None) -> None:
        args = [now_ms(), left, reset_in_ms, reserve_for(quota), "" if quota is None else quota]
        with contextlib.suppress(BLIPS):  # if Redis is away, the next answer says it again
            survive_blips(lambda: self._update(keys=[self.key], args=args), seconds=2)


class LocalRateLimiter:
    _windows: dict[str, tuple[int, int, int]] = {}  # store key -> (left, reset_at ms, reserve)
    _lock = threading.Lock()

    def __init__(self, store_key: str):
        self.key = store_key

    def wait_ms(self) -> int:
        with self._lock:
            left, reset_at, reserve = self._windows.get(self.key, (0, 0, 0))
            now = now_ms()
            if now >= reset_at:
                return 0
            if left > reserve:
                self._windows[self.key] = (left - 1, reset_at, reserve)
                return 0
            return reset_at - now

    def update(self, left: int, reset_in_ms: int, quota: int | None = None) -> None:
        with self._lock:
            now = now_ms()
            known_left, known_reset, _ = self._windows.get(self.key, (None, 0, 0))
            reset_at = now + reset_in_ms
            if known_left is not None and now < known_reset and abs(known_reset - reset_at) < 1000:
                left = min(left, known_left)
            self._windows[self.key] = (left, reset_at, reserve_for(quota))
        if quota is not None and not settings.REDIS_URL:
            # A window in memory is its process's own: the console reads a copy of what each
            # answer said in the shared cache (files, in the embedded mode), kept as long as
            # Redis keeps its own. A wait after a 429 states no quota and is not copied.
            window = (left, reset_at, quota)
            cache.set(_mirror_key(self.key), window, _kept_seconds(reset_in_ms))


@dataclass(frozen=True)
class Window:
    """A store's rate-limit window as the last answer told it."""

    left: int
    quota: int | None
    resets_at: datetime

    @property
    def has_reset(self) -> bool:
        return self.resets_at <= datetime.now(UTC)

    @property
    def left_now(self) -> int | None:
        """Requests left: the whole quota once the window has reset."""
        return self.quota if self.has_reset else self.left


def current_window(store_key: str) -> Window | None:
    """What the last answer said of the store's window (any process's), or None if nothing
    answered for a minute."""
    if settings.REDIS_URL:
        client = _redis_client()

        def read():
            return client.hmget(KEY_PREFIX + store_key, "left", "reset_at", "quota")

        try:
            left, reset_at, quota = survive_blips(read, seconds=2)
        except BLIPS:
            return None
    else:
        left, reset_at, quota = cache.get(_mirror_key(store_key)) or (None, None, None)
    if left is None or reset_at is None:
        return None
    return Window(
        left=int(left),
        quota=int(quota) if quota is not None else None,
        resets_at=datetime.fromtimestamp(int(reset_at) / 1000, UTC),
    )


def _mirror_key(store_key: str) -> str:
    return "bc-rate:" + store_key


def _kept_seconds(reset_in_ms: int) -> int:
    return max(reset_in_ms, 0) // 1000 + 60


_redis_clients: dict[str, redis.Redis] = {}


def limiter_for(store_key: str):
    if not settings.REDIS_URL:
        return LocalRateLimiter(store_key)
    return RedisRateLimiter(_redis_client(), store_key)


def _redis_client() -> redis.Redis:
    client = _redis_clients.get(settings.REDIS_URL)
    if client is None:
        client = _redis_clients[settings.REDIS_URL] = redis.Redis.from_url(settings.REDIS_URL)
    return client
