import json

import pytest
import responses
from responses import matchers

from integrations import errors
from integrations.bigcommerce.client import BigCommerceClient
from integrations.bigcommerce.ratelimit import LocalRateLimiter
from integrations.recording import recording
from integrations.retry import RetryPolicy
from tests.examples import bigcommerce_example

ROOT = "https://api.bigcommerce.com/stores/abc123"
TOKEN = "bc-token-secret-0001"


@pytest.fixture
def slept():
    return []


@pytest.fixture
def client(slept):
    return BigCommerceClient(
        ROOT,
        TOKEN,
        limiter=LocalRateLimiter(f"test-{id(slept)}"),
        sleep=slept.append,
        retry=RetryPolicy(max_attempts=3, base_delay=1, max_rate_limit_wait=100),
    )


@responses.activate
def test_it_sends_the_token_and_decodes_json(client):
    responses.get(
        f"{ROOT}/v2/store",
        json={"id": "abc123", "name": "Demo"},
        match=[matchers.header_matcher({"X-Auth-Token": TOKEN, "Accept": "application/json"})],
    )
    assert client.get("v2/store") == {"id": "abc123", "name": "Demo"}
    assert responses.calls[0].request.headers["User-Agent"].startswith("bc-sf-connector")


@pytest.mark.parametrize(
    ("status", "body", "error", "text"),
    [
        (401, {"status": 401, "title": "Unauthorized"}, errors.AuthError, "token was refused"),
        (
            403,
            [{"status": 403, "message": "You don't have a required scope"}],
            errors.AuthError,
            "a scope is missing",
        ),
        (
            404,
            [{"status": 404, "message": "The requested resource was not found."}],
            errors.NotFound,
            "was not found",
        ),
        (409, {"status": 409, "title": "Duplicate metafield key"}, errors.Conflict, "Duplicate"),
        (
            413,
            {
                "status": 413,
                "message": "The specified limit exceeds the maximum allowed.",
                "details": {"max_limit": 250},
            },
            errors.PermanentError,
            "limit exceeds",
        ),
        (507, {"status": 507, "title": "Plan limit"}, errors.PermanentError, "Plan limit"),
    ],
)
@responses.activate
def test_each_failure_becomes_its_typed_error(client, status, body, error, text):
    responses.get(f"{ROOT}/v3/things", json=body, status=status)
    with pytest.raises(error, match=text) as raised:
        client.get("v3/things")
    assert raised.value.status == status
    assert not raised.value.retryable
    assert len(responses.calls) == 1


@responses.activate
def test_a_422_names_the_fields(client):
    body = bigcommerce_example("v3_error_422_products_batch.json")
    responses.put(f"{ROOT}/v3/catalog/products", json=body, status=422)
    with pytest.raises(errors.ValidationFailed) as raised:
        client.call("PUT", "v3/catalog/products", json=[{"id": 1}])
    assert raised.value.field_errors == body["errors"]
    for field in body["errors"]:
        assert field in str(raised.value)


@responses.activate
def test_a_5xx_is_retried_with_backoff_on_reads(client, slept):
    responses.get(f"{ROOT}/v3/catalog/products/7", status=503, json={"title": "Busy"})
    responses.get(f"{ROOT}/v3/catalog/products/7", json={"data": {"id": 7}})
    assert client.get("v3/catalog/products/7") == {"data": {"id": 7}}
    assert len(slept) == 1 and 0.5 <= slept[0] <= 1


@responses.activate
def test_a_persistent_5xx_gives_up_after_the_last_attempt(client, slept):
    responses.get(f"{ROOT}/v2/orders", status=500, json=[{"status": 500, "message": "Oops"}])
    with pytest.raises(errors.TransientError, match="Oops") as raised:
        client.get("v2/orders")
    assert raised.value.retryable
    assert len(responses.calls) == 3
    assert slept[1] > slept[0] * 0.9  # backing off


@responses.activate
def test_a_create_is_not_retried_after_a_5xx(client):
    responses.post(f"{ROOT}/v3/catalog/products", status=502, json={"title": "Bad gateway"})
    with pytest.raises(errors.TransientError):
        client.call("POST", "v3/catalog/products", json={"name": "Hat"})
    assert len(responses.calls) == 1


@responses.activate
def test_connection_errors_are_transient_and_retried_on_reads(client):
    import requests

    responses.get(f"{ROOT}/v2/time", body=requests.ConnectionError("refused"))
    responses.get(f"{ROOT}/v2/time", json={"time": 1})
    assert client.get("v2/time") == {"time": 1}


@responses.activate
def test_a_429_waits_the_longer_of_retry_after_and_the_window_reset(client, slept):
    headers = {"X-Rate-Limit-Time-Reset-Ms": "1500", "X-Retry-After": "2"}
    responses.get(f"{ROOT}/v3/customers", status=429, headers=headers, json={"status": 429})
    responses.get(f"{ROOT}/v3/customers", json={"data": [], "meta": {}})
    client.get("v3/customers")
    assert slept[0] == 2


@responses.activate
def test_a_429_without_headers_backs_off_further_each_time(client, slept):
    for _ in range(3):
        responses.post(f"{ROOT}/v3/customers", status=429, body="")
    responses.post(f"{ROOT}/v3/customers", json={"data": [{"id": 1}]})
    client.call("POST", "v3/customers", json=[{"email": "a@example.com"}])
    assert slept == [5, 10, 20]


@responses.activate
def test_429s_beyond_the_allowed_wait_raise_rate_limited(client):
    for _ in range(5):
        responses.get(f"{ROOT}/v2/orders", status=429, headers={"X-Retry-After": "40"}, body="")
    with pytest.raises(errors.RateLimited) as raised:
        client.get("v2/orders")
    assert raised.value.retry_after == 40


@responses.activate
def test_it_waits_for_the_window_when_the_quota_is_spent(client, slept):
    spent = {"X-Rate-Limit-Requests-Left": "0", "X-Rate-Limit-Time-Reset-Ms": "1200"}
    responses.get(f"{ROOT}/v2/time", json={"time": 1}, headers=spent)
    responses.get(f"{ROOT}/v2/time", json={"time": 2})
    client.get("v2/time")
    assert slept == []
    client.get("v2/time")
    assert len(slept) == 1 and 1.0 < slept[0] <= 1.2


@responses.activate
def test_v2_paging_stops_at_an_empty_204_page(client):
    full = [{"id": n} for n in range(250)]
    responses.get(
        f"{ROOT}/v2/orders",
        json=full,
        match=[
            matchers.query_param_matcher({"limit": "250", "page": "1", "sort": "date_modified:asc"})
        ],
    )
    responses.get(
        f"{ROOT}/v2/orders",
        status=204,
        body="",
        match=[
            matchers.query_param_matcher({"limit": "250", "page": "2", "sort": "date_modified:asc"})
        ],
    )
    orders = list(client.iter_v2("v2/orders", {"sort": "date_modified:asc"}))
    assert len(orders) == 250
    assert len(responses.calls) == 2


@responses.activate
def test_v2_paging_stops_after_a_short_page_without_asking_again(client):
    responses.get(f"{ROOT}/v2/customer_groups", json=[{"id": 1}, {"id": 2}])
    assert [g["id"] for g in client.iter_v2("v2/customer_groups")] == [1, 2]
    assert len(responses.calls) == 1


@responses.activate
def test_v3_paging_follows_meta_pagination(client):
    for page, ids in ((1, [1, 2]), (2, [3])):
        responses.get(
            f"{ROOT}/v3/catalog/products",
            json={
                "data": [{"id": i} for i in ids],
                "meta": {"pagination": {"current_page": page, "total_pages": 2}},
            },
            match=[matchers.query_param_matcher({"limit": "250", "page": str(page)})],
        )
    assert [p["id"] for p in client.iter_v3("v3/catalog/products")] == [1, 2, 3]


@responses.activate
def test_v3_paging_switches_to_the_cursor_where_offered(client):
    cursor = {"end_cursor": "Y3Vyc29y", "links": {"next": "?after=Y3Vyc29y"}}
    responses.get(
        f"{ROOT}/v3/customers",
        json={
            "data": [{"id": 1}],
            "meta": {
                "pagination": {"current_page": 1, "total_pages": 2},
                "cursor_pagination": cursor,
            },
        },
        match=[matchers.query_param_matcher({"limit": "250", "page": "1"})],
    )
    responses.get(
        f"{ROOT}/v3/customers",
        json={"data": [{"id": 2}], "meta": {"cursor_pagination": {"end_cursor": "x", "links": {}}}},
        match=[matchers.query_param_matcher({"limit": "250", "after": "Y3Vyc29y"})],
    )
    assert [c["id"] for c in client.iter_v3("v3/customers")] == [1, 2]


@responses.activate
def test_batch_writes_respect_the_endpoint_limit(client):
    responses.post(
        f"{ROOT}/v3/customers",
        json={"data": [{"id": n} for n in range(10)]},
    )
    items = [{"email": f"c{n}@example.com"} for n in range(25)]
    results = client.write_batch("POST", "v3/customers", items)
    sizes = [len(json.loads(call.request.body)) for call in responses.calls]
    assert sizes == [10, 10, 5]
    assert len(results) == 25 and all(r.ok for r in results)


@responses.activate
def test_a_refused_batch_is_split_so_only_the_bad_item_fails(client):
    def answer(request):
        batch = json.loads(request.body)
        if any("@" not in item["email"] for item in batch):
            return (
                422,
                {},
                json.dumps(
                    {
                        "status": 422,
                        "title": "Invalid email",
                        "errors": {"email": "must be an email"},
                    }
                ),
            )
        return 200, {}, json.dumps({"data": [{"id": i, **item} for i, item in enumerate(batch)]})

    responses.add_callback(responses.POST, f"{ROOT}/v3/customers", callback=answer)
    items = [{"email": "a@example.com"}, {"email": "broken"}, {"email": "c@example.com"}]
    results = client.write_batch("POST", "v3/customers", items)
    assert [r.ok for r in results] == [True, False, True]
    assert isinstance(results[1].error, errors.ValidationFailed)
    assert results[1].error.field_errors == {"email": "must be an email"}


@responses.activate
def test_every_call_is_recorded_with_secrets_masked(client):
    responses.post(f"{ROOT}/v3/hooks", json={"data": {"id": 9}})
    body = {"scope": "store/order/*", "headers": {"X-Connector-Secret": "abcdef", "token": "xyz"}}
    with recording() as calls:
        client.call("POST", "v3/hooks", json=body, params={"x": 1})
    assert len(calls) == 1
    call = calls[0]
    assert (call.method, call.path, call.status) == ("POST", "/stores/abc123/v3/hooks?x=1", 200)
    assert call.response_bytes > 0 and call.duration_ms >= 0
    assert "xyz" not in call.request_body and "store/order/*" in call.request_body
    assert TOKEN not in json.dumps(call.as_dict())


@responses.activate
def test_by_default_429s_are_waited_out_for_a_minute_at_most_in_one_call(slept):
    client = BigCommerceClient(
        ROOT, TOKEN, limiter=LocalRateLimiter(f"test-default-{id(slept)}"), sleep=slept.append
    )
    for _ in range(3):
        responses.get(f"{ROOT}/v2/orders", status=429, headers={"X-Retry-After": "25"}, body="")
    responses.get(f"{ROOT}/v2/orders", json=[])
    with pytest.raises(errors.RateLimited) as raised:
        client.get("v2/orders")
    assert raised.value.retry_after == 25
    assert len(responses.calls) == 3  # a third wait of 25 s would pass the minute
    assert sum(slept) <= 60


def _refusal(errors_by_key: dict, status: int = 422, title: str = "Invalid data") -> tuple:
    """A v3 error answer in the spec's ErrorResponse shape."""
    body = {"status": status, "title": title, "type": "/api-docs/status-codes"}
    return status, {}, json.dumps({**body, "errors": errors_by_key})


def _sent() -> list:
    return [json.loads(call.request.body) for call in responses.calls]


@responses.activate
def test_a_refusal_naming_items_fails_them_and_sends_the_rest_again_in_one_call(client):
    def answer(request):
        batch = json.loads(request.body)
        bad = {f"{n}.email": "taken" for n, item in enumerate(batch) if "taken" in item["email"]}
        if bad:
            return _refusal(bad)
        return 200, {}, json.dumps({"data": [{"id": 10 + n, **i} for n, i in enumerate(batch)]})

    responses.add_callback(responses.POST, f"{ROOT}/v3/customers", callback=answer)
    emails = ["a@x.io", "taken1@x.io", "c@x.io", "taken2@x.io", "e@x.io"]
    results = client.write_batch("POST", "v3/customers", [{"email": e} for e in emails])
    assert [r.ok for r in results] == [True, False, True, False, True]
    assert [[i["email"] for i in batch] for batch in _sent()] == [
        emails,
        ["a@x.io", "c@x.io", "e@x.io"],
    ]
    assert [r.data["email"] for r in results if r.ok] == ["a@x.io", "c@x.io", "e@x.io"]
    error = results[3].error
    assert isinstance(error, errors.ValidationFailed)
    assert error.field_errors == {"email": "taken"}
    assert str(error).endswith("Invalid data (email: taken)")


@responses.activate
def test_a_conflict_naming_an_item_fails_that_item_alone(client):
    responses.put(
        f"{ROOT}/v3/catalog/products",
        body=_refusal({"1.sku": "Sku X is not unique."}, 409, "Conflict")[2],
        status=409,
    )
    responses.put(f"{ROOT}/v3/catalog/products", json={"data": [{"id": 1}, {"id": 3}]})
    items = [{"id": 1, "sku": "A"}, {"id": 2, "sku": "X"}, {"id": 3, "sku": "C"}]
    results = client.write_batch("PUT", "v3/catalog/products", items)
    assert [r.ok for r in results] == [True, False, True]
    assert isinstance(results[1].error, errors.Conflict)
    assert "sku: Sku X is not unique." in str(results[1].error)
    assert _sent()[1] == [items[0], items[2]]


@responses.activate
def test_a_refusal_of_the_whole_call_is_not_split(client):
    responses.put(f"{ROOT}/v3/customers", status=403, json={"status": 403, "title": "Scope"})
    results = client.write_batch("PUT", "v3/customers", [{"id": 1}, {"id": 2}])
    assert [type(r.error) for r in results] == [errors.AuthError, errors.AuthError]
    assert len(responses.calls) == 1


@responses.activate
def test_a_create_that_may_have_been_written_is_never_sent_again(client):
    responses.post(f"{ROOT}/v3/customers", status=502, json={"title": "Bad gateway"})
    items = [{"email": f"c{n}@x.io"} for n in range(3)]
    results = client.write_batch("POST", "v3/customers", items)
    assert all(isinstance(r.error, errors.TransientError) for r in results)
    assert len(responses.calls) == 1


@responses.activate
def test_after_rate_limited_the_chunks_left_are_not_sent(client):
    for _ in range(3):
        responses.put(f"{ROOT}/v3/customers", status=429, headers={"X-Retry-After": "60"}, body="")
    items = [{"id": n} for n in range(25)]
    results = client.write_batch("PUT", "v3/customers", items)
    assert len(results) == 25
    assert all(isinstance(r.error, errors.RateLimited) for r in results)
    assert len(responses.calls) == 2  # the second 429's wait would pass the allowed 100 s


def _multi_status(errors_by_key: dict, data: list) -> dict:
    """A 207 answer in the shape of the spec's MultiStatus (products_catalog.v3.yml)."""
    failure = {"status": 422, "title": "Inventory not updated", "type": "/status-codes"}
    return {"data": data, "errors": {**failure, "errors": errors_by_key}, "meta": {}}


@responses.activate
def test_a_multi_status_fails_the_items_it_names_with_their_records_and_sends_nothing_again(
    client,
):
    data = [{"id": 1, "price": 5}, {"id": 2, "price": 6}]
    body = _multi_status({"1.inventory_level": "must not be negative"}, data)
    responses.put(f"{ROOT}/v3/catalog/products", json=body, status=207)
    items = [{"id": 1, "price": 5}, {"id": 2, "price": 6, "inventory_level": -1}]
    results = client.write_batch("PUT", "v3/catalog/products", items)
    assert len(responses.calls) == 1
    assert results[0].ok and results[0].data == data[0]
    assert not results[1].ok and results[1].data == data[1]
    assert results[1].error.field_errors == {"inventory_level": "must not be negative"}


@responses.activate
def test_a_multi_status_naming_no_item_is_found_item_by_item_for_updates_only(client):
    vague = _multi_status({"inventory": "failed"}, [{"id": 1}, {"id": 2}])
    responses.put(f"{ROOT}/v3/catalog/variants", json=vague, status=207)
    responses.put(f"{ROOT}/v3/catalog/variants", json={"data": [{"id": 1}]})
    responses.put(
        f"{ROOT}/v3/catalog/variants",
        json=_multi_status({"inventory": "x"}, [{"id": 2}]),
        status=207,
    )
    results = client.write_batch("PUT", "v3/catalog/variants", [{"id": 1}, {"id": 2}])
    assert [r.ok for r in results] == [True, False]
    assert _sent() == [[{"id": 1}, {"id": 2}], [{"id": 1}], [{"id": 2}]]

    responses.post(f"{ROOT}/v3/customers", json=_multi_status({"x": "y"}, [{"id": 7}]), status=207)
    created = client.write_batch("POST", "v3/customers", [{"email": "a@x.io"}])
    assert not created[0].ok and created[0].data == {"id": 7}
    assert len(responses.calls) == 4


@responses.activate
def test_updates_are_paired_with_their_records_by_id_whatever_the_answers_order(client):
    responses.put(f"{ROOT}/v3/customers", json={"data": [{"id": 2, "n": "b"}, {"id": 1, "n": "a"}]})
    results = client.write_batch("PUT", "v3/customers", [{"id": 1}, {"id": 2}])
    assert [r.data["n"] for r in results] == ["a", "b"]


@responses.activate
def test_a_single_object_endpoint_gets_one_object_per_call(client):
    responses.post(f"{ROOT}/v3/catalog/products", json={"data": {"id": 9, "name": "Lamp"}})
    results = client.write_batch("POST", "v3/catalog/products", [{"name": "Lamp"}] * 2)
    assert _sent() == [{"name": "Lamp"}, {"name": "Lamp"}]
    assert [r.data["id"] for r in results] == [9, 9]
