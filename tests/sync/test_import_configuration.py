"""What an admin configures, seen in Salesforce: matching rules, record types, metafields,
delete actions, cancellation."""

import pytest

from integrations.salesforce.client import SalesforceClient
from mappings.models import (
    DeleteAction,
    FieldMapping,
    MatchingRule,
    MultipleMatches,
    ObjectSetting,
    RecordTypeMapping,
)
from sync.models import IdentityLink, Outcome, SyncLogEntry, SyncRun
from sync.pipeline import runner
from sync.runs import delete_records
from tests.sync.conftest import bigcommerce, import_now, salesforce

pytestmark = pytest.mark.django_db(transaction=True)


def first_customer(demo) -> dict:
    return bigcommerce(demo.store).get("v3/customers", **{"id:in": "1"})["data"][0]


def existing_contacts(demo, *rows):
    """Contacts someone made in Salesforce before the connector came."""
    client = SalesforceClient.for_org(demo.store.salesforce_org)
    results = client.create_many("Contact", list(rows))
    assert all(r.ok for r in results), [r.error for r in results]
    return [r.id for r in results]


def test_a_contact_already_in_salesforce_is_matched_by_email_and_claimed(demo):
    customer = first_customer(demo)
    [existing] = existing_contacts(demo, {"LastName": "Before", "Email": customer["email"]})
    run = import_now(demo.store, "customer")
    assert run.failed == 0
    mine = [c for c in salesforce("Contact") if c["Email"] == customer["email"]]
    assert [c["Id"] for c in mine] == [existing]
    assert mine[0]["LastName"] == customer["last_name"]
    assert mine[0]["BigCommerce_ID__c"] == f"{demo.store.store_hash}:1"
    assert import_now(demo.store, "customer").unchanged == 25


def test_a_record_deleted_in_salesforce_is_made_again_at_its_next_change(demo):
    import_now(demo.store, "product")
    client = SalesforceClient.for_org(demo.store.salesforce_org)
    entry = salesforce("PricebookEntry")[0]
    product = next(p for p in salesforce("Product2") if p["Id"] == entry["Product2Id"])
    assert client.delete_many([entry["Id"]])[0].ok
    product_id = int(product["BigCommerce_ID__c"].split(":")[1])
    bigcommerce(demo.store).call("PUT", f"v3/catalog/products/{product_id}", json={"price": 99.5})

    assert import_now(demo.store, "product", kind="incremental").failed == 0
    [again] = [e for e in salesforce("PricebookEntry") if e["Product2Id"] == product["Id"]]
    assert again["Id"] != entry["Id"] and again["UnitPrice"] == 99.5


def test_several_matches_skip_the_record_and_say_why(demo):
    customer = first_customer(demo)
    existing_contacts(
        demo,
        {"LastName": "One", "Email": customer["email"]},
        {"LastName": "Two", "Email": customer["email"]},
    )
    run = import_now(demo.store, "customer")
    entry = SyncLogEntry.objects.get(run=run, source="customer", source_id="1")
    assert entry.outcome == Outcome.FAILED and entry.error_code == "MULTIPLE_MATCHES"
    assert "2 Contact records match Email" in entry.error_message
    assert run.failed == 1 and run.created == 24


def test_several_matches_update_the_oldest_when_the_setting_says_so(demo):
    customer = first_customer(demo)
    oldest, _ = existing_contacts(
        demo,
        {"LastName": "One", "Email": customer["email"]},
        {"LastName": "Two", "Email": customer["email"]},
    )
    ObjectSetting.objects.filter(store=demo.store, source="customer").update(
        multiple_matches=MultipleMatches.OLDEST
    )
    assert import_now(demo.store, "customer").failed == 0
    contact = next(c for c in salesforce("Contact") if c["Id"] == oldest)
    assert contact["BigCommerce_ID__c"] == f"{demo.store.store_hash}:1"


def test_matching_by_email_and_name_needs_both_to_be_equal(demo):
    customer = first_customer(demo)
    existing_contacts(demo, {"LastName": "Someone Else", "Email": customer["email"]})
    setting = ObjectSetting.objects.get(store=demo.store, source="customer")
    MatchingRule.objects.filter(setting=setting, target_object="Contact").update(
        fields=[["email", "Email"], ["last_name", "LastName"]]
    )
    assert import_now(demo.store, "customer").failed == 0
    same_email = [c for c in salesforce("Contact") if c["Email"] == customer["email"]]
    assert len(same_email) == 2  # the other person's Contact was left alone


def test_wholesale_customers_get_the_wholesale_account_record_type(demo):
    wholesale = next(
        r["Id"]
        for r in salesforce("RecordType")
        if (r["SobjectType"], r["DeveloperName"]) == ("Account", "Wholesale")
    )
    setting = ObjectSetting.objects.get(store=demo.store, source="customer")
    RecordTypeMapping.objects.create(
        setting=setting,
        target_object="Account",
        path="customer_group.name",
        operator="eq",
        value="Wholesale",
        record_type="Wholesale",
    )
    assert import_now(demo.store, "customer").failed == 0
    customers = {str(c["id"]): c for c in bigcommerce(demo.store).iter_v3("v3/customers")}
    groups = {g["id"]: g["name"] for g in bigcommerce(demo.store).iter_v2("v2/customer_groups")}
    typed = 0
    for account in salesforce("Account"):
        customer = customers[account["BigCommerce_ID__c"].split(":")[1]]
        is_wholesale = groups.get(customer["customer_group_id"]) == "Wholesale"
        assert (account.get("RecordTypeId") == wholesale) == is_wholesale
        typed += is_wholesale
    assert typed > 0


def test_a_metafield_is_mapped_like_a_field(demo):
    setting = ObjectSetting.objects.get(store=demo.store, source="product")
    FieldMapping.objects.filter(setting=setting, target_field="Description").update(
        kind="template", source="Bin {metafields.warehouse.bin}"
    )
    assert import_now(demo.store, "product").failed == 0
    descriptions = {p["Description"] for p in salesforce("Product2")}
    assert descriptions <= {"Bin A1", "Bin B4", "Bin C2", "Bin D7"} and len(descriptions) > 1


def test_a_category_metafield_is_mapped_like_a_field(demo):
    setting = ObjectSetting.objects.get(store=demo.store, source="category")
    FieldMapping.objects.filter(setting=setting, target_field="Description__c").update(
        source="metafields.merchandising.banner"
    )
    run = import_now(demo.store, "category")
    assert (run.status, run.failed) == ("succeeded", 0), run.error
    banners = {c["Name"]: c.get("Description__c") for c in salesforce("BigCommerce_Category__c")}
    assert banners["Sale"] == "Summer sale"


@pytest.mark.parametrize(
    ("action", "contacts_left", "links_left"),
    [(DeleteAction.NOTHING, 25, 50), (DeleteAction.UNLINK, 25, 48), (DeleteAction.DELETE, 24, 48)],
)
def test_a_customer_deleted_in_bigcommerce_follows_the_delete_action(
    demo, action, contacts_left, links_left
):
    import_now(demo.store, "customer")
    ObjectSetting.objects.filter(store=demo.store, source="customer").update(on_delete=action)
    delete_records(demo.store, "customer", ["1"])
    assert len(salesforce("Contact")) == contacts_left
    assert IdentityLink.objects.filter(store=demo.store, source_type="customer").count() == (
        links_left
    )
    entry = SyncLogEntry.objects.filter(source="customer", source_id="1").first()
    assert "Deleted in BigCommerce" in entry.error_message


def test_a_cancelled_run_stops_before_its_next_page(demo):
    run = SyncRun.objects.create(
        store=demo.store, source="order", kind="full", status="running", cancel_requested=True
    )
    run = runner.execute(run)
    assert run.status == SyncRun.Status.CANCELLED and run.watermark_to is None
    assert salesforce("Order") == []


def test_a_paused_store_imports_nothing(demo):
    demo.store.is_active = False
    demo.store.save()
    run = import_now(demo.store, "customer")
    assert run.status == SyncRun.Status.CANCELLED and "paused" in run.error
    assert salesforce("Contact") == []
