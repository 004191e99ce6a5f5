"""The export's writes and look-ups against the emulated store: answered, refused item by item,
and echoed by the webhooks the real store fires."""

import time
from collections import Counter

import pytest

from integrations import errors
from integrations.bigcommerce import reads, writes
from integrations.bigcommerce.client import BigCommerceClient
from tests.sandbox.bigcommerce.conftest import TOKEN

SCOPES = ("store/customer/*", "store/product/*", "store/sku/*", "store/order/*")
PERSON = {"first_name": "Eve", "last_name": "Export"}


@pytest.fixture
def bc(seeded_api):
    return BigCommerceClient(seeded_api.root, TOKEN)


@pytest.fixture
def hooked(seeded_api, receiver):
    for scope in SCOPES:
        answer = seeded_api.post("v3/hooks", json={"scope": scope, "destination": receiver.url})
        assert answer.status_code == 200, answer.text
    return receiver


def _events(receiver, count: int) -> Counter:
    receiver.wait_for(count)
    time.sleep(0.2)  # time for a stray event to arrive, if one were sent
    return Counter((p["scope"], p["data"]["id"]) for p in receiver.payloads())


def test_customer_writes_are_echoed_and_a_refused_one_is_not(bc, hooked):
    created = writes.create_customers(
        bc, [{**PERSON, "email": "eve.one@example.com"}, {**PERSON, "email": "eve.two@example.com"}]
    )
    one, two = (r.data["id"] for r in created)
    updated = writes.update_customers(
        bc, [{"id": one, "company": "Export Ltd"}, {"id": two, "email": "eve.one@example.com"}]
    )
    assert [r.ok for r in updated] == [True, False]
    assert updated[1].error.field_errors == {
        "email": "The email address eve.one@example.com is already in use."
    }
    deleted = writes.delete_customers(bc, [two])
    assert deleted[0].ok
    assert _events(hooked, 4) == Counter(
        {
            ("store/customer/created", one): 1,
            ("store/customer/created", two): 1,
            ("store/customer/updated", one): 1,
            ("store/customer/deleted", two): 1,
        }
    )


def test_product_and_variant_writes_are_echoed(bc, hooked, seeded_api):
    new = {"name": "Export Lamp", "type": "physical", "weight": 1, "price": 20, "sku": "EXP-1"}
    (created,) = writes.create_products(bc, [new])
    product_id = created.data["id"]
    updated = writes.update_products(
        bc, [{"id": product_id, "price": 22, "inventory_level": 7}, {"id": 1, "name": "N" * 251}]
    )
    assert [r.ok for r in updated] == [True, False]
    assert "name" in updated[1].error.field_errors
    variant = created.data["variants"][0]
    (changed,) = writes.update_variants(bc, [{"id": variant["id"], "inventory_level": 4}])
    assert changed.ok and changed.data["inventory_level"] == 4
    assert writes.delete_products(bc, [product_id])[0].ok
    assert seeded_api.get(f"v3/catalog/products/{product_id}").status_code == 404
    events = _events(hooked, 6)
    assert events[("store/product/created", product_id)] == 1
    assert events[("store/product/updated", product_id)] == 1
    assert events[("store/product/inventory/updated", product_id)] == 1
    assert events[("store/sku/updated", variant["sku_id"])] == 1
    assert events[("store/sku/inventory/updated", variant["sku_id"])] == 1
    assert events[("store/product/deleted", product_id)] == 1
    assert ("store/product/updated", 1) not in events
    stock = next(p for p in hooked.payloads() if p["scope"] == "store/sku/inventory/updated")
    assert stock["data"]["inventory"] == {
        "product_id": product_id,
        "method": "absolute",
        "value": 4,
        "variant_id": variant["id"],
    }


def test_order_status_changes_are_echoed_with_the_status_event(bc, hooked, seeded_api):
    order = seeded_api.get("v2/orders?status_id=11").json()[0]
    same = seeded_api.get("v2/orders?status_id=10").json()[0]
    results = writes.update_order_statuses(
        bc, [(order["id"], 2), (same["id"], 10), (order["id"], 99)]
    )
    assert [r.ok for r in results] == [True, True, False]
    assert results[0].data["status_id"] == 2
    assert isinstance(results[2].error, errors.ValidationFailed)
    assert _events(hooked, 3) == Counter(
        {
            ("store/order/statusUpdated", order["id"]): 1,
            ("store/order/updated", order["id"]): 1,
            ("store/order/updated", same["id"]): 1,
        }
    )
    status = next(p for p in hooked.payloads() if p["scope"] == "store/order/statusUpdated")
    assert status["data"]["status"] == {"previous_status_id": 11, "new_status_id": 2}


def test_records_are_found_by_email_and_sku(bc, seeded_api):
    customers = seeded_api.get("v3/customers?limit=3").json()["data"]
    emails = [c["email"] for c in customers]
    found = reads.customers_by_email(bc, [*emails, "nobody@example.com"])
    assert sorted(c["id"] for c in found) == sorted(c["id"] for c in customers)
    assert all("addresses" in c for c in found)
    products = seeded_api.get("v3/catalog/products?limit=2").json()["data"]
    by_sku = reads.products_by_sku(bc, [p["sku"] for p in products])
    assert sorted(p["id"] for p in by_sku) == sorted(p["id"] for p in products)
    variants = seeded_api.get("v3/catalog/variants?limit=250").json()["data"]
    wanted = [v for v in variants if v["option_values"]][:2]
    assert reads.variants_by_sku(bc, [v["sku"] for v in wanted]) == wanted
