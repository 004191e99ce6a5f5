"""Changing an org, or its schema in Salesforce, takes effect at once."""

import pytest

from mappings.models import FieldMapping
from sandbox.salesforce.custom_schema import define_custom_field
from stores.models import SalesforceOrg
from stores.services import save_org
from sync.models import SyncRun
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
