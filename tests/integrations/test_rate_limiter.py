import os
import uuid
from datetime import UTC, datetime

import pytest
import redis

from integrations.bigcommerce.ratelimit import LocalRateLimiter, RedisRateLimiter, current_window
from tests.conftest import require

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        require(False, f"Redis at {REDIS_URL}")
    return client


def test_two_limiters_of_one_store_share_the_window_through_redis(redis_client):
    store = f"store-{uuid.uuid4().hex}"
    first, second = RedisRateLimiter(redis_client, store), RedisRateLimiter(redis_client, store)
    assert first.wait_ms() == 0  # nothing known yet: go ahead
    first.update(left=2, reset_in_ms=5000)
    assert first.wait_ms() == 0
    assert second.wait_ms() == 0
    assert 4000 < first.wait_ms() <= 5000
    assert 4000 < second.wait_ms() <= 5000


def test_stores_have_windows_of_their_own(redis_client):
    spent = RedisRateLimiter(redis_client, f"a-{uuid.uuid4().hex}")
    other = RedisRateLimiter(redis_client, f"b-{uuid.uuid4().hex}")
    spent.update(left=0, reset_in_ms=5000)
    assert spent.wait_ms() > 0
    assert other.wait_ms() == 0


def test_a_passed_window_lets_requests_go_again(redis_client):
    limiter = RedisRateLimiter(redis_client, f"c-{uuid.uuid4().hex}")
    limiter.update(left=0, reset_in_ms=-1)
    assert limiter.wait_ms() == 0


def test_the_local_limiter_keeps_the_same_rules():
    limiter = LocalRateLimiter(f"d-{uuid.uuid4().hex}")
    limiter.update(left=1, reset_in_ms=5000)
    assert limiter.wait_ms() == 0
    assert limiter.wait_ms() > 4000


@pytest.mark.parametrize("quota, reserve", [(10, 1), (150, 8), (450, 23)])
def test_a_share_of_each_window_is_kept_in_reserve(redis_client, quota, reserve):
    limiter = RedisRateLimiter(redis_client, f"e-{uuid.uuid4().hex}")
    limiter.update(left=reserve + 1, reset_in_ms=5000, quota=quota)
    assert limiter.wait_ms() == 0
    assert limiter.wait_ms() > 4000  # the last `reserve` requests are not spent


def test_the_local_limiter_keeps_a_reserve_too():
    limiter = LocalRateLimiter(f"f-{uuid.uuid4().hex}")
    limiter.update(left=2, reset_in_ms=5000, quota=10)
    assert limiter.wait_ms() == 0
    assert limiter.wait_ms() > 4000


def test_the_console_reads_the_window_the_last_answer_told_through_redis(redis_client, settings):
    settings.REDIS_URL = REDIS_URL
    store = f"g-{uuid.uuid4().hex}"
    assert current_window(store) is None
    limiter = RedisRateLimiter(redis_client, store)
    limiter.update(left=140, reset_in_ms=20_000, quota=150)
    limiter.update(left=0, reset_in_ms=20_000)  # a 429 states no quota: the known one stays

    window = current_window(store)

    assert (window.left, window.quota, window.left_now) == (0, 150, 0)
    assert 19 < (window.resets_at - datetime.now(UTC)).total_seconds() <= 20


def test_the_console_reads_a_local_window_from_the_shared_cache(settings):
    settings.REDIS_URL = ""
    store = f"h-{uuid.uuid4().hex}"
    assert current_window(store) is None
    LocalRateLimiter(store).update(left=30, reset_in_ms=-1, quota=450)

    window = current_window(store)

    assert window.has_reset
    assert (window.left, window.left_now) == (30, 450)  # a new window: the whole quota
