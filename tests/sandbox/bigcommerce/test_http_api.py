"""The emulator over HTTP: auth, not-found bodies, paging, incremental filters and batch limits."""

import base64
import json
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from sandbox.bigcommerce.models import Customer, Order
from tests.sandbox.bigcommerce.conftest import TOKEN


def test_a_wrong_or_missing_token_is_refused_in_each_versions_shape(api):
    api.session.headers["X-Auth-Token"] = "not-the-token"
    v3 = api.get("v3/customers")
    assert v3.status_code == 401
    assert set(v3.json()) == {"status", "title", "type", "errors"} and v3.json()["status"] == 401
    del api.session.headers["X-Auth-Token"]
    v2 = api.get("v2/orders")
    assert v2.status_code == 401
    assert v2.json() == [{"status": 401, "message": v2.json()[0]["message"]}]


def test_an_unknown_store_answers_404(api, live_server):
    root = f"{live_server.url}/sandbox/bigcommerce/stores/nosuchstore"
    v2 = api.session.get(f"{root}/v2/orders", timeout=10)
    v3 = api.session.get(f"{root}/v3/customers", timeout=10)
    assert v2.status_code == v3.status_code == 404
    assert v2.json()[0]["status"] == 404
    assert v3.json()["status"] == 404 and "title" in v3.json()


def test_missing_records_and_paths_answer_404_in_each_versions_shape(seeded_api):
    for path in ("v2/orders/99999", "v2/orders/1/products/99999", "v2/no/such/path"):
        response = seeded_api.get(path)
        assert response.status_code == 404, path
        assert response.json() == [{"status": 404, "message": response.json()[0]["message"]}]
    for path in ("v3/catalog/products/99999", "v3/hooks/99999", "v3/no/such/path"):
        response = seeded_api.get(path)
        assert response.status_code == 404, path
        assert set(response.json()) == {"status", "title", "type", "errors"}


def test_an_unsupported_method_answers_405(seeded_api):
    response = seeded_api.delete("v2/order_statuses")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"


def test_v3_pages_carry_pagination_meta(seeded_api):
    first = seeded_api.get("v3/customers?limit=5").json()
    assert first["meta"]["pagination"] == {
        "total": 12,
        "count": 5,
        "per_page": 5,
        "current_page": 1,
        "total_pages": 3,
        "links": {"current": "?page=1&limit=5", "next": "?page=2&limit=5"},
    }
    last = seeded_api.get(
        "v3/customers" + first["meta"]["pagination"]["links"]["next"].replace("page=2", "page=3")
    )
    meta = last.json()["meta"]["pagination"]
    assert (meta["count"], meta["current_page"]) == (2, 3)
    assert "next" not in meta["links"] and meta["links"]["previous"] == "?page=2&limit=5"
    assert "cursor_pagination" not in last.json()["meta"]


def test_customer_cursors_walk_every_record_once_in_the_requested_order(seeded_api):
    seen, params = [], {"limit": 4, "sort": "date_modified:desc"}
    while True:
        body = seeded_api.get("v3/customers", params=params).json()
        seen += body["data"]
        cursor = body["meta"]["cursor_pagination"]
        if "next" not in cursor["links"]:
            break
        assert json.loads(base64.urlsafe_b64decode(cursor["end_cursor"] + "==")) == {
            "id": seen[-1]["id"]
        }
        params = {"limit": 4, "sort": "date_modified:desc", "after": cursor["end_cursor"]}
    assert len(seen) == 12 and len({c["id"] for c in seen}) == 12
    stamps = [(c["date_modified"], c["id"]) for c in seen]
    assert [s for s, _ in stamps] == sorted((s for s, _ in stamps), reverse=True)
    back = seeded_api.get(
        "v3/customers",
        params={"limit": 4, "sort": "date_modified:desc", "before": cursor["start_cursor"]},
    )
    assert [c["id"] for c in back.json()["data"]] == [c["id"] for c in seen[-8:-4]]


def test_v2_lists_end_with_an_empty_204_and_refuse_more_than_250_a_page(seeded_api):
    assert len(seeded_api.get("v2/orders?limit=25&page=2").json()) == 15
    past_the_end = seeded_api.get("v2/orders?limit=25&page=3")
    assert past_the_end.status_code == 204 and past_the_end.content == b""
    assert seeded_api.get("v2/orders/1/coupons").status_code == 204
    too_many = seeded_api.get("v2/orders?limit=251")
    assert too_many.status_code == 413
    assert too_many.json() == {
        "status": 413,
        "message": "The specified limit exceeds the maximum allowed.",
        "details": {"max_limit": 250},
    }
    assert len(seeded_api.get("v2/orders?limit=250").json()) == 40


def test_v2_orders_carry_rfc2822_dates_string_money_and_absolute_links(seeded_api):
    order = seeded_api.get("v2/orders/1").json()
    assert parsedate_to_datetime(order["date_created"]).tzinfo is not None
    assert isinstance(order["total_inc_tax"], str) and order["total_inc_tax"].count(".") == 1
    root = seeded_api.root
    assert order["products"] == {
        "url": f"{root}/v2/orders/1/products",
        "resource": "/orders/1/products",
    }
    assert seeded_api.session.get(order["shipping_addresses"]["url"], timeout=10).status_code == 200
    assert seeded_api.session.get(order["products"]["url"], timeout=10).json()[0]["order_id"] == 1


def test_incremental_customer_filters_need_full_timestamps(seeded_api):
    changed = seeded_api.put("v3/customers", json=[{"id": 3, "notes": "changed"}]).json()["data"][0]
    moment = datetime.fromisoformat(changed["date_modified"])
    since = (moment - timedelta(seconds=1)).isoformat()
    found = seeded_api.get("v3/customers", params={"date_modified:min": since}).json()["data"]
    assert [c["id"] for c in found] == [3]
    older = seeded_api.get("v3/customers", params={"date_modified:max": since}).json()["data"]
    assert 3 not in {c["id"] for c in older} and len(older) == 11
    # A date without a time gets the current time of day: today's earlier change is missed.
    time.sleep(1.05)  # the API's clock has whole seconds
    today = seeded_api.get("v3/customers", params={"date_modified:min": moment.date().isoformat()})
    assert today.json()["data"] == []


def test_incremental_order_filters_read_rfc2822_and_sort_by_date_modified(seeded_api):
    seeded_api.put("v2/orders/5", json={"status_id": 10})
    seeded_api.put("v2/orders/2", json={"staff_notes": "called the customer"})
    latest = Order.objects.order_by("date_modified", "bc_id").last().date_modified
    since = format_datetime(latest - timedelta(seconds=1))
    orders = seeded_api.get(
        "v2/orders", params={"min_date_modified": since, "sort": "date_modified:asc"}
    ).json()
    assert sorted(o["id"] for o in orders) == [2, 5]
    stamps = [parsedate_to_datetime(o["date_modified"]) for o in orders]
    assert stamps == sorted(stamps)
    by_status = seeded_api.get("v2/orders", params={"status_id": 10, "limit": 250}).json()
    assert by_status and {o["status_id"] for o in by_status} == {10}


def test_products_and_refunds_filter_by_date(seeded_api):
    seeded_api.put("v3/catalog/products/2", json={"price": 61})
    since = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    products = seeded_api.get("v3/catalog/products", params={"date_modified:min": since}).json()[
        "data"
    ]
    assert [p["id"] for p in products] == [2]
    all_refunds = seeded_api.get("v3/orders/payment_actions/refunds").json()["data"]
    newest = max(r["created"] for r in all_refunds)
    recent = seeded_api.get(
        "v3/orders/payment_actions/refunds", params={"created:min": newest}
    ).json()["data"]
    assert recent and all(r["created"] >= newest for r in recent)


def test_batches_above_their_limits_answer_413(seeded_api):
    person = {"email": "x@example.com", "first_name": "X", "last_name": "Y"}
    for method, path, item, limit in (
        ("POST", "v3/customers", person, 10),
        ("PUT", "v3/customers", {"id": 1, "notes": "n"}, 10),
        ("PUT", "v3/catalog/products", {"id": 1, "price": 5}, 10),
        ("PUT", "v3/catalog/variants", {"id": 1, "price": 5}, 50),
    ):
        response = seeded_api.request(method, path, json=[item] * (limit + 1))
        assert response.status_code == 413, path
        assert response.json()["title"].endswith(f"is {limit}.")
    assert Customer.objects.filter(email="x@example.com").count() == 0


def test_an_invalid_batch_is_refused_whole_with_422(seeded_api):
    batch = [
        {"email": "ok@example.com", "first_name": "Ok", "last_name": "Fine"},
        {"email": "yusuf.kowalski.1@example.com", "first_name": "Dup", "last_name": "Licate"},
        {"email": "not-an-email", "first_name": "Bad"},
    ]
    response = seeded_api.post("v3/customers", json=batch)
    assert response.status_code == 422
    body = response.json()
    assert body["title"] == "Create customers failed."
    assert set(body["errors"]) >= {"2.email", "2.last_name"}
    assert not Customer.objects.filter(email="ok@example.com").exists()


def test_deleting_customers_needs_a_filter(seeded_api):
    assert seeded_api.delete("v3/customers").status_code == 204
    assert Customer.objects.count() == 12
    assert seeded_api.delete("v3/customers?id:in=1,2").status_code == 204
    assert Customer.objects.count() == 10


def test_the_token_is_checked_per_store(api, live_server):
    from sandbox.bigcommerce.services import provision_store

    provision_store("otherstore", "other-token")
    other = f"{live_server.url}/sandbox/bigcommerce/stores/otherstore/v2/time"
    assert api.session.get(other, timeout=10).status_code == 401
    assert (
        api.session.get(other, headers={"X-Auth-Token": "other-token"}, timeout=10).status_code
        == 200
    )
    assert api.get("v2/time").status_code == 200 and TOKEN != "other-token"


def test_include_and_exclude_fields_trim_v3_records(seeded_api):
    trimmed = seeded_api.get(
        "v3/catalog/products?include_fields=name,price&include=variants"
    ).json()
    assert set(trimmed["data"][0]) == {"id", "name", "price", "variants"}
    product = seeded_api.get("v3/catalog/products/1?exclude_fields=description,sku").json()["data"]
    assert "description" not in product and "sku" not in product and product["id"] == 1
