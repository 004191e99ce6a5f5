"""The import pipeline end to end: the demo store into the demo org over real HTTP."""

import pytest
from django.utils import timezone

from mappings.models import FieldMapping, ObjectSetting, OrderTarget, SyncCondition
from sandbox.bigcommerce.models import Order as SandboxOrder
from sync.models import IdentityLink, Outcome, SyncLogEntry
from tests.sync.conftest import bigcommerce, external_ids, import_now, salesforce

pytestmark = pytest.mark.django_db(transaction=True)

SOURCES = ["customer", "category", "product", "order", "refund"]


def test_importing_the_demo_store_twice_creates_once_and_then_writes_nothing(demo):
    first = {source: import_now(demo.store, source) for source in SOURCES}
    assert {s: r.status for s, r in first.items()} == dict.fromkeys(SOURCES, "succeeded")
    assert {s: r.failed for s, r in first.items()} == dict.fromkeys(SOURCES, 0)
    assert first["customer"].created == 25 and first["order"].created == 60

    contacts = external_ids("Contact")
    assert all(n == 1 for n in contacts.values())
    assert sum(1 for key in contacts if key and ":guest:" not in key) == 25
    orders = salesforce("Order")
    assert len(orders) == 60 and len(external_ids("Order")) == 60
    assert (
        len(salesforce("OrderItem"))
        == IdentityLink.objects.filter(source_type="order_item").count()
    )
    assert {o["Status"] for o in orders} <= {"Draft", "Activated"}
    assert len(salesforce("Case")) == first["refund"].created > 0

    second = {source: import_now(demo.store, source) for source in SOURCES}
    for source, run in second.items():
        assert (run.created, run.updated, run.failed) == (0, 0, 0), source
        assert run.unchanged == first[source].created
        assert run.salesforce_calls <= 1, source  # at most the price book lookup


def test_a_changed_customer_is_updated_and_only_it(demo):
    import_now(demo.store, "customer")
    bigcommerce(demo.store).call(
        "PUT", "v3/customers", json=[{"id": 3, "email": "moved@example.com"}]
    )
    again = import_now(demo.store, "customer")
    assert (again.created, again.updated, again.unchanged) == (0, 1, 24)
    contact = next(c for c in salesforce("Contact") if c["BigCommerce_ID__c"].endswith(":3"))
    assert contact["Email"] == "moved@example.com"
    row = SyncLogEntry.objects.get(run=again, source_id="3")
    assert row.outcome == Outcome.UPDATED and row.target_id == contact["Id"]
    paths = [(call["method"], call["path"]) for call in row.calls]
    assert ("GET", "/sandbox/bigcommerce/stores/demo0sandbox/v3/customers") in [
        (method, path.split("?")[0]) for method, path in paths
    ]
    assert any(method == "PATCH" and "/Contact/" in path for method, path in paths)
    assert not any("/Account/" in path for _, path in paths)  # the Account did not change
    assert all("request_body" not in call for call in row.calls)


def test_an_order_status_change_reaches_the_activated_order(demo):
    import_now(demo.store, "order")
    order = next(o for o in salesforce("Order") if o["Status"] == "Draft")
    order_id = order["BigCommerce_ID__c"].split(":")[1]
    bigcommerce(demo.store).call("PUT", f"v2/orders/{order_id}", json={"status_id": 10})
    again = import_now(demo.store, "order")
    assert again.updated == 1 and again.failed == 0
    updated = next(
        o for o in salesforce("Order") if o["BigCommerce_ID__c"] == order["BigCommerce_ID__c"]
    )
    assert updated["Status"] == "Activated"


def test_guest_orders_become_contacts_by_email_and_guests_without_email_stay_apart(demo):
    bc = bigcommerce(demo.store)
    product = bc.get("v3/catalog/products", limit=1)["data"][0]
    address = {
        "first_name": "Gia",
        "last_name": "Guest",
        "street_1": "1 Road",
        "city": "Austin",
        "state": "Texas",
        "zip": "78701",
        "country": "United States",
        "country_iso2": "US",
    }
    lines = [{"product_id": product["id"], "quantity": 1}]
    for email in ("gia@example.com", "gia@example.com", "", ""):
        bc.call(
            "POST",
            "v2/orders",
            json={
                "customer_id": 0,
                "products": lines,
                "billing_address": {**address, "email": email},
            },
        )
    run = import_now(demo.store, "order")
    assert run.failed == 0
    guests = [c for c in salesforce("Contact") if ":guest:" in (c["BigCommerce_ID__c"] or "")]
    by_key = {c["BigCommerce_ID__c"].split(":guest:")[1]: c for c in guests}
    assert sum(1 for key in by_key if key == "email:gia@example.com") == 1
    assert sum(1 for key in by_key if key.startswith("order:")) >= 2
    assert all(n == 1 for n in external_ids("Contact").values())

    moved = {**address, "email": "gia@example.com", "city": "Denver", "state": "Colorado"}
    bc.call(
        "POST",
        "v2/orders",
        json={"customer_id": 0, "products": lines, "billing_address": moved},
    )
    assert import_now(demo.store, "order", kind="incremental").failed == 0
    gia = [
        c for c in salesforce("Contact") if c["BigCommerce_ID__c"].endswith("email:gia@example.com")
    ]
    assert [c["MailingCity"] for c in gia] == ["Denver"]


def test_variants_as_products_make_one_product2_per_variant(demo):
    ObjectSetting.objects.filter(store=demo.store, source="product").update(
        variants_as_products=True
    )
    run = import_now(demo.store, "product")
    assert run.failed == 0
    variants = sum(
        len(p["variants"])
        for p in bigcommerce(demo.store).iter_v3("v3/catalog/products", {"include": "variants"})
    )
    products = salesforce("Product2")
    assert len(products) == variants
    assert all(":variant:" in p["BigCommerce_ID__c"] for p in products)
    assert len(salesforce("PricebookEntry")) == variants
    orders = import_now(demo.store, "order")
    assert orders.failed == 0 and orders.created == 60


def test_refunds_become_cases_under_the_orders_contact(demo):
    run = import_now(demo.store, "refund")
    assert run.created > 0 and run.failed == 0
    contacts = {c["Id"] for c in salesforce("Contact")}
    cases = salesforce("Case")
    assert cases and all(case["ContactId"] in contacts for case in cases)
    assert all("BigCommerce order #" in case["Subject"] for case in cases)


def test_opportunities_with_line_items_when_the_order_target_says_so(demo):
    ObjectSetting.objects.filter(store=demo.store, source="order").update(
        order_target=OrderTarget.BOTH
    )
    run = import_now(demo.store, "order")
    assert run.failed == 0
    assert len(salesforce("Opportunity")) == len(salesforce("Order")) == 60
    assert len(salesforce("OpportunityLineItem")) == len(salesforce("OrderItem")) > 0


def test_sync_conditions_skip_what_they_leave_out(demo):
    setting = ObjectSetting.objects.get(store=demo.store, source="order")
    SyncCondition.objects.create(setting=setting, path="total_inc_tax", operator="gt", value="500")
    run = import_now(demo.store, "order")
    assert run.skipped > 0 and run.created + run.skipped == 60
    assert all(float(o["TotalAmount"] or 0) >= 0 for o in salesforce("Order"))
    skipped = SyncLogEntry.objects.filter(run=run, outcome=Outcome.SKIPPED).first()
    assert "conditions" in skipped.error_message


def test_a_mapping_error_fails_the_record_and_a_resync_after_the_fix_writes_it(demo):
    setting = ObjectSetting.objects.get(store=demo.store, source="customer")
    FieldMapping.objects.filter(
        setting=setting, target_object="Contact", target_field="LastName"
    ).update(source="nickname")
    run = import_now(demo.store, "customer")
    assert run.failed == 25
    entry = SyncLogEntry.objects.filter(run=run, outcome=Outcome.FAILED).first()
    assert entry.error_code == "MAPPING" and "LastName" in entry.error_message
    assert salesforce("Contact") == []

    FieldMapping.objects.filter(setting=setting, target_field="LastName").update(source="last_name")
    resync = import_now(demo.store, "customer", kind="resync", source_ids=[entry.source_id])
    assert (resync.created, resync.failed) == (1, 0)
    row = SyncLogEntry.objects.get(run=resync)
    assert row.attempt == 2 and row.target_id
    assert len(salesforce("Contact")) == 1


def test_a_salesforce_validation_error_is_logged_with_its_code_and_field(demo):
    setting = ObjectSetting.objects.get(store=demo.store, source="customer")
    FieldMapping.objects.filter(
        setting=setting, target_object="Contact", target_field="Email"
    ).update(kind="constant", source="not an email")
    run = import_now(demo.store, "customer")
    assert run.failed == 25
    entry = SyncLogEntry.objects.filter(run=run, outcome=Outcome.FAILED).first()
    assert entry.error_code and "Email" in entry.error_fields
    assert entry.calls and any(call["status"] for call in entry.calls)


def test_a_line_removed_from_an_order_is_removed_from_the_salesforce_order(demo):
    import_now(demo.store, "order")
    emulated = SandboxOrder.objects.filter(store__store_hash=demo.store.store_hash)
    order = next(
        o for o in emulated.order_by("bc_id") if o.products.count() >= 2 and o.status_id == 10
    )
    order.products.order_by("bc_id").last().delete()
    emulated.filter(pk=order.pk).update(date_modified=timezone.now())

    again = import_now(demo.store, "order")

    assert (again.updated, again.failed) == (1, 0)
    key = f"{demo.store.store_hash}:{order.bc_id}"
    salesforce_order = next(o for o in salesforce("Order") if o["BigCommerce_ID__c"] == key)
    items = [i for i in salesforce("OrderItem") if i["OrderId"] == salesforce_order["Id"]]
    assert len(items) == order.products.count()
    assert salesforce_order["Status"] == "Activated"
    assert import_now(demo.store, "order").unchanged == 60
