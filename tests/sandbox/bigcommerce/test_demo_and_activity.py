"""Demo data (deterministic, covering what the connector meets) and the activity simulator."""

import threading

from django.core.management import call_command

from sandbox.bigcommerce import webhooks
from sandbox.bigcommerce.activity import simulate_activity
from sandbox.bigcommerce.demo import generate_demo_data
from sandbox.bigcommerce.models import (
    Category,
    Customer,
    CustomerAddress,
    CustomerGroup,
    Delivery,
    Metafield,
    Order,
    OrderProduct,
    Product,
    Refund,
    Variant,
)
from sandbox.bigcommerce.services import provision_store

# What identifies a record's content, across stores (internal keys left out).
SNAPSHOT_FIELDS = {
    Customer: (
        "bc_id",
        "email",
        "first_name",
        "last_name",
        "company",
        "customer_group_id",
        "date_created",
        "date_modified",
        "body",
    ),
    CustomerAddress: ("bc_id", "customer__bc_id", "body"),
    CustomerGroup: ("bc_id", "name", "is_default", "body"),
    Category: ("bc_id", "parent_id", "name", "uuid", "body"),
    Product: ("bc_id", "name", "sku", "date_created", "date_modified", "body"),
    Variant: ("bc_id", "product__bc_id", "sku", "sku_id", "body"),
    Order: ("bc_id", "customer_id", "email", "status_id", "date_created", "date_modified", "body"),
    OrderProduct: ("bc_id", "order__bc_id", "product_id", "variant_id", "sku", "body"),
    Refund: ("bc_id", "order__bc_id", "created", "body"),
    Metafield: ("bc_id", "resource_type", "resource_id", "namespace", "key", "body"),
}


def snapshot(store) -> dict:
    return {
        model.__name__: list(
            model.objects.filter(store=store).order_by("bc_id").values_list(*fields)
        )
        for model, fields in SNAPSHOT_FIELDS.items()
    }


def test_the_same_seed_gives_the_same_data(bc_store):
    other = provision_store("otherhash", "other-token")
    first = generate_demo_data(bc_store, customers=15, products=10, orders=80, seed=5)
    second = generate_demo_data(other, customers=15, products=10, orders=80, seed=5)
    assert first == second
    assert snapshot(bc_store) == snapshot(other)
    generate_demo_data(other, customers=15, products=10, orders=80, seed=6)
    assert snapshot(bc_store)["Order"] != snapshot(other)["Order"]


def test_generating_again_replaces_the_data(bc_store):
    generate_demo_data(bc_store, customers=10, products=5, orders=30, seed=1)
    before = snapshot(bc_store)
    counts = generate_demo_data(bc_store, customers=10, products=5, orders=30, seed=1)
    assert snapshot(bc_store) == before
    assert counts["orders"] == Order.objects.filter(store=bc_store).count() == 30


def test_demo_data_covers_what_the_connector_meets(bc_store):
    counts = generate_demo_data(bc_store)
    assert (counts["customers"], counts["products"], counts["orders"]) == (25, 15, 60)
    orders = Order.objects.filter(store=bc_store)
    assert set(orders.values_list("status_id", flat=True)) == set(range(15))
    guests = orders.filter(customer_id=0)
    assert guests.filter(email="").exists() and guests.exclude(email="").exists()
    assert Refund.objects.filter(store=bc_store, order__status_id=4).exists()
    assert Refund.objects.filter(store=bc_store, order__status_id=14).exists()
    assert {"Wholesale", "Retail"} <= set(CustomerGroup.objects.values_list("name", flat=True))
    companies = Customer.objects.filter(store=bc_store).exclude(company="")
    assert companies.exists() and Customer.objects.filter(store=bc_store, company="").exists()
    assert CustomerAddress.objects.filter(store=bc_store).count() > counts["customers"]
    assert Variant.objects.filter(store=bc_store).count() > counts["products"]
    assert all(p.body["custom_fields"] for p in Product.objects.filter(store=bc_store))
    kinds = set(Metafield.objects.filter(store=bc_store).values_list("resource_type", flat=True))
    assert kinds == {"product", "variant", "category", "customer", "order"}
    categories = {c.bc_id: c.parent_id for c in Category.objects.filter(store=bc_store)}
    assert 9 <= len(categories) <= 12
    assert any(categories.get(parent) for parent in categories.values())  # three levels deep


def test_demo_data_can_announce_itself_by_webhook(bc_store, settings):
    settings.SANDBOX_WEBHOOK_THREAD = False
    from sandbox.bigcommerce.hooks import create_hook

    create_hook(bc_store, {"scope": "store/*", "destination": "https://example.com/h"})
    counts = generate_demo_data(bc_store, customers=3, products=2, orders=4, notify=True)
    created = counts["customers"] + counts["categories"] + counts["products"] + counts["orders"]
    assert Delivery.objects.filter(scope__endswith="/created").count() == created


def test_activity_changes_records_through_the_api_path(bc_store, settings):
    settings.SANDBOX_WEBHOOK_THREAD = False
    from sandbox.bigcommerce.hooks import create_hook

    generate_demo_data(bc_store, customers=8, products=5, orders=20, seed=3)
    create_hook(bc_store, {"scope": "store/*", "destination": "https://example.com/h"})
    before = snapshot(bc_store)
    changes = simulate_activity(bc_store, events_per_minute=6000, duration_seconds=1, seed=9)
    assert 80 <= changes <= 100
    after = snapshot(bc_store)
    changed = [name for name in before if before[name] != after[name]]
    assert {"Customer", "Order", "Product"} <= set(changed)
    scopes = set(Delivery.objects.values_list("scope", flat=True))
    assert {"store/customer/created", "store/order/created", "store/product/updated"} <= scopes


def test_activity_stops_when_asked(bc_store):
    generate_demo_data(bc_store, customers=3, products=2, orders=5, seed=3)
    stop = threading.Event()
    stop.set()
    assert (
        simulate_activity(bc_store, events_per_minute=60, duration_seconds=60, stop_event=stop) == 0
    )


def test_management_commands_seed_and_animate_a_store(bc_store, settings, capsys):
    settings.SANDBOX_WEBHOOK_THREAD = False
    call_command(
        "sandbox_seed", bc_store.store_hash, "--customers", "4", "--products", "3", "--orders", "9"
    )
    assert Order.objects.filter(store=bc_store).count() == 9
    call_command("sandbox_activity", bc_store.store_hash, "--per-minute", "600", "--seconds", "1")
    out = capsys.readouterr().out
    assert "Seeded" in out and "changes" in out
    webhooks.deliver_due()
