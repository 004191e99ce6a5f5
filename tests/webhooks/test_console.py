"""The console's webhook pages: who sees what, who may act, and no secret in sight."""

import pytest
from django.urls import reverse
from django.utils import timezone

from sync.models import SyncRun
from tests.webhooks.conftest import SECRET
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable(settings, monkeypatch):
    """BigCommerce cannot be reached: the page says so and shows the rest."""
    from integrations.errors import TransientError
    from webhooks import registration

    def refuse(store):
        raise TransientError("connection refused", system="BigCommerce")

    settings.CONNECTOR_PUBLIC_URL = "https://connector.example.com"
    monkeypatch.setattr(registration, "scope_states", refuse)


def add_event(store, status="processed", **fields):
    return WebhookEvent.objects.create(
        store=store,
        scope="store/order/updated",
        source="order",
        source_id="250",
        received_at=timezone.now(),
        status=status,
        **fields,
    )


def test_a_viewer_sees_events_and_their_runs_but_never_the_secret(
    client_for, victor, hook_store, unreachable
):
    run = SyncRun.objects.create(store=hook_store, source="order", kind="records")
    add_event(hook_store, run=run)
    add_event(hook_store, status="failed", error="Salesforce refused it")

    page = client_for(victor).get(reverse("webhook_status", args=[hook_store.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert SECRET not in html and SECRET[-4:] in html
    assert reverse("run_detail", args=[hook_store.pk, run.pk]) in html
    assert "https://connector.example.com/webhooks/bigcommerce/" in html
    assert "connection refused" in html
    assert "Register webhooks" not in html and "Replay 1 failed" not in html


def test_an_outsider_gets_404(client_for, bob, hook_store, unreachable):
    response = client_for(bob).get(reverse("webhook_status", args=[hook_store.pk]))
    assert response.status_code == 404


def test_registering_needs_the_admin_role(client_for, oscar, hook_store):
    response = client_for(oscar).post(reverse("webhook_register", args=[hook_store.pk]))
    assert response.status_code == 403


def test_an_operator_replays_a_failed_event(client_for, oscar, hook_store, drains):
    failed = add_event(hook_store, status="failed", error="boom")
    client = client_for(oscar)

    detail = client.get(reverse("webhook_event", args=[hook_store.pk, failed.pk]))
    assert "boom" in detail.content.decode() and "Replay" in detail.content.decode()
    response = client.post(reverse("webhook_event_replay", args=[hook_store.pk, failed.pk]))

    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "pending"


def test_a_viewer_may_not_replay(client_for, victor, hook_store):
    failed = add_event(hook_store, status="failed")
    url = reverse("webhook_replay_failed", args=[hook_store.pk])
    assert client_for(victor).post(url).status_code == 403
    failed.refresh_from_db()
    assert failed.status == "failed"


def test_the_event_page_shows_the_records_log_in_its_run(client_for, alice, hook_store):
    from sync.models import SyncLogEntry

    run = SyncRun.objects.create(store=hook_store, source="order", kind="records")
    event = add_event(hook_store, run=run)
    entry = SyncLogEntry.objects.create(
        store=hook_store,
        run=run,
        source="order",
        source_id="250",
        outcome="updated",
        target_object="Order",
        target_id="801000000000001AAA",
    )

    page = client_for(alice).get(reverse("webhook_event", args=[hook_store.pk, event.pk]))

    assert reverse("log_detail", args=[entry.pk]) in page.content.decode()


def test_the_store_page_links_to_its_webhooks(client_for, victor, hook_store):
    page = client_for(victor).get(reverse("store_detail", args=[hook_store.pk]))
    assert reverse("webhook_status", args=[hook_store.pk]) in page.content.decode()
