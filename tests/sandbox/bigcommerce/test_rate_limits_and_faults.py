"""The per-store quota and its headers, 429s, and the shared fault injection."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.utils import timezone

from sandbox.bigcommerce.models import RateLimitWindow
from sandbox.faults import set_faults
from sandbox.models import Emulator

RATE_HEADERS = (
    "X-Rate-Limit-Time-Window-Ms",
    "X-Rate-Limit-Time-Reset-Ms",
    "X-Rate-Limit-Requests-Quota",
    "X-Rate-Limit-Requests-Left",
)


def limit(store, quota: int, window_ms: int) -> None:
    store.rate_limit_quota, store.rate_limit_window_ms = quota, window_ms
    store.save()


def test_every_answer_carries_the_quota_headers(api, bc_store):
    limit(bc_store, 150, 30_000)
    answers = [api.get("v2/time"), api.get("v3/catalog/products"), api.get("v2/orders/77")]
    for response in answers:
        assert all(name in response.headers for name in RATE_HEADERS)
        assert response.headers["X-Rate-Limit-Requests-Quota"] == "150"
        assert response.headers["X-Rate-Limit-Time-Window-Ms"] == "30000"
        assert 0 < int(response.headers["X-Rate-Limit-Time-Reset-Ms"]) <= 30_000
    assert [int(r.headers["X-Rate-Limit-Requests-Left"]) for r in answers] == [149, 148, 147]


def test_past_the_quota_it_answers_429_until_the_window_resets(api, bc_store):
    limit(bc_store, 3, 1500)
    assert [api.get("v2/time").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("v3/customers")
    assert refused.status_code == 429
    assert refused.json()["status"] == 429 and refused.json()["title"]
    assert refused.headers["X-Rate-Limit-Requests-Left"] == "0"
    reset_ms = int(refused.headers["X-Rate-Limit-Time-Reset-Ms"])
    assert 0 < reset_ms <= 1500
    assert int(refused.headers["X-Retry-After"]) == -(-reset_ms // 1000)
    assert api.get("v2/time").json() == [
        {"status": 429, "message": api.get("v2/time").json()[0]["message"]}
    ]
    time.sleep(reset_ms / 1000 + 0.05)
    assert api.get("v2/time").status_code == 200


def test_the_quota_is_counted_in_the_database_for_every_process(api, bc_store):
    limit(bc_store, 10, 60_000)
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda _: api.get("v2/time").status_code, range(20)))
    assert statuses.count(200) == 10 and statuses.count(429) == 10
    assert RateLimitWindow.objects.get(store=bc_store).used == 20


def test_a_rate_limit_storm_answers_429_with_headers(api):
    set_faults(Emulator.BIGCOMMERCE, rate_limit_storm_until=timezone.now() + timedelta(seconds=20))
    response = api.get("v3/customers")
    assert response.status_code == 429
    assert response.headers["X-Rate-Limit-Requests-Left"] == "0"
    assert 15_000 < int(response.headers["X-Rate-Limit-Time-Reset-Ms"]) <= 20_000
    assert int(response.headers["X-Retry-After"]) in (19, 20)


def test_a_rate_limit_storm_without_headers_says_nothing_about_when(api):
    set_faults(
        Emulator.BIGCOMMERCE,
        rate_limit_storm_until=timezone.now() + timedelta(seconds=20),
        rate_limit_storm_headers=False,
    )
    response = api.get("v2/orders")
    assert response.status_code == 429
    assert response.json()[0]["status"] == 429
    assert not any(name in response.headers for name in (*RATE_HEADERS, "X-Retry-After"))


def test_injected_server_errors_use_each_versions_body(api):
    set_faults(Emulator.BIGCOMMERCE, error_share=1.0)
    v3 = api.get("v3/customers")
    v2 = api.get("v2/orders")
    assert v3.status_code in (500, 503) and v2.status_code in (500, 503)
    assert v3.json()["status"] == v3.status_code and "title" in v3.json()
    assert v2.json()[0]["status"] == v2.status_code


def test_injected_latency_delays_the_answer(api):
    set_faults(Emulator.BIGCOMMERCE, latency_ms=400)
    started = time.monotonic()
    assert api.get("v2/time").status_code == 200
    assert time.monotonic() - started >= 0.4
