"""The export's writes and look-ups, against recorded answers."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from integrations import errors
from integrations.bigcommerce import reads, writes
from integrations.bigcommerce.client import BigCommerceClient
from integrations.bigcommerce.ratelimit import LocalRateLimiter
from integrations.retry import RetryPolicy
from tests.examples import bigcommerce_example

ROOT = "https://api.bigcommerce.com/stores/abc123"


@pytest.fixture
def bc():
    slept = []
    return BigCommerceClient(
        ROOT,
        "token",
        limiter=LocalRateLimiter(f"writes-{id(slept)}"),
        sleep=slept.append,
        retry=RetryPolicy(max_attempts=2, base_delay=1, max_rate_limit_wait=10),
    )


def _query(call) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def _echo(request):
    batch = json.loads(request.body)
    return (
        200,
        {},
        json.dumps({"data": [{"id": i.get("id", 100 + n), **i} for n, i in enumerate(batch)]}),
    )


# --- writes ---------------------------------------------------------------------------------------
@responses.activate
def test_customers_are_created_and_updated_ten_at_a_time(bc):
    responses.add_callback(responses.POST, f"{ROOT}/v3/customers", callback=_echo)
    responses.add_callback(responses.PUT, f"{ROOT}/v3/customers", callback=_echo)
    people = [{"email": f"p{n}@x.io", "first_name": "P", "last_name": str(n)} for n in range(12)]
    created = writes.create_customers(bc, people)
    updated = writes.update_customers(bc, [{"id": n, "company": "Acme"} for n in range(11)])
    assert [len(json.loads(c.request.body)) for c in responses.calls] == [10, 2, 10, 1]
    assert len(created) == 12 and all(r.ok for r in created)
    assert [r.data["id"] for r in updated] == list(range(11))


@responses.activate
def test_products_are_created_one_per_call_and_updated_ten_at_a_time(bc):
    example = bigcommerce_example("v3_catalog_product_get.json")["data"]
    responses.post(f"{ROOT}/v3/catalog/products", json={"data": example, "meta": {}})
    responses.add_callback(responses.PUT, f"{ROOT}/v3/catalog/products", callback=_echo)
    new = [{"name": "A", "type": "physical", "weight": 1, "price": 2}] * 2
    created = writes.create_products(bc, new)
    updated = writes.update_products(bc, [{"id": n, "price": 3} for n in range(1, 13)])
    bodies = [json.loads(c.request.body) for c in responses.calls]
    assert bodies[:2] == new  # objects, not lists
    assert [len(b) for b in bodies[2:]] == [10, 2]
    assert created[0].data["id"] == example["id"]
    assert len(updated) == 12 and all(r.ok for r in updated)


@responses.activate
def test_variants_are_updated_fifty_at_a_time(bc):
    responses.add_callback(responses.PUT, f"{ROOT}/v3/catalog/variants", callback=_echo)
    results = writes.update_variants(bc, [{"id": n, "price": 1} for n in range(1, 61)])
    assert [len(json.loads(c.request.body)) for c in responses.calls] == [50, 10]
    assert [r.data["id"] for r in results] == list(range(1, 61))


@responses.activate
def test_a_refused_customer_fails_alone(bc):
    responses.post(
        f"{ROOT}/v3/customers",
        status=422,
        json={"status": 422, "title": "Create customers failed.", "errors": {"1.email": "taken"}},
    )
    responses.add_callback(responses.POST, f"{ROOT}/v3/customers", callback=_echo)
    people = [{"email": "a@x.io"}, {"email": "b@x.io"}, {"email": "c@x.io"}]
    results = writes.create_customers(bc, people)
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].error.field_errors == {"email": "taken"}


@responses.activate
def test_deletes_go_by_id_in_chunks_with_one_result_per_id(bc):
    responses.delete(f"{ROOT}/v3/catalog/products", status=204)
    responses.delete(f"{ROOT}/v3/customers", status=204)
    results = writes.delete_products(bc, range(1, 301))
    writes.delete_customers(bc, [7, 8])
    queries = [_query(c)["id:in"].split(",") for c in responses.calls]
    assert [len(q) for q in queries] == [250, 50, 2]
    assert queries[2] == ["7", "8"]
    assert [r.item for r in results[:2]] == [{"id": 1}, {"id": 2}] and all(r.ok for r in results)


@responses.activate
def test_a_refused_delete_is_tried_id_by_id(bc):
    def answer(request):
        ids = parse_qs(urlsplit(request.url).query)["id:in"][0].split(",")
        if "13" in ids:
            return 422, {}, json.dumps({"status": 422, "title": "Cannot delete 13", "errors": {}})
        return 204, {}, ""

    responses.add_callback(responses.DELETE, f"{ROOT}/v3/customers", callback=answer)
    results = writes.delete_customers(bc, [12, 13, 14])
    assert [r.ok for r in results] == [True, False, True]
    assert len(responses.calls) == 4


@responses.activate
def test_order_statuses_are_set_one_order_per_call(bc):
    order = bigcommerce_example("v2_order_get.json")
    responses.put(f"{ROOT}/v2/orders/{order['id']}", json={**order, "status_id": 10})
    responses.put(
        f"{ROOT}/v2/orders/5",
        status=400,
        json=[{"status": 400, "message": "The field 'status_id' is invalid."}],
    )
    results = writes.update_order_statuses(bc, [(order["id"], 10), (5, 99)])
    assert [json.loads(c.request.body) for c in responses.calls] == [
        {"status_id": 10},
        {"status_id": 99},
    ]
    assert results[0].item == {"id": order["id"], "status_id": 10}
    assert results[0].data["status_id"] == 10
    assert isinstance(results[1].error, errors.ValidationFailed)
    assert "status_id" in str(results[1].error)


@responses.activate
def test_order_statuses_stop_being_sent_after_rate_limited(bc):
    for _ in range(2):
        responses.put(f"{ROOT}/v2/orders/1", status=429, headers={"X-Retry-After": "8"}, body="")
    results = writes.update_order_statuses(bc, [(1, 10), (2, 10), (3, 10)])
    assert all(isinstance(r.error, errors.RateLimited) for r in results)
    assert {urlsplit(c.request.url).path for c in responses.calls} == {"/stores/abc123/v2/orders/1"}


# --- look-ups -------------------------------------------------------------------------------------
def _page(data):
    return {"data": data, "meta": {"pagination": {"current_page": 1, "total_pages": 1}}}


@responses.activate
def test_customers_are_found_by_email_with_their_addresses(bc):
    customer = bigcommerce_example("v3_customers_list.json")["data"][0]
    responses.get(f"{ROOT}/v3/customers", json=_page([customer]))
    found = reads.customers_by_email(bc, [customer["email"], f" {customer['email']} ", None, ""])
    assert found == [customer]
    query = _query(responses.calls[0])
    assert query["email:in"] == customer["email"]
    assert "addresses" in query["include"].split(",")


@responses.activate
def test_long_email_lists_are_split_to_keep_urls_short(bc):
    responses.get(f"{ROOT}/v3/customers", json=_page([]))
    emails = [f"{'someone.with.a.long.name' * 2}{n}@example.com" for n in range(100)]
    reads.customers_by_email(bc, [*emails, "odd,comma@example.com"])
    asked = [_query(c)["email:in"].split(",") for c in responses.calls]
    assert [email for chunk in asked for email in chunk] == emails
    assert len(asked) > 1
    assert all(len(c.request.url) < 2500 for c in responses.calls)


@responses.activate
def test_products_are_found_by_sku_and_a_sku_with_a_comma_alone(bc):
    product = bigcommerce_example("v3_catalog_product_get.json")["data"]
    responses.get(f"{ROOT}/v3/catalog/products", json=_page([product]))
    found = reads.products_by_sku(bc, ["SKU-1", "SKU-2", "SKU-1", "A,B"])
    queries = [_query(c) for c in responses.calls]
    assert queries[0]["sku:in"] == "SKU-1,SKU-2"
    assert queries[1]["sku"] == "A,B" and "sku:in" not in queries[1]
    assert queries[0]["include"] == "variants,custom_fields"
    assert found == [product, product]


@responses.activate
def test_variants_are_found_by_sku_one_call_each(bc):
    variants = [{"id": 382, "product_id": 192, "sku": "SMIT", "option_values": []}]
    responses.get(f"{ROOT}/v3/catalog/variants", json=_page(variants[:1]))
    responses.get(f"{ROOT}/v3/catalog/variants", json=_page([]))
    found = reads.variants_by_sku(bc, [variants[0]["sku"], "NOPE"])
    assert [_query(c)["sku"] for c in responses.calls] == [variants[0]["sku"], "NOPE"]
    assert found == variants[:1]
