"""Draining into the real import pipeline (BigCommerce and Salesforce emulators over HTTP):
a record that cannot be imported fails alone, with its own error; the others go through."""

from collections import Counter

import pytest
from django.utils import timezone

from integrations.bigcommerce.client import BigCommerceClient
from sandbox.bigcommerce.models import Customer
from sandbox.salesforce.models import Org
from sandbox.salesforce.records import all_records
from sandbox.services import DEMO_ORG_NAME, ensure_demo_environment
from stores.services import connect_org
from sync.pipeline.importers.people import CustomerImporter
from webhooks import drain
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_store(live_server, django_user_model, drains):
    owner = django_user_model.objects.create_superuser("owner", "o@example.com", "pw")
    environment = ensure_demo_environment(owner, live_server.url)
    connect_org(environment.org)
    environment.store.refresh_from_db()
    return environment.store


def customer_ids(store, count: int) -> list[str]:
    rows = Customer.objects.filter(store__store_hash=store.store_hash).order_by("bc_id")
    return [str(bc_id) for bc_id in rows.values_list("bc_id", flat=True)[:count]]


def updated(store, source_id: str) -> WebhookEvent:
    return WebhookEvent.objects.create(
        store=store,
        scope="store/customer/updated",
        source="customer",
        source_id=source_id,
        received_at=timezone.now(),
    )


def contacts(store) -> Counter:
    prefix = f"{store.store_hash}:"
    org = Org.objects.get(name=DEMO_ORG_NAME)
    return Counter(
        (contact.get("BigCommerce_ID__c") or "").removeprefix(prefix)
        for contact in all_records(org, "Contact")
    )


def statuses(events) -> dict[str, str]:
    return {
        e.source_id: e.status for e in WebhookEvent.objects.filter(pk__in=[e.pk for e in events])
    }


def test_an_event_with_a_bad_id_in_the_inbox_does_not_take_real_customers_down(demo_store):
    """Such an event can only predate the receiver's checks; it fails alone, for good."""
    ids = customer_ids(demo_store, 4)
    good = [updated(demo_store, source_id) for source_id in ids]
    bad = updated(demo_store, "../../etc")

    assert drain.drain(demo_store.pk) == 5

    assert statuses(good) == dict.fromkeys(ids, "processed")
    bad.refresh_from_db()
    assert (bad.status, bad.retry_at, bad.attempts) == ("failed", None, 1)
    assert "'../../etc'" in bad.error
    assert all(contacts(demo_store)[source_id] == 1 for source_id in ids)


def test_a_customer_whose_import_raises_fails_alone_and_is_tried_again_later(
    demo_store, monkeypatch
):
    ids = customer_ids(demo_store, 6)
    culprit = ids[2]
    honest = CustomerImporter.fetch

    def fetch(self, chosen):
        if culprit in map(str, chosen):
            raise RuntimeError(f"customer {culprit} cannot be read")
        return honest(self, chosen)

    monkeypatch.setattr(CustomerImporter, "fetch", fetch)
    events = [updated(demo_store, source_id) for source_id in ids]

    drain.drain(demo_store.pk)

    assert statuses(events) == {i: "failed" if i == culprit else "processed" for i in ids}
    failed = WebhookEvent.objects.get(source_id=culprit)
    assert failed.error == f"customer {culprit} cannot be read"
    assert failed.retry_at > timezone.now()
    found = contacts(demo_store)
    assert all(found[i] == 1 for i in ids if i != culprit)
    assert found[culprit] == 0


def test_a_customer_salesforce_refuses_fails_alone_with_salesforces_error(demo_store):
    ids = customer_ids(demo_store, 4)
    refused = ids[1]
    client = BigCommerceClient.for_store(demo_store)
    results = client.write_batch(
        "PUT", "v3/customers", [{"id": int(refused), "last_name": "L" * 90}]
    )
    assert all(result.ok for result in results)
    events = [updated(demo_store, source_id) for source_id in ids]

    drain.drain(demo_store.pk)

    assert statuses(events) == {i: "failed" if i == refused else "processed" for i in ids}
    failed = WebhookEvent.objects.get(source_id=refused)
    assert "STRING_TOO_LONG" in failed.error
    assert failed.retry_at is None, "Salesforce's verdict: trying again cannot succeed"
    assert failed.run is not None and failed.run.status != "failed"
