import os
import uuid

import pytest
import redis

from integrations.bigcommerce.ratelimit import LocalRateLimiter, RedisRateLimiter
from tests.conftest import require


@pytest.fixture
def redis_client():
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError:
        require(False, f"Redis at {url}")
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
