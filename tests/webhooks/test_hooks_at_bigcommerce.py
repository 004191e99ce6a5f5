"""Registering hooks in the BigCommerce emulator, real callbacks, and the health check."""

import pytest

from mappings.models import ObjectSetting
from sandbox.bigcommerce.models import Hook
from tests.webhooks.conftest import wait_until
from webhooks import registration
from webhooks.models import RegisteredHook, WebhookEvent
from webhooks.scopes import scopes_for

pytestmark = pytest.mark.django_db(transaction=True)

PERSON = {"email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace"}


def only_realtime(store, *sources) -> None:
    """Fewer hooks, for a faster test: each one is an API call."""
    ObjectSetting.objects.filter(store=store).exclude(source__in=sources).update(realtime=False)


def emulator_hooks(store) -> dict[str, Hook]:
    return {hook.scope: hook for hook in Hook.objects.filter(store=store.emulated)}


def test_register_creates_a_hook_per_needed_scope_with_the_secret_header(sandbox_store, settings):
    changes = registration.register(sandbox_store)

    sandbox_store.refresh_from_db()
    hooks = emulator_hooks(sandbox_store)
    wanted = scopes_for(["customer", "category", "product", "order", "refund"])
    assert sorted(changes.created) == sorted(hooks) == wanted
    url = f"{settings.CONNECTOR_PUBLIC_URL}/webhooks/bigcommerce/{sandbox_store.pk}/"
    for hook in hooks.values():
        assert hook.destination == url and hook.is_active
        assert hook.headers == {settings.WEBHOOK_SECRET_HEADER: sandbox_store.webhook_secret}
    assert RegisteredHook.objects.filter(store=sandbox_store).count() == len(wanted)


def test_register_twice_changes_nothing_and_reactivates_what_was_off(sandbox_store):
    only_realtime(sandbox_store, "order")
    registration.register(sandbox_store)
    Hook.objects.filter(scope="store/order/updated").update(is_active=False)

    changes = registration.register(sandbox_store)

    assert changes.created == [] and changes.removed == []
    assert changes.updated == ["store/order/updated"]
    assert all(hook.is_active for hook in emulator_hooks(sandbox_store).values())
    assert Hook.objects.count() == len(changes.unchanged) + 1


def test_register_follows_the_object_settings(sandbox_store):
    only_realtime(sandbox_store, "order", "category")
    registration.register(sandbox_store)
    only_realtime(sandbox_store, "category")

    changes = registration.register(sandbox_store)

    assert sorted(emulator_hooks(sandbox_store)) == scopes_for(["category"])
    assert "store/order/created" in changes.removed
    assert RegisteredHook.objects.filter(store=sandbox_store).count() == len(
        scopes_for(["category"])
    )


def test_unregister_removes_the_hooks_and_is_idempotent(sandbox_store):
    only_realtime(sandbox_store, "refund")
    registration.register(sandbox_store)

    assert registration.unregister(sandbox_store).removed
    assert registration.unregister(sandbox_store).removed == []
    assert not Hook.objects.exists()
    assert not RegisteredHook.objects.exists()


def test_a_change_in_the_store_arrives_as_a_pending_event(sandbox_store, seeded_api, drains):
    only_realtime(sandbox_store, "customer")
    registration.register(sandbox_store)

    customer = seeded_api.post("v3/customers", json=[PERSON]).json()["data"][0]
    seeded_api.put("v3/customers", json=[{"id": customer["id"], "notes": "changed"}])

    wait_until(lambda: WebhookEvent.objects.count() >= 2)
    events = WebhookEvent.objects.order_by("id")
    assert [(e.scope, e.source_id, e.status) for e in events] == [
        ("store/customer/created", str(customer["id"]), "pending"),
        ("store/customer/updated", str(customer["id"]), "pending"),
    ]
    assert drains == [sandbox_store.pk]


def test_a_status_change_arrives_as_status_updated_and_updated_events_of_the_order(
    sandbox_store, seeded_api, drains
):
    only_realtime(sandbox_store, "order")
    registration.register(sandbox_store)
    assert "store/order/statusUpdated" in emulator_hooks(sandbox_store)
    order = seeded_api.get("v2/orders", params={"limit": 1}).json()[0]
    new_status = 11 if order["status_id"] != 11 else 10

    seeded_api.put(f"v2/orders/{order['id']}", json={"status_id": new_status})

    wait_until(lambda: WebhookEvent.objects.count() >= 2)
    events = WebhookEvent.objects.order_by("id")
    assert [(e.scope, e.source, e.source_id, e.action, e.status) for e in events] == [
        ("store/order/statusUpdated", "order", str(order["id"]), "upsert", "pending"),
        ("store/order/updated", "order", str(order["id"]), "upsert", "pending"),
    ]


def test_the_health_check_reactivates_a_deactivated_hook_and_backfills_from_the_last_event(
    sandbox_store, seeded_api, drains, started_runs
):
    only_realtime(sandbox_store, "order")
    registration.register(sandbox_store)
    order_id = seeded_api.get("v2/orders", params={"limit": 1}).json()[0]["id"]
    seeded_api.put(f"v2/orders/{order_id}", json={"staff_notes": "seen"})
    wait_until(lambda: WebhookEvent.objects.filter(source="order").exists())
    last_order_event = WebhookEvent.objects.filter(source="order").latest("received_at")
    Hook.objects.filter(scope="store/order/updated").update(
        is_active=False
    )  # after 48 h of failures

    health = registration.check(sandbox_store)

    assert health.revived == ["store/order/updated"]
    assert emulator_hooks(sandbox_store)["store/order/updated"].is_active
    from sync.models import SyncRun

    run = SyncRun.objects.get()
    assert (run.source, run.kind, run.trigger) == ("order", "incremental", "backfill")
    assert run.watermark_from == last_order_event.received_at
    assert started_runs == [run.pk]
    assert health.backfills == {"order": run.pk}


def test_the_health_check_recreates_a_deleted_hook_and_says_when_a_run_is_busy(
    sandbox_store, drains, started_runs
):
    from sync import runs

    only_realtime(sandbox_store, "category")
    registration.register(sandbox_store)
    Hook.objects.filter(scope="store/category/created").delete()
    runs.start_run(sandbox_store, "category")

    health = registration.check(sandbox_store)

    assert health.revived == ["store/category/created"]
    assert "store/category/created" in emulator_hooks(sandbox_store)
    assert "already queued or running" in health.backfills["category"]


def test_a_healthy_store_is_left_alone_until_it_has_been_silent_too_long(
    sandbox_store, drains, started_runs, settings
):
    only_realtime(sandbox_store, "refund", "customer")
    registration.register(sandbox_store)

    assert registration.check(sandbox_store).backfills == {}

    settings.WEBHOOK_SILENCE_SECONDS = 0
    backfills = registration.check(sandbox_store).backfills
    assert sorted(backfills) == ["customer", "refund"]
