"""Changing an org, or its schema in Salesforce, takes effect at once."""

import pytest

from mappings.models import FieldMapping
from sandbox.salesforce import services as sf_services
from sandbox.salesforce.custom_schema import define_custom_field
from sandbox.salesforce.models import Org
from sandbox.salesforce.records import all_records
from stores.models import AuthFlow, SalesforceOrg, Store
from stores.services import connect_org, save_org
from sync.identity import save_links
from sync.models import SyncRun
from tests.conftest import make_org
from tests.sync.conftest import import_now, salesforce, sandbox_org


def map_customer_field(store, target_field: str, source: str) -> None:
    setting = store.object_settings.get(source="customer")
    FieldMapping.objects.create(
        setting=setting, target_object="Contact", target_field=target_field, source=source
    )


@pytest.mark.django_db(transaction=True)
def test_a_field_added_in_salesforce_is_seen_by_the_next_run_despite_cached_describes(demo):
    assert import_now(demo.store, "customer").status == "succeeded"  # describes are cached now
    define_custom_field(sandbox_org(), "Contact", "Loyalty_Note__c", "text", length=80)
    map_customer_field(demo.store, "Loyalty_Note__c", "notes")

    run = import_now(demo.store, "customer")

    assert run.status == SyncRun.Status.SUCCEEDED, run.error
    assert any("Loyalty_Note__c" in contact for contact in salesforce("Contact"))


@pytest.mark.django_db(transaction=True)
def test_a_mapping_of_a_field_that_really_is_missing_still_stops_the_run(demo):
    map_customer_field(demo.store, "No_Such_Field__c", "notes")
    run = import_now(demo.store, "customer")
    assert run.status == SyncRun.Status.FAILED
    assert "No_Such_Field__c" in run.error


@pytest.mark.django_db(transaction=True)
def test_editing_or_refreshing_an_org_makes_every_worker_read_its_schema_again(demo, owner, client):
    org = demo.store.salesforce_org
    before = org.schema_generation
    client.force_login(owner)
    response = client.post(f"/orgs/{org.pk}/refresh-fields/")
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.schema_generation == before + 1
    org.api_version = "61.0"
    save_org(org, ["api_version"])
    assert SalesforceOrg.objects.get(pk=org.pk).schema_generation == before + 2


@pytest.mark.django_db
def test_a_viewer_cannot_refresh_an_orgs_fields(client_for, victor, store_a):
    org = store_a.salesforce_org
    response = client_for(victor).post(f"/orgs/{org.pk}/refresh-fields/")
    assert response.status_code in (403, 404)
    org.refresh_from_db()
    assert org.schema_generation == 0


def second_sandbox_org(base_url: str, owner) -> SalesforceOrg:
    credentials = sf_services.provision_org(name="Second org")
    org = SalesforceOrg.objects.create(
        name="Second org",
        is_sandbox=True,
        created_by=owner,
        login_url=base_url,
        auth_flow=AuthFlow.JWT_BEARER,
        client_id=credentials.client_id,
        username=credentials.username,
        private_key=credentials.private_key_pem,
    )
    connect_org(org)
    return org


@pytest.mark.django_db(transaction=True)
def test_a_store_moved_to_another_org_imports_afresh_there_and_keeps_its_old_links(
    demo, owner, live_server
):
    first_org = demo.store.salesforce_org
    assert import_now(demo.store, "customer").created == 25
    second = second_sandbox_org(live_server.url, owner)

    Store.objects.filter(pk=demo.store.pk).update(salesforce_org=second)
    demo.store.refresh_from_db()
    moved = import_now(demo.store, "customer")
    assert (moved.status, moved.created, moved.unchanged) == ("succeeded", 25, 0)
    contacts = all_records(Org.objects.get(name="Second org"), "Contact")
    assert len([c for c in contacts if c.get("BigCommerce_ID__c")]) == 25

    Store.objects.filter(pk=demo.store.pk).update(salesforce_org=first_org)
    demo.store.refresh_from_db()
    back = import_now(demo.store, "customer")
    assert (back.created, back.unchanged) == (0, 25)


@pytest.mark.django_db
def test_moving_a_store_with_synced_records_to_another_org_asks_to_confirm(
    client_for, alice, store_a
):
    save_links(store_a, "customer", "Contact", [("5", "003000000000005AAA", "")])
    other = make_org("Org B")
    other.created_by = alice
    other.save()
    data = {
        "name": store_a.name,
        "store_hash": store_a.store_hash,
        "api_base_url": store_a.api_base_url,
        "time_zone": "UTC",
        "is_active": "on",
        "log_retention_days": "30",
        "salesforce_org": str(other.pk),
    }
    client = client_for(alice)
    refused = client.post(f"/stores/{store_a.pk}/edit/", data)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "This store has 1 record synced with Org A" in page
    assert "tick the box to confirm" in page
    store_a.refresh_from_db()
    assert store_a.salesforce_org.name == "Org A"

    moved = client.post(f"/stores/{store_a.pk}/edit/", {**data, "confirm_org_change": "on"})
    assert moved.status_code == 302
    store_a.refresh_from_db()
    assert store_a.salesforce_org == other
