"""Webhook subscriptions and callbacks: official body, custom headers, retries, duplicates."""

import hashlib
import json
import threading
import time

from django.db import connection

from sandbox.bigcommerce import webhooks
from sandbox.bigcommerce.models import Delivery, Hook
from sandbox.faults import set_faults
from sandbox.models import Emulator
from tests.examples import bigcommerce_example
from tests.sandbox.bigcommerce.conftest import STORE_HASH

SECRET = {"X-Connector-Secret": "s3cret-value"}
PERSON = {"email": "hook.test@example.com", "first_name": "Hook", "last_name": "Test"}


def subscribe(api, receiver, scope: str, headers=SECRET) -> dict:
    response = api.post(
        "v3/hooks", json={"scope": scope, "destination": receiver.url, "headers": headers}
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_change_is_posted_with_the_official_body_and_the_hooks_headers(api, receiver):
    subscribe(api, receiver, "store/customer/created")
    customer_id = api.post("v3/customers", json=[PERSON]).json()["data"][0]["id"]
    call = receiver.wait_for(1)[0]
    assert call["headers"]["X-Connector-Secret"] == "s3cret-value"
    assert call["headers"]["Content-Type"] == "application/json"
    payload = json.loads(call["body"])
    official = bigcommerce_example("webhook_store_customer_created.json")
    assert list(payload) == list(official)
    assert {k: type(v) for k, v in payload.items()} == {k: type(v) for k, v in official.items()}
    assert payload["data"] == {"type": "customer", "id": customer_id}
    assert payload["producer"] == f"stores/{STORE_HASH}"
    assert payload["store_id"].isdigit()
    data = json.dumps(payload["data"], sort_keys=True, separators=(",", ":")).encode()
    assert payload["hash"] == hashlib.sha1(data, usedforsecurity=False).hexdigest()
    assert abs(payload["created_at"] - time.time()) < 30


def test_a_wildcard_hook_gets_every_order_event_with_its_details(seeded_api, receiver):
    subscribe(seeded_api, receiver, "store/order/*")
    order = seeded_api.get("v2/orders?status_id=10").json()[0]
    line = seeded_api.get(f"v2/orders/{order['id']}/products").json()[0]
    seeded_api.put(f"v2/orders/{order['id']}", json={"status_id": 2})
    refund = {
        "items": [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}],
        "payments": [{"provider_id": "storecredit", "amount": float(line["price_inc_tax"])}],
    }
    refund_id = seeded_api.post(
        f"v3/orders/{order['id']}/payment_actions/refunds", json=refund
    ).json()["data"]["id"]
    seeded_api.put("v3/customers", json=[{"id": 1, "notes": "not an order event"}])
    receiver.wait_for(5)
    time.sleep(0.2)  # time for a stray customer event to arrive, if one were sent
    events = [(p["scope"], p["data"]) for p in receiver.payloads()]
    assert events == [
        (
            "store/order/statusUpdated",
            {
                "type": "order",
                "id": order["id"],
                "status": {"previous_status_id": 10, "new_status_id": 2},
            },
        ),
        ("store/order/updated", {"type": "order", "id": order["id"]}),
        (
            "store/order/refund/created",
            {"type": "order", "id": order["id"], "refund": {"refund_id": refund_id}},
        ),
        (
            "store/order/statusUpdated",
            {
                "type": "order",
                "id": order["id"],
                "status": {"previous_status_id": 2, "new_status_id": 14},
            },
        ),
        ("store/order/updated", {"type": "order", "id": order["id"]}),
    ]


def test_address_product_sku_and_metafield_events_carry_their_ids(seeded_api, receiver):
    subscribe(seeded_api, receiver, "store/customer/address/created")
    subscribe(seeded_api, receiver, "store/sku/updated")
    subscribe(seeded_api, receiver, "store/product/metafield/*")
    address = {
        "customer_id": 2,
        "first_name": "A",
        "last_name": "B",
        "address1": "1 Way",
        "city": "Lyon",
    }
    address |= {"state_or_province": "Rhone", "postal_code": "69001", "country_code": "FR"}
    address_id = seeded_api.post("v3/customers/addresses", json=[address]).json()["data"][0]["id"]
    variant = seeded_api.put("v3/catalog/variants", json=[{"id": 1, "inventory_level": 2}]).json()[
        "data"
    ][0]
    metafield = {"namespace": "sf", "key": "id", "value": "01t", "permission_set": "write"}
    metafield_id = seeded_api.post("v3/catalog/products/1/metafields", json=metafield).json()[
        "data"
    ]["id"]
    receiver.wait_for(3)
    by_scope = {p["scope"]: p["data"] for p in receiver.payloads()}
    assert by_scope["store/customer/address/created"] == {
        "type": "customer",
        "id": address_id,
        "address": {"customer_id": 2},
    }
    assert by_scope["store/sku/updated"] == {
        "type": "sku",
        "id": variant["sku_id"],
        "sku": {"product_id": 1, "variant_id": 1},
    }
    assert by_scope["store/product/metafield/created"] == {
        "metafield_id": metafield_id,
        "resource_id": "1",
        "namespace": "sf",
    }


def test_the_request_does_not_wait_for_the_destination(api, receiver, monkeypatch):
    slow = threading.Event()
    original = webhooks.requests.post

    def slow_post(*args, **kwargs):
        slow.wait(2)
        return original(*args, **kwargs)

    monkeypatch.setattr(webhooks.requests, "post", slow_post)
    subscribe(api, receiver, "store/customer/*")
    started = time.monotonic()
    assert api.post("v3/customers", json=[PERSON]).status_code == 200
    assert time.monotonic() - started < 1.5
    slow.set()
    receiver.wait_for(1)


def test_hooks_take_https_on_443_or_http_on_loopback_only(api, receiver):
    def create(destination):
        return api.post(
            "v3/hooks", json={"scope": "store/order/created", "destination": destination}
        )

    assert create("https://connector.example.com/webhooks").status_code == 200
    assert create(receiver.url).status_code == 200
    assert create("http://[::1]:8000/webhooks").status_code == 200
    for refused in (
        "http://connector.example.com/webhooks",
        "https://example.com:8443/x",
        "ftp://x/y",
    ):
        response = create(refused)
        assert response.status_code == 422 and "destination" in response.json()["errors"], refused
    duplicate = create(receiver.url)
    assert duplicate.status_code == 422


def test_failures_are_retried_then_delivered(api, receiver, settings):
    settings.SANDBOX_WEBHOOK_RETRY_SECONDS = [0.05, 0.05, 0.05]
    receiver.statuses = [500, 503]
    subscribe(api, receiver, "store/customer/created")
    api.post("v3/customers", json=[PERSON])
    calls = receiver.wait_for(3)
    assert len({call["body"] for call in calls}) == 1
    wait_until(lambda: Delivery.objects.filter(status=Delivery.Status.DELIVERED).count() == 1)
    assert Delivery.objects.get().attempts == 3


def test_a_hook_that_keeps_failing_is_deactivated(api, receiver, settings):
    settings.SANDBOX_WEBHOOK_RETRY_SECONDS = [0.05, 0.05]
    receiver.statuses = [500] * 10
    hook = subscribe(api, receiver, "store/customer/*")
    api.post("v3/customers", json=[PERSON])
    receiver.wait_for(3)
    wait_until(lambda: not Hook.objects.get(bc_id=hook["id"]).is_active)
    assert api.get(f"v3/hooks/{hook['id']}").json()["data"]["is_active"] is False
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 3, 500)
    api.put("v3/customers", json=[{"id": 1, "notes": "after deactivation"}])
    time.sleep(0.3)
    assert len(receiver.calls) == 3


def test_unreachable_destinations_are_retried_like_errors(api, settings):
    settings.SANDBOX_WEBHOOK_RETRY_SECONDS = [0.05]
    settings.SANDBOX_WEBHOOK_THREAD = False  # sent below, by hand
    destination = "http://127.0.0.1:9/unreachable"  # the discard port: nothing listens
    api.post("v3/hooks", json={"scope": "store/customer/created", "destination": destination})
    api.post("v3/customers", json=[PERSON])
    assert webhooks.deliver_due() == 1
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert "ConnectionError" in delivery.last_error
    time.sleep(0.06)
    assert webhooks.deliver_due() == 1
    assert Delivery.objects.get().status == "failed"


def test_the_duplicate_knob_fires_each_callback_twice_byte_for_byte(api, receiver):
    set_faults(Emulator.BIGCOMMERCE, duplicate_delivery_share=1.0)
    subscribe(api, receiver, "store/customer/created")
    api.post("v3/customers", json=[PERSON])
    first, second = receiver.wait_for(2)
    assert first["body"] == second["body"]


def test_two_updates_with_equal_data_carry_the_same_hash(seeded_api, receiver):
    subscribe(seeded_api, receiver, "store/customer/updated")
    seeded_api.put("v3/customers", json=[{"id": 4, "notes": "first change"}])
    time.sleep(1.05)  # a second apart, so created_at differs
    seeded_api.put("v3/customers", json=[{"id": 4, "phone": "second change"}])
    first, second = [json.loads(call["body"]) for call in receiver.wait_for(2)]
    assert first["hash"] == second["hash"]
    assert first["created_at"] != second["created_at"]


def deliver_then_disconnect():
    try:
        webhooks.deliver_due()
    finally:
        connection.close()


def test_concurrent_senders_claim_each_callback_once(api, receiver, settings):
    settings.SANDBOX_WEBHOOK_THREAD = False  # four senders below stand for four processes
    subscribe(api, receiver, "store/customer/created")
    people = [{**PERSON, "email": f"p{n}@example.com"} for n in range(10)]
    api.post("v3/customers", json=people)
    threads = [threading.Thread(target=deliver_then_disconnect) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(receiver.calls) == 10
    assert Delivery.objects.filter(status="delivered").count() == 10
