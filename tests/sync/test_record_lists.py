"""The record lists of a store: one per object, with each record's name, its Salesforce record
and its latest sync, the actions on rows and on many rows, filters, columns and saved views."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sync.models import IdentityLink, Outcome, SyncLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(org_a):
    org_a.instance_url = "https://acme.my.salesforce.com"
    org_a.save()
    return org_a


def link(store, source_id, *, source_type="order", target="Order", label="", target_id=None):
    return IdentityLink.objects.create(
        store=store,
        org_id=store.salesforce_org_id,
        source_type=source_type,
        source_id=str(source_id),
        target_object=target,
        target_id=target_id or f"801{int(source_id):015d}",
        label=label,
    )


def log(store, source_id, outcome, *, source="order", direction="import", ago=0):
    entry = SyncLogEntry.objects.create(
        store=store,
        source=source,
        source_id=str(source_id),
        outcome=outcome,
        direction=direction,
    )
    if ago:
        SyncLogEntry.objects.filter(pk=entry.pk).update(
            created_at=timezone.now() - timedelta(days=ago)
        )
    return entry


def rows(response) -> list[str]:
    """The BigCommerce ids of the rows shown."""
    table = response.context["table"]
    return [row.record.source_id for row in table.page.object_list]


def orders_url(store, **params):
    url = reverse("object_records", args=[store.pk, "orders"])
    return url


def test_the_list_shows_a_linked_record_with_its_name_salesforce_link_and_last_outcome(
    client_for, victor, store_a, org
):
    record = link(store_a, 101, label="Order #101 · Jane Doe")
    log(store_a, 101, Outcome.CREATED, ago=2)
    log(store_a, 101, Outcome.FAILED)
    link(store_a, 101, source_type="order", target="Account", target_id="001000000000000101")

    response = client_for(victor).get(orders_url(store_a))

    page = response.content.decode()
    assert response.status_code == 200
    assert rows(response) == ["101"]  # one row per record: the Order, not its other links
    assert "Order #101 · Jane Doe" in page
    lightning = f"https://acme.my.salesforce.com/lightning/r/Order/{record.target_id}/view"
    assert f'href="{lightning}"' in page
    assert '<span class="badge bad">Failed</span>' in page  # the latest row, not the first
    assert "Import →" in page


def test_a_link_made_before_names_were_kept_shows_a_dash_and_never_synced(
    client_for, victor, store_a, org
):
    link(store_a, 7, source_type="customer", target="Contact", target_id="003000000000000007")

    response = client_for(victor).get(reverse("object_records", args=[store_a.pk, "customers"]))

    cells = response.content.decode()
    assert rows(response) == ["7"]
    assert "—" in cells
    assert "Never synced" in cells


def test_orders_and_opportunities_are_two_lists(client_for, victor, store_a, org):
    link(store_a, 1, target="Order")
    link(store_a, 2, target="Opportunity", target_id="006000000000000002")
    client = client_for(victor)

    orders = client.get(reverse("object_records", args=[store_a.pk, "orders"]))
    opportunities = client.get(reverse("object_records", args=[store_a.pk, "opportunities"]))

    assert (rows(orders), rows(opportunities)) == (["1"], ["2"])


def test_a_store_the_user_is_not_a_member_of_is_not_found(client_for, bob, store_a, org):
    response = client_for(bob).get(orders_url(store_a))
    assert response.status_code == 404


def test_an_unknown_object_is_not_found(client_for, victor, store_a):
    response = client_for(victor).get(f"/stores/{store_a.pk}/records/widgets/")
    assert response.status_code == 404


def test_the_list_costs_the_same_queries_whatever_its_rows(client_for, oscar, store_a, org):
    client = client_for(oscar)
    link(store_a, 1)
    log(store_a, 1, Outcome.UPDATED)
    client.get(orders_url(store_a))  # warm: the session, the user
    with CaptureQueriesContext(connection) as few:
        client.get(orders_url(store_a))
    for source_id in range(2, 40):
        link(store_a, source_id)
        log(store_a, source_id, Outcome.FAILED)
    with CaptureQueriesContext(connection) as many:
        response = client.get(orders_url(store_a))
    assert len(rows(response)) == 39
    assert len(many.captured_queries) == len(few.captured_queries)
