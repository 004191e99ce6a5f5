"""The record page: one record's links, its values in both systems now, and its timeline."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from integrations.salesforce.client import SalesforceClient
from mappings.defaults import apply_default_template
from mappings.models import ObjectSetting
from sync.models import IdentityLink, Outcome, SyncLogEntry, SyncRun
from sync.runs import import_records
from tests.logs.test_log_views import API_TOKEN, recorded_call
from tests.sync.conftest import bigcommerce, salesforce
from tests.webhooks.conftest import Callbacks, payload
from webhooks import drain
from webhooks.models import WebhookEvent

SECRET = "record-page-webhook-secret-0123456789"


def page_url(store, source="customer", source_id="42", **params):
    url = reverse("record_detail", args=[store.pk, source, source_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def live_url(store, source="customer", source_id="42"):
    return reverse("record_live", args=[store.pk, source, source_id])


def row(store, source_id="42", outcome=Outcome.UPDATED, **fields):
    fields = {"source": "customer", **fields}
    return SyncLogEntry.objects.create(store=store, source_id=source_id, outcome=outcome, **fields)


def event(store, source_id="42", **fields):
    fields = {"scope": "store/customer/updated", "received_at": timezone.now(), **fields}
    return WebhookEvent.objects.create(
        store=store, source="customer", source_id=source_id, **fields
    )


def text(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


# --- the page, from the database -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_failed_attempt_offers_operators_a_resync_and_its_masked_calls(
    client_for, oscar, store_a
):
    failed = row(
        store_a,
        outcome=Outcome.FAILED,
        target_object="Contact",
        error_code="REQUIRED_FIELD_MISSING",
        error_message="Required fields are missing: [LastName]",
        calls=[recorded_call()],
    )
    row(store_a, outcome=Outcome.UPDATED, source_id="43")  # another record
    page = text(client_for(oscar).get(page_url(store_a)))

    assert f'action="/logs/{failed.pk}/resync/"' in page
    assert ">Re-sync</button>" in page
    assert "REQUIRED_FIELD_MISSING" in page
    assert "PATCH /services/data/v62.0/composite/sobjects/Contact/BC_External_Id__c" in page
    assert '"session_id": "••••"' in page and '"LastName": "Lovelace"' in page
    assert API_TOKEN not in page
    assert f"Log row #{failed.pk + 1}" not in page

    response = client_for(oscar).post(f"/logs/{failed.pk}/resync/")
    run = SyncRun.objects.get()
    assert response.url == f"/stores/{store_a.pk}/runs/{run.pk}/"
    assert (run.kind, run.source_ids) == (SyncRun.Kind.RESYNC, ["42"])


@pytest.mark.django_db
def test_viewers_see_no_action_and_non_members_see_nothing(client_for, victor, bob, store_a):
    apply_default_template(store_a)
    ObjectSetting.objects.filter(store=store_a, source="customer").update(direction="both")
    link(store_a)
    row(store_a, outcome=Outcome.FAILED, error_message="Refused")
    page = text(client_for(victor).get(page_url(store_a)))
    assert "Refused" in page
    for action in ("Import from BigCommerce", "Export to BigCommerce", "Re-sync", "<form method"):
        assert action not in page.split("</header>", 1)[1], action

    client = client_for(bob)
    assert client.get(page_url(store_a)).status_code == 404
    assert client.get(live_url(store_a)).status_code == 404


def link(store, **fields):
    fields = {
        "org": store.salesforce_org,
        "source_type": "customer",
        "source_id": "42",
        "target_object": "Contact",
        "target_id": "003000000000042AAA",
        **fields,
    }
    return IdentityLink.objects.create(store=store, **fields)


@pytest.mark.django_db
def test_exports_echoes_and_conflicts_are_found_through_the_link_and_explained(
    client_for, oscar, store_a
):
    apply_default_template(store_a)
    ObjectSetting.objects.filter(store=store_a, source="customer").update(direction="both")
    linked = link(
        store_a,
        values_hash="a" * 64,
        export_hash="b" * 64,
        synced_values={"email": "ada@example.com"},
        exported_at=timezone.now(),
    )
    row(
        store_a,
        "003000000000042AAA",
        Outcome.UNCHANGED,
        direction="export",
        target_object="customer",
        target_id="42",
    )
    conflict = {"field": "email", "salesforce": "sf@x.com", "bigcommerce": "bc@x.com"}
    row(
        store_a,
        values={
            "Contact": {"Email": "bc@x.com"},
            "conflicts": [{**conflict, "kept": "salesforce"}],
        },
        error_message="email was changed on both sides",
    )
    row(store_a, "003000000000099AAA", Outcome.UPDATED, direction="export")  # another record

    page = text(client_for(oscar).get(page_url(store_a)))

    assert page.count('class="moment moment-log"') == 2
    assert "Echo skipped" in page
    assert "Changed on both sides since the last sync" in page
    assert "<td>sf@x.com</td><td>bc@x.com</td><td>Salesforce</td>" in page
    assert f'<code title="{"a" * 64}">aaaaaaaaaaaa…</code>' in page
    assert f'<code title="{"b" * 64}">bbbbbbbbbbbb…</code>' in page
    assert '"email": "ada@example.com"' in page
    assert f'value="{linked.target_id}"' in page and "Export to BigCommerce</button>" in page
    assert "Import from BigCommerce</button>" in page


@pytest.mark.django_db
def test_the_timeline_is_capped_pages_to_older_moments_and_costs_few_queries(
    client_for, victor, store_a, django_assert_max_num_queries
):
    start = timezone.now() - timedelta(days=1)
    run = SyncRun.objects.create(store=store_a, source="customer", kind=SyncRun.Kind.RECORDS)
    for n in range(130):
        entry = row(store_a, run=run, calls=[recorded_call()])
        SyncLogEntry.objects.filter(pk=entry.pk).update(created_at=start + timedelta(minutes=n))
    for n in range(20):
        event(store_a, received_at=start + timedelta(minutes=n, seconds=30), run=run)
    client = client_for(victor)

    with django_assert_max_num_queries(10):
        first = client.get(page_url(store_a))
    moments = first.context["timeline"].moments
    assert len(moments) == 100
    assert moments[0].at == start + timedelta(minutes=129)
    assert [m.at for m in moments] == sorted((m.at for m in moments), reverse=True)
    assert "Older →" in text(first)

    older = client.get(page_url(store_a), {"before": first.context["older"]})
    rest = older.context["timeline"].moments
    assert len(rest) == 50 and rest[-1].at == start
    assert older.context["timeline"].older is None
    assert "Newest" in text(older) and "Older →" not in text(older)

    assert client.get(page_url(store_a), {"before": "yesterday"}).status_code == 400


@pytest.mark.django_db
def test_a_failing_live_read_is_explained_in_its_panel(client_for, victor, store_a):
    store_a.api_base_url = "http://127.0.0.1:9/closed"
    store_a.save()
    apply_default_template(store_a)
    response = client_for(victor).get(live_url(store_a), HTTP_HX_REQUEST="true")
    panel = text(response)
    assert "<html" not in panel
    assert "BigCommerce could not be read" in panel
    assert "No Contact is linked to this record." in panel
    assert "BigCommerce could not be read" in text(client_for(victor).get(live_url(store_a)))
    assert client_for(victor).post(live_url(store_a)).status_code == 405


# --- end to end: a real import, a webhook, and both systems read live ----------------------------


@pytest.fixture
def queued_drains(monkeypatch):
    from webhooks import tasks

    queued = []
    monkeypatch.setattr(tasks.drain_inbox, "delay", queued.append)
    return queued


def rename(store, customer_id: int, last_name: str) -> None:
    bigcommerce(store).call(
        "PUT", "v3/customers", json=[{"id": customer_id, "last_name": last_name}]
    )


@pytest.mark.django_db(transaction=True)
def test_a_customers_page_shows_its_webhook_run_calls_link_and_live_differences(
    demo, client, live_server, settings, queued_drains
):
    store = demo.store
    store.webhook_secret = SECRET
    store.save()
    client.force_login(demo.store.memberships.get().user)
    callbacks = Callbacks(live_server.url, settings.WEBHOOK_SECRET_HEADER)

    first = import_records(store, "customer", ["3"], trigger="manual")
    rename(store, 3, "Renamed")
    sent = payload("store/customer/updated", {"type": "customer", "id": 3})
    assert callbacks.post(store.pk, sent, secret=SECRET).status_code == 200
    drain.drain(store.pk)
    hooked = WebhookEvent.objects.get(store=store, source_id="3")
    assert hooked.status == "processed" and hooked.run is not None

    page = text(client.get(page_url(store, "customer", "3")))
    assert "store/customer/updated" in page and f"Event #{hooked.pk}" in page
    assert f"Run #{hooked.run.pk}" in page and f"Run #{first.pk}" in page
    assert page.index(f"Run #{hooked.run.pk}") < page.index(f"Run #{first.pk}"), "newest first"
    assert "PATCH /services/data/v62.0/composite/sobjects/Contact/BigCommerce_ID__c" in page
    assert '<span class="badge ok">200</span>' in page
    contact = IdentityLink.objects.get(store=store, source_id="3", target_object="Contact")
    assert f"<code>{contact.target_id}</code>" in page
    assert f'<code title="{contact.values_hash}">{contact.values_hash[:12]}…</code>' in page

    live = text(client.get(live_url(store, "customer", "3"), HTTP_HX_REQUEST="true"))
    assert '"last_name": "Renamed"' in live
    assert 'class="differs"' not in live

    sf = SalesforceClient.for_org(store.salesforce_org)
    results = sf.update_many("Contact", [{"Id": contact.target_id, "LastName": "Changed in SF"}])
    assert all(result.ok for result in results)
    live = text(client.get(live_url(store, "customer", "3"), HTTP_HX_REQUEST="true"))
    differing = live.split('<tr class="differs">')[1:]
    assert len(differing) == 1
    assert "<code>LastName</code>" in differing[0]
    assert "<td>Renamed</td>" in differing[0] and "<td>Changed in SF</td>" in differing[0]
    assert '<span class="badge warn">1 difference</span>' in live

    rename(store, 3, "L" * 90)  # more than a Contact's LastName holds
    resent = payload(
        "store/customer/updated", {"type": "customer", "id": 3}, created_at=1_760_000_100
    )
    assert callbacks.post(store.pk, resent, secret=SECRET).status_code == 200
    drain.drain(store.pk)
    failed = SyncLogEntry.objects.get(store=store, source_id="3", outcome=Outcome.FAILED)
    page = text(client.get(page_url(store, "customer", "3")))
    assert f'action="/logs/{failed.pk}/resync/"' in page
    assert "STRING_TOO_LONG" in page
    assert '"LastName": "' + "L" * 90 in page, "the failed call's request body is shown"
    assert store.access_token not in page
    assert len([c for c in salesforce("Contact") if c["Id"] == contact.target_id]) == 1
