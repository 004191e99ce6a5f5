"""The receiver over real HTTP: who is refused, what is stored, what is queued."""

import json
import time

import pytest

from mappings.models import ObjectSetting
from tests.webhooks.conftest import SECRET, payload
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x", SECRET[:-1]])
def test_a_missing_or_wrong_secret_is_refused_and_nothing_is_stored(
    callbacks, hook_store, drains, secret
):
    response = callbacks.post(hook_store.pk, payload(), secret=secret)

    assert response.status_code == 401
    assert not WebhookEvent.objects.exists()
    assert drains == []


def test_a_store_that_never_registered_hooks_accepts_no_callback(callbacks, hook_store):
    hook_store.webhook_secret = ""
    hook_store.save()

    assert callbacks.post(hook_store.pk, payload(), secret="").status_code == 401
    assert not WebhookEvent.objects.exists()


def test_an_unknown_store_is_404(callbacks, hook_store):
    assert callbacks.post(hook_store.pk + 1000, payload()).status_code == 404


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"not json{", "not JSON"),
        (b"", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (json.dumps({"data": {"id": 1}}).encode(), "no scope"),
        (json.dumps({"scope": "store/order/updated"}).encode(), "no data"),
        (json.dumps({"scope": "store/order/updated", "data": [1]}).encode(), "no data"),
    ],
)
def test_a_malformed_body_is_400_with_a_reason(callbacks, hook_store, drains, body, reason):
    response = callbacks.post(hook_store.pk, body)

    assert response.status_code == 400
    assert reason in response.text
    assert not WebhookEvent.objects.exists()
    assert drains == []


def test_an_oversized_body_is_413(callbacks, hook_store, settings, drains):
    settings.WEBHOOK_MAX_BODY_BYTES = 1024
    big = payload(data={"type": "order", "id": 1, "padding": "x" * 2000})

    response = callbacks.post(hook_store.pk, big)

    assert response.status_code == 413
    assert not WebhookEvent.objects.exists()
    assert callbacks.post(hook_store.pk, payload()).status_code == 200


def test_only_post_is_answered(callbacks, hook_store):
    url = f"{callbacks.base_url}/webhooks/bigcommerce/{hook_store.pk}/"
    assert callbacks.session.get(url, timeout=10).status_code == 405


def test_a_valid_event_is_stored_and_its_drain_queued_after_the_commit(
    callbacks, hook_store, drains
):
    response = callbacks.post(
        hook_store.pk, payload("store/order/created", created_at=1_700_000_000)
    )

    assert response.status_code == 200
    assert response.content == b""
    event = WebhookEvent.objects.get()
    assert (event.status, event.source, event.source_id, event.action) == (
        "pending",
        "order",
        "250",
        "upsert",
    )
    assert event.created_at.timestamp() == 1_700_000_000
    assert drains == [hook_store.pk]


def test_events_arriving_before_the_drain_starts_queue_one_drain(callbacks, hook_store, drains):
    for order_id in (1, 2, 3):
        callbacks.post(hook_store.pk, payload(data={"type": "order", "id": order_id}))

    assert WebhookEvent.objects.filter(status="pending").count() == 3
    assert drains == [hook_store.pk]


@pytest.mark.parametrize(
    "scope, data, source, record_id, action",
    [
        ("store/customer/deleted", {"type": "customer", "id": 7}, "customer", "7", "delete"),
        (
            "store/customer/address/updated",
            {"type": "customer", "id": 60, "address": {"customer_id": 32}},
            "customer",
            "32",
            "upsert",
        ),
        (
            "store/sku/deleted",
            {"type": "sku", "id": 461, "sku": {"product_id": 206, "variant_id": 509}},
            "product",
            "206",
            "upsert",
        ),
        (
            "store/product/metafield/updated",
            {"metafield_id": 3, "resource_id": "12", "namespace": "sf"},
            "product",
            "12",
            "upsert",
        ),
        ("store/category/deleted", {"type": "category", "id": 5}, "category", "5", "delete"),
        ("store/order/archived", {"type": "order", "id": 9}, "order", "9", "delete"),
        (
            "store/order/refund/created",
            {"type": "order", "id": 250, "refund": {"refund_id": 3}},
            "refund",
            "3",
            "upsert",
        ),
    ],
)
def test_each_scope_points_at_the_record_it_changed(
    callbacks, hook_store, drains, scope, data, source, record_id, action
):
    assert callbacks.post(hook_store.pk, payload(scope, data)).status_code == 200

    event = WebhookEvent.objects.get()
    assert (event.status, event.source, event.source_id, event.action) == (
        "pending",
        source,
        record_id,
        action,
    )


def test_a_scope_the_connector_does_not_sync_is_200_and_ignored(callbacks, hook_store, drains):
    response = callbacks.post(hook_store.pk, payload("store/cart/created", {"type": "cart"}))

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.status == "ignored"
    assert "does not sync this scope" in event.error
    assert drains == []


def test_an_object_not_synced_in_real_time_is_200_and_ignored(callbacks, hook_store, drains):
    ObjectSetting.objects.filter(store=hook_store, source="order").update(realtime=False)
    ObjectSetting.objects.filter(store=hook_store, source="customer").update(enabled=False)

    callbacks.post(hook_store.pk, payload("store/order/updated"))
    callbacks.post(hook_store.pk, payload("store/customer/updated", {"type": "customer", "id": 1}))

    assert list(WebhookEvent.objects.values_list("status", flat=True)) == ["ignored", "ignored"]
    assert drains == []


def test_turning_real_time_off_in_the_settings_takes_effect_at_the_next_callback(
    callbacks, hook_store, drains
):
    callbacks.post(hook_store.pk, payload("store/order/updated"))
    setting = ObjectSetting.objects.get(store=hook_store, source="order")
    setting.realtime = False
    setting.save()
    callbacks.post(hook_store.pk, payload("store/order/updated", {"type": "order", "id": 2}))

    statuses = WebhookEvent.objects.order_by("pk").values_list("status", flat=True)
    assert list(statuses) == ["pending", "ignored"]


def test_a_new_secret_takes_effect_at_the_next_callback(callbacks, hook_store):
    assert callbacks.post(hook_store.pk, payload()).status_code == 200
    hook_store.webhook_secret = "a-new-secret-" + "y" * 20
    hook_store.save()

    assert callbacks.post(hook_store.pk, payload()).status_code == 401
    assert (
        callbacks.post(hook_store.pk, payload(), secret=hook_store.webhook_secret).status_code
        == 200
    )


def test_a_payload_without_a_record_id_is_200_and_ignored(callbacks, hook_store, drains):
    response = callbacks.post(hook_store.pk, payload("store/order/refund/created", {"id": 5}))

    assert response.status_code == 200
    assert WebhookEvent.objects.get().status == "ignored"


def test_a_refire_of_a_pending_delivery_is_acknowledged_without_a_second_row(
    callbacks, hook_store, drains
):
    body = payload("store/order/updated")
    assert callbacks.post(hook_store.pk, body).status_code == 200
    assert callbacks.post(hook_store.pk, body).status_code == 200

    assert WebhookEvent.objects.count() == 1


def test_the_same_hash_and_second_after_a_claim_is_stored_again(callbacks, hook_store, drains):
    """A second update of one record in the same second has the same hash and created_at:
    once the first event is being processed, it may be a change the import did not see."""
    body = payload("store/order/updated")
    callbacks.post(hook_store.pk, body)
    WebhookEvent.objects.update(status="claimed")

    assert callbacks.post(hook_store.pk, body).status_code == 200

    assert sorted(WebhookEvent.objects.values_list("status", flat=True)) == ["claimed", "pending"]


def test_a_payload_without_created_at_is_stored(callbacks, hook_store, drains):
    body = payload()
    del body["created_at"]

    assert callbacks.post(hook_store.pk, body).status_code == 200
    assert WebhookEvent.objects.get().created_at is None


def test_the_receiver_needs_no_login_and_no_csrf_token(callbacks, hook_store, drains):
    response = callbacks.post(hook_store.pk, payload(), headers={"Cookie": "csrftoken=abc"})

    assert response.status_code == 200


# --- bodies that must never reach the database ----------------------------------------------
def customer_update(record_id) -> dict:
    return payload("store/customer/updated", {"type": "customer", "id": record_id})


@pytest.mark.parametrize(
    "body",
    [
        b'{"scope":"store/customer/updated","data":' + b'{"a":' * 5000 + b"1" + b"}" * 5001,
        b"[" * 32_500,
        b'{"scope":"store/customer/updated","data":{"id":1,"x":' + b"[" * 32_500 + b"}}",
    ],
    ids=["5000-levels-of-objects", "32500-brackets", "brackets-inside-data"],
)
def test_a_deeply_nested_body_is_400(callbacks, hook_store, drains, body):
    response = callbacks.post(hook_store.pk, body)

    assert response.status_code == 400
    assert "not JSON" in response.text or "nested" in response.text
    assert not WebhookEvent.objects.exists()
    assert drains == []


@pytest.mark.parametrize("depth", [33, 500, 950, 990, 1000])
def test_a_body_nested_deeper_than_32_levels_is_400_whatever_the_parser_manages(
    callbacks, hook_store, drains, depth
):
    """Where the JSON parser gives up depends on the stack it starts from: the limit does not."""
    nested = b"[" * (depth - 2) + b"1" + b"]" * (depth - 2)  # the body and data are 2 levels
    body = b'{"scope":"store/customer/updated","data":{"id":1,"x":' + nested + b"}}"

    response = callbacks.post(hook_store.pk, body)

    assert response.status_code == 400
    assert "nested deeper than 32 levels" in response.text
    assert not WebhookEvent.objects.exists()


def test_a_body_nested_32_levels_deep_is_taken(callbacks, hook_store, drains):
    nested = b"[" * 30 + b"1" + b"]" * 30
    body = b'{"scope":"store/customer/updated","data":{"id":1,"x":' + nested + b"}}"

    assert callbacks.post(hook_store.pk, body).status_code == 200
    assert WebhookEvent.objects.get().source_id == "1"


BAD_IDS = [
    "\ud800",
    "1\u00002",
    "../../etc",
    "abc",
    "",
    " 12",
    "12 ",
    "+12",
    "1e3",
    "\u0661\u0662",  # Arabic-Indic digits
    "\u00b2",  # a superscript two
    "0",
    0,
    -1,
    "-1",
    None,
    [12],
    {"id": 12},
    1.5,
    12.0,
    True,
    False,
    2**63,
    str(2**63),
    2**64 + 12,
    10**30,
    "9" * 5000,
]


@pytest.mark.parametrize("record_id", BAD_IDS, ids=[repr(v)[:20] for v in BAD_IDS])
def test_a_record_id_that_is_not_a_positive_integer_is_400_and_nothing_is_stored(
    callbacks, hook_store, drains, record_id
):
    started = time.monotonic()
    response = callbacks.post(hook_store.pk, customer_update(record_id))

    assert response.status_code == 400
    assert "data.id" in response.text
    assert time.monotonic() - started < 2
    assert not WebhookEvent.objects.exists()
    assert drains == []


@pytest.mark.parametrize(
    "scope, data",
    [
        ("store/customer/address/updated", {"id": 60, "address": {"customer_id": "../1"}}),
        ("store/customer/address/updated", {"id": 60, "address": "32"}),
        ("store/sku/updated", {"id": 461, "sku": {"product_id": -206}}),
        ("store/product/metafield/updated", {"metafield_id": 3, "resource_id": "1\u00002"}),
        ("store/order/refund/created", {"id": 250, "refund": {"refund_id": 3.5}}),
    ],
)
def test_a_bad_id_where_the_scope_keeps_it_is_400(callbacks, hook_store, drains, scope, data):
    response = callbacks.post(hook_store.pk, payload(scope, data))

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_bad_id_is_400_even_when_the_object_is_not_synced_in_real_time(
    callbacks, hook_store, drains
):
    ObjectSetting.objects.filter(store=hook_store, source="customer").update(realtime=False)

    assert callbacks.post(hook_store.pk, customer_update("../../etc")).status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "record_id, stored",
    [(12, "12"), ("12", "12"), ("0012", "12"), (2**63 - 1, str(2**63 - 1))],
)
def test_ids_as_numbers_or_digit_strings_are_stored_as_digits(
    callbacks, hook_store, drains, record_id, stored
):
    assert callbacks.post(hook_store.pk, customer_update(record_id)).status_code == 200

    assert WebhookEvent.objects.get().source_id == stored


@pytest.mark.parametrize("scope", ["store/\u0000cart/created", "store/cart/\ud800", "\x00" * 300])
def test_an_unknown_scope_with_unsafe_characters_is_stored_cleaned_as_ignored(
    callbacks, hook_store, drains, scope
):
    response = callbacks.post(hook_store.pk, payload(scope, {"type": "cart", "id": 1}))

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.status == "ignored"
    assert "\x00" not in event.scope
    assert len(event.scope) <= 100
    event.scope.encode()  # no lone surrogate


@pytest.mark.parametrize("hash_value", ["ab\u0000cd", "\udfff", 12, None, ["a"], {"a": 1}, ""])
def test_an_unusable_hash_is_replaced_by_one_of_the_record(
    callbacks, hook_store, drains, hash_value
):
    """Without a usable hash, two records changed in the same second must not be taken for
    re-fires of one delivery."""
    for record_id in (1, 2):
        body = {**customer_update(record_id), "hash": hash_value}
        assert callbacks.post(hook_store.pk, body).status_code == 200

    events = WebhookEvent.objects.order_by("source_id")
    assert [(e.status, e.source_id) for e in events] == [("pending", "1"), ("pending", "2")]
    assert all("\x00" not in e.hash and e.hash.isascii() for e in events)


@pytest.mark.parametrize("created_at", [10**30, -(10**30), 1e308, "2024-01-01", [1], True])
def test_an_unusable_created_at_is_left_empty(callbacks, hook_store, drains, created_at):
    body = {**customer_update(5), "created_at": created_at}

    assert callbacks.post(hook_store.pk, body).status_code == 200
    assert WebhookEvent.objects.get().created_at is None


def test_a_secret_header_with_a_lone_surrogate_is_401(client, hook_store, settings):
    """Servers decode headers as Latin-1, but the receiver does not rely on it."""
    response = client.post(
        f"/webhooks/bigcommerce/{hook_store.pk}/",
        data=json.dumps(payload()),
        content_type="application/json",
        headers={settings.WEBHOOK_SECRET_HEADER: "\udc80" + SECRET},
    )

    assert response.status_code == 401


def test_a_valid_callback_costs_one_insert_and_a_refused_one_none(
    client, hook_store, drains, settings, django_assert_num_queries
):
    def post(body):
        return client.post(
            f"/webhooks/bigcommerce/{hook_store.pk}/",
            data=json.dumps(body),
            content_type="application/json",
            headers={settings.WEBHOOK_SECRET_HEADER: SECRET},
        )

    assert post(customer_update(1)).status_code == 200  # the store's view is cached now

    with django_assert_num_queries(1):
        assert post(customer_update(2)).status_code == 200
    with django_assert_num_queries(0):
        assert post(customer_update("../../etc")).status_code == 400
