"""Salesforce changes reach BigCommerce: the emulators over HTTP, a person editing in Salesforce."""

import time
from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from mappings.models import FieldMapping, ObjectSetting
from sandbox.salesforce.models import Record
from sandbox.salesforce.services import create_records, delete_records, update_records
from sync.models import IdentityLink, Outcome, SyncLogEntry, SyncRun
from sync.pipeline import runner
from tests.sync.conftest import bigcommerce, import_now, salesforce, sandbox_org

pytestmark = pytest.mark.django_db(transaction=True)


def export_now(store, source, kind=SyncRun.Kind.INCREMENTAL, **fields) -> SyncRun:
    run = SyncRun.objects.create(
        store=store, source=source, direction="export", kind=kind, status="running", **fields
    )
    return runner.execute(run, sleep=lambda seconds: None)


def exporting(store, source, **settings) -> ObjectSetting:
    ObjectSetting.objects.filter(store=store, source=source).update(direction="both", **settings)
    return ObjectSetting.objects.get(store=store, source=source)


def linked(store, source, sobject) -> IdentityLink:
    return IdentityLink.objects.filter(
        store=store, source_type=source, target_object=sobject
    ).order_by("pk")[0]


def customer(store, customer_id) -> dict:
    found = bigcommerce(store).get("v3/customers", include="addresses", **{"id:in": customer_id})
    return found["data"][0]


def tier_mapping(setting, lookup: dict) -> FieldMapping:
    """Account.Customer_Tier__c → the customer's group, on export only."""
    return FieldMapping.objects.create(
        setting=setting,
        target_object="Account",
        target_field="Customer_Tier__c",
        kind="lookup",
        source="customer_group_id",
        lookup=lookup,
        direction="export",
    )


def writes(entry: SyncLogEntry, method: str) -> list[dict]:
    return [call for call in entry.calls if call["method"] == method]


def a_moment_ago():
    return timezone.now() - timedelta(seconds=1)


def test_a_contact_edit_reaches_the_customer_and_its_echo_writes_nothing(demo):
    import_now(demo.store, "customer")
    exporting(demo.store, "customer")
    link = linked(demo.store, "customer", "Contact")
    since = a_moment_ago()
    update_records(
        sandbox_org(), "Contact", [{"Id": link.target_id, "FirstName": "Renamed", "Phone": "555"}]
    )

    run = export_now(demo.store, "customer", watermark_from=since)

    assert (run.status, run.seen, run.updated) == ("succeeded", 1, 1), run.error
    assert customer(demo.store, link.source_id)["first_name"] == "Renamed"
    assert customer(demo.store, link.source_id)["phone"] == "555"
    [entry] = SyncLogEntry.objects.filter(run=run)
    assert (entry.direction, entry.source_id, entry.target_id) == (
        "export",
        link.target_id,
        link.source_id,
    )
    assert len(writes(entry, "PUT")) == 1
    assert entry.values["customer"] == {"first_name": "Renamed", "phone": "555"}

    # BigCommerce's webhook for that write comes back as an import: it reads the Contact (a
    # two-way object's import checks for Salesforce changes) and writes nothing.
    stamp = contact(link.target_id)["SystemModstamp"]
    echo = import_now(demo.store, "customer", SyncRun.Kind.RECORDS, source_ids=[link.source_id])
    assert (echo.status, echo.unchanged, echo.salesforce_calls) == ("succeeded", 1, 1)
    assert contact(link.target_id)["SystemModstamp"] == stamp
    # And the next poll finds no change made by a person.
    again = export_now(demo.store, "customer", watermark_from=run.watermark_to)
    assert (again.status, again.seen) == ("succeeded", 0)


def test_changes_the_connector_made_are_not_exported(demo):
    since = a_moment_ago()
    import_now(demo.store, "customer")
    exporting(demo.store, "customer")

    run = export_now(demo.store, "customer", watermark_from=since)

    assert (run.status, run.seen, run.bigcommerce_calls) == ("succeeded", 0, 0)


def test_a_tier_change_moves_the_customer_to_the_mapped_group(demo):
    import_now(demo.store, "customer")
    setting = exporting(demo.store, "customer")
    groups = {g["name"]: g["id"] for g in bigcommerce(demo.store).get("v2/customer_groups")}
    tier_mapping(setting, {str(groups["VIP"]): "VIP", str(groups["Retail"]): "Standard"})
    contact = linked(demo.store, "customer", "Contact")
    account = linked(demo.store, "customer", "Account")
    since = a_moment_ago()
    update_records(sandbox_org(), "Account", [{"Id": account.target_id, "Customer_Tier__c": "VIP"}])

    run = export_now(demo.store, "customer", watermark_from=since)

    assert run.status == "succeeded", run.error
    assert customer(demo.store, contact.source_id)["customer_group_id"] == groups["VIP"]


def test_an_unknown_tier_fails_its_record_with_what_to_do(demo):
    import_now(demo.store, "customer")
    setting = exporting(demo.store, "customer")
    tier_mapping(setting, {"1": "Standard"})
    account = linked(demo.store, "customer", "Account")
    since = a_moment_ago()
    update_records(
        sandbox_org(), "Account", [{"Id": account.target_id, "Customer_Tier__c": "Gold"}]
    )

    run = export_now(demo.store, "customer", watermark_from=since)

    assert (run.status, run.failed) == ("partial", 1)
    entry = SyncLogEntry.objects.get(run=run)
    assert "'Gold'" in entry.error_message and "lookup table" in entry.error_message


def test_a_price_change_updates_the_product(demo):
    import_now(demo.store, "product")
    exporting(demo.store, "product")
    product = linked(demo.store, "product", "Product2")
    entry = linked(demo.store, "product", "PricebookEntry")
    since = a_moment_ago()
    update_records(sandbox_org(), "PricebookEntry", [{"Id": entry.target_id, "UnitPrice": 123.45}])

    run = export_now(demo.store, "product", watermark_from=since)

    assert (run.status, run.updated) == ("succeeded", 1), run.error
    found = bigcommerce(demo.store).get(f"v3/catalog/products/{product.source_id}")["data"]
    assert float(found["price"]) == 123.45


def test_a_product_made_in_salesforce_is_created_only_in_upsert_mode(demo):
    import_now(demo.store, "product")
    exporting(demo.store, "product")
    [product_id] = create_records(
        sandbox_org(),
        "Product2",
        [{"Name": "Made in Salesforce", "ProductCode": "SF-ONLY-1", "IsActive": True}],
    )
    [book] = [b["Id"] for b in salesforce("Pricebook2") if b.get("IsStandard")]
    price = {"Product2Id": product_id, "Pricebook2Id": book, "UnitPrice": 42, "IsActive": True}
    create_records(sandbox_org(), "PricebookEntry", [price])

    skipped = export_now(demo.store, "product", SyncRun.Kind.RECORDS, source_ids=[product_id])
    assert (skipped.status, skipped.skipped, skipped.created) == ("succeeded", 1, 0)
    assert "update-only" in SyncLogEntry.objects.get(run=skipped).error_message

    exporting(demo.store, "product", export_mode="upsert")
    created = export_now(demo.store, "product", SyncRun.Kind.RECORDS, source_ids=[product_id])

    assert (created.status, created.created) == ("succeeded", 1), created.error
    link = IdentityLink.objects.get(target_object="Product2", target_id=product_id)
    found = bigcommerce(demo.store).get(f"v3/catalog/products/{link.source_id}")["data"]
    assert (found["name"], found["sku"], found["price"]) == ("Made in Salesforce", "SF-ONLY-1", 42)


def test_an_order_status_change_updates_the_order(demo):
    import_now(demo.store, "order")
    exporting(demo.store, "order")
    drafts = [o for o in salesforce("Order") if o.get("Status") == "Draft"]
    order = IdentityLink.objects.get(target_object="Order", target_id=drafts[0]["Id"])
    since = a_moment_ago()
    update_records(sandbox_org(), "Order", [{"Id": order.target_id, "Status": "Activated"}])

    run = export_now(demo.store, "order", watermark_from=since)

    assert (run.status, run.updated) == ("succeeded", 1), run.error
    found = bigcommerce(demo.store).get(f"v2/orders/{order.source_id}")
    assert found["status_id"] == 2


def test_a_failed_export_row_is_fixed_and_resynced_from_the_log(demo):
    from sync.resync import resync_entry

    import_now(demo.store, "customer")
    setting = exporting(demo.store, "customer")
    tier = tier_mapping(setting, {"1": "Standard"})
    account = linked(demo.store, "customer", "Account")
    since = a_moment_ago()
    update_records(sandbox_org(), "Account", [{"Id": account.target_id, "Customer_Tier__c": "VIP"}])
    failed = export_now(demo.store, "customer", watermark_from=since)
    entry = SyncLogEntry.objects.get(run=failed, outcome=Outcome.FAILED)

    groups = {g["name"]: g["id"] for g in bigcommerce(demo.store).get("v2/customer_groups")}
    tier.lookup = {"1": "Standard", str(groups["VIP"]): "VIP"}
    tier.save()
    queued = resync_entry(entry)
    assert (queued.direction, queued.source_ids) == ("export", [entry.source_id])
    run = runner.execute(_claimed(queued), sleep=lambda seconds: None)

    assert (run.status, run.updated) == ("succeeded", 1), run.error
    contact = linked(demo.store, "customer", "Contact")
    assert customer(demo.store, contact.source_id)["customer_group_id"] == groups["VIP"]


def _claimed(run: SyncRun) -> SyncRun:
    SyncRun.objects.filter(pk=run.pk).update(status="running")
    run.refresh_from_db()
    return run


@pytest.mark.parametrize(
    ("rule", "last_change", "kept"),
    [
        ("salesforce", "bigcommerce", "333"),
        ("bigcommerce", "salesforce", "222"),
        ("newest", "salesforce", "333"),
        ("newest", "bigcommerce", "222"),
    ],
)
def test_a_field_changed_on_both_sides_follows_the_conflict_rule(demo, rule, last_change, kept):
    import_now(demo.store, "customer")
    exporting(demo.store, "customer", conflict_rule=rule)
    link = linked(demo.store, "customer", "Contact")
    first = a_moment_ago()
    update_records(sandbox_org(), "Contact", [{"Id": link.target_id, "Phone": "111"}])
    synced = export_now(demo.store, "customer", watermark_from=first)
    assert customer(demo.store, link.source_id)["phone"] == "111"

    def in_bigcommerce():
        rows = [{"id": int(link.source_id), "phone": "222"}]
        bigcommerce(demo.store).call("PUT", "v3/customers", json=rows)

    def in_salesforce():
        update_records(sandbox_org(), "Contact", [{"Id": link.target_id, "Phone": "333"}])

    changes = [in_salesforce, in_bigcommerce]
    if last_change == "salesforce":
        changes.reverse()
    changes[0]()
    time.sleep(1.1)  # BigCommerce's date_modified counts whole seconds
    changes[1]()

    run = export_now(demo.store, "customer", watermark_from=synced.watermark_to)

    assert run.status == "succeeded", run.error
    assert customer(demo.store, link.source_id)["phone"] == kept
    entry = SyncLogEntry.objects.get(run=run)
    [conflict] = entry.values["conflicts"]
    assert (conflict["salesforce"], conflict["bigcommerce"]) == ("333", "222")
    assert "changed on both sides" in entry.error_message


def test_a_value_bigcommerce_would_refuse_fails_before_any_write(demo):
    import_now(demo.store, "product")
    exporting(demo.store, "product")
    product = linked(demo.store, "product", "Product2")
    since = a_moment_ago()
    update_records(sandbox_org(), "Product2", [{"Id": product.target_id, "Name": "x" * 251}])

    run = export_now(demo.store, "product", watermark_from=since)

    entry = SyncLogEntry.objects.get(run=run)
    assert (run.status, entry.outcome) == ("partial", "failed")
    assert entry.error_code == "BIGCOMMERCE_RULES"
    assert "250" in entry.error_message
    assert not writes(entry, "PUT")


@pytest.mark.parametrize(
    ("action", "outcome", "remains"),
    [("nothing", "skipped", True), ("delete", "deleted", False), ("clear", "updated", True)],
)
def test_a_contact_deleted_in_salesforce_follows_the_delete_setting(demo, action, outcome, remains):
    import_now(demo.store, "customer")
    exporting(demo.store, "customer", export_on_delete=action)
    link = linked(demo.store, "customer", "Contact")
    since = timezone.now() - timedelta(minutes=2)
    delete_records(sandbox_org(), "Contact", [link.target_id])
    # getDeleted counts whole minutes up to the current one: this deletion is a minute old.
    Record.objects.filter(record_id=link.target_id).update(
        deleted_at=F("deleted_at") - timedelta(minutes=1)
    )

    run = export_now(demo.store, "customer", watermark_from=since)

    assert run.status == "succeeded", run.error
    entry = SyncLogEntry.objects.get(run=run, source_id=link.target_id)
    assert (entry.outcome, entry.target_id) == (outcome, link.source_id)
    found = bigcommerce(demo.store).get("v3/customers", **{"id:in": link.source_id})["data"]
    assert bool(found) == remains
    if action == "clear":
        assert found[0]["phone"] == ""
    assert not IdentityLink.objects.filter(target_id=link.target_id).exists()
    again = export_now(demo.store, "customer", watermark_from=since)
    assert not SyncLogEntry.objects.filter(run=again).exists()


def contact(contact_id) -> dict:
    return next(c for c in salesforce("Contact") if c["Id"] == contact_id)


def synced_once(demo, **settings) -> IdentityLink:
    """A customer exported once, so both sides agree on its exported fields."""
    import_now(demo.store, "customer")
    exporting(demo.store, "customer", **settings)
    link = linked(demo.store, "customer", "Contact")
    since = a_moment_ago()
    update_records(sandbox_org(), "Contact", [{"Id": link.target_id, "Phone": "111"}])
    assert export_now(demo.store, "customer", watermark_from=since).updated == 1
    return link


def test_an_import_keeps_a_salesforce_change_not_exported_yet(demo):
    link = synced_once(demo)
    update_records(sandbox_org(), "Contact", [{"Id": link.target_id, "Phone": "333"}])
    rows = [{"id": int(link.source_id), "first_name": "Shopper"}]
    bigcommerce(demo.store).call("PUT", "v3/customers", json=rows)

    run = import_now(demo.store, "customer", SyncRun.Kind.RECORDS, source_ids=[link.source_id])

    assert (run.status, run.updated) == ("succeeded", 1), run.error
    assert (contact(link.target_id)["FirstName"], contact(link.target_id)["Phone"]) == (
        "Shopper",
        "333",
    )
    # The next export carries Salesforce's change to BigCommerce.
    export_now(demo.store, "customer", SyncRun.Kind.RECORDS, source_ids=[link.target_id])
    assert customer(demo.store, link.source_id)["phone"] == "333"


@pytest.mark.parametrize(("rule", "kept"), [("salesforce", "333"), ("bigcommerce", "222")])
def test_an_import_of_a_field_changed_on_both_sides_follows_the_rule(demo, rule, kept):
    link = synced_once(demo, conflict_rule=rule)
    update_records(sandbox_org(), "Contact", [{"Id": link.target_id, "Phone": "333"}])
    rows = [{"id": int(link.source_id), "phone": "222"}]
    bigcommerce(demo.store).call("PUT", "v3/customers", json=rows)

    run = import_now(demo.store, "customer", SyncRun.Kind.RECORDS, source_ids=[link.source_id])

    assert run.status == "succeeded", run.error
    assert contact(link.target_id)["Phone"] == kept
    entry = SyncLogEntry.objects.get(run=run, source_id=link.source_id)
    [conflict] = entry.values["conflicts"]
    assert (conflict["salesforce"], conflict["bigcommerce"], conflict["kept"]) == (
        "333",
        "222",
        rule,
    )


@pytest.mark.worker
def test_a_scheduled_export_runs_in_the_worker(demo, live_worker):
    from sync.models import ImportSchedule
    from sync.schedules import run_scheduled_import
    from tests.sync.test_import_runs import wait_for_run

    import_now(demo.store, "customer")
    setting = exporting(demo.store, "customer")
    setting.save()  # saving an object that exports gives it its export schedule
    schedule = ImportSchedule.objects.get(store=demo.store, source="customer", direction="export")
    assert (schedule.kind, schedule.every_minutes, schedule.enabled) == ("incremental", 5, True)
    link = linked(demo.store, "customer", "Contact")
    update_records(sandbox_org(), "Contact", [{"Id": link.target_id, "LastName": "Worker"}])

    run = wait_for_run(run_scheduled_import(schedule.pk))

    assert (run.status, run.direction, run.trigger) == ("succeeded", "export", "schedule"), (
        run.error,
        live_worker.log_path.read_text()[-3000:],
    )
    assert customer(demo.store, link.source_id)["last_name"] == "Worker"


def test_export_conditions_leave_records_out(demo):
    from mappings.models import SyncCondition

    import_now(demo.store, "customer")
    setting = exporting(demo.store, "customer")
    SyncCondition.objects.create(
        setting=setting, direction="export", path="Account.Customer_Tier__c", value="VIP"
    )
    link = linked(demo.store, "customer", "Contact")
    since = a_moment_ago()
    update_records(sandbox_org(), "Contact", [{"Id": link.target_id, "LastName": "Ordinary"}])

    run = export_now(demo.store, "customer", watermark_from=since)

    assert (run.status, run.skipped, run.updated) == ("succeeded", 1, 0)
    assert "export conditions" in SyncLogEntry.objects.get(run=run).error_message
    assert customer(demo.store, link.source_id)["last_name"] != "Ordinary"


def test_an_address_edit_reaches_the_customers_address(demo):
    import_now(demo.store, "customer")
    exporting(demo.store, "customer")
    link = linked(demo.store, "customer", "Contact")
    since = a_moment_ago()
    moved = {"Id": link.target_id, "MailingStreet": "1 New Street", "MailingCity": "Springfield"}
    update_records(sandbox_org(), "Contact", [moved])

    run = export_now(demo.store, "customer", watermark_from=since)

    assert (run.status, run.updated) == ("succeeded", 1), run.error
    [address] = customer(demo.store, link.source_id)["addresses"][:1]
    assert (address["address1"], address["city"]) == ("1 New Street", "Springfield")
    entry = SyncLogEntry.objects.get(run=run)
    puts = [call["path"].split("?")[0] for call in writes(entry, "PUT")]
    assert len(puts) == 1 and puts[0].endswith("/v3/customers/addresses")  # the address only


def test_a_customer_created_from_salesforce_gets_its_address(demo):
    import_now(demo.store, "customer")
    exporting(demo.store, "customer", export_mode="upsert")
    [account] = create_records(sandbox_org(), "Account", [{"Name": "New Co"}])
    person = {
        "FirstName": "Ada",
        "LastName": "New",
        "Email": "ada.new@example.com",
        "AccountId": account,
        "MailingStreet": "2 Side Road",
        "MailingCity": "Shelbyville",
        "MailingCountry": "US",
    }
    [contact_id] = create_records(sandbox_org(), "Contact", [person])

    run = export_now(demo.store, "customer", SyncRun.Kind.RECORDS, source_ids=[contact_id])

    assert (run.status, run.created) == ("succeeded", 1), run.error
    link = IdentityLink.objects.get(target_object="Contact", target_id=contact_id)
    made = customer(demo.store, link.source_id)
    assert (made["email"], made["addresses"][0]["city"]) == ("ada.new@example.com", "Shelbyville")


def test_a_variant_imported_as_a_product_gets_its_new_price(demo):
    ObjectSetting.objects.filter(store=demo.store, source="product").update(
        variants_as_products=True
    )
    import_now(demo.store, "product")
    exporting(demo.store, "product")
    variant = linked(demo.store, "variant", "Product2")
    entry = linked(demo.store, "variant", "PricebookEntry")
    since = a_moment_ago()
    update_records(sandbox_org(), "PricebookEntry", [{"Id": entry.target_id, "UnitPrice": 77.5}])

    run = export_now(demo.store, "product", watermark_from=since)

    assert (run.status, run.updated) == ("succeeded", 1), run.error
    log = SyncLogEntry.objects.get(run=run)
    assert (log.target_object, log.target_id) == ("variant", variant.source_id)
    [put] = writes(log, "PUT")
    assert put["path"].split("?")[0].endswith("/v3/catalog/variants")
    from sandbox.bigcommerce.models import Variant

    assert float(Variant.objects.get(bc_id=variant.source_id).body["price"]) == 77.5


def test_export_selected_starts_one_run(demo, owner, client):
    import_now(demo.store, "customer")
    exporting(demo.store, "customer")
    chosen = list(
        IdentityLink.objects.filter(store=demo.store, target_object="Contact").order_by("pk")[:2]
    )
    client.force_login(owner)
    url = reverse("object_records", args=[demo.store.pk, "customers"])

    page = client.get(url).content.decode()
    assert f'value="{chosen[0].pk}" form="mass-actions"' in page
    response = client.post(
        reverse("records_action", args=[demo.store.pk, "customers"]),
        {"action": "export-selected", "link": [link.pk for link in chosen], "query": ""},
    )

    run = SyncRun.objects.get(store=demo.store, direction="export")
    assert response["Location"] == reverse("run_detail", args=[demo.store.pk, run.pk])
    assert (run.kind, sorted(run.source_ids)) == ("records", sorted(c.target_id for c in chosen))


def test_an_export_row_is_shown_and_synced_again_in_its_direction(demo, owner, client):
    import_now(demo.store, "customer")
    exporting(demo.store, "customer")
    link = linked(demo.store, "customer", "Contact")
    since = a_moment_ago()
    update_records(sandbox_org(), "Contact", [{"Id": link.target_id, "FirstName": "Row"}])
    run = export_now(demo.store, "customer", watermark_from=since)
    entry = SyncLogEntry.objects.get(run=run)
    client.force_login(owner)

    page = client.get(reverse("log_detail", args=[entry.pk])).content.decode()
    assert f"<dt>Salesforce record</dt><dd><code>{link.target_id}</code>" in page
    assert f"customer <code>{link.source_id}</code>" in page
    client.post(reverse("log_resync_record", args=[entry.pk]))

    again = SyncRun.objects.exclude(pk=run.pk).get(store=demo.store, direction="export")
    assert (again.kind, again.source_ids) == ("records", [link.target_id])
