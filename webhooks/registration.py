"""The store's hooks at BigCommerce: register, unregister, show, and keep them alive.

Every hook the connector creates points at the store's receiver URL and carries the store's
secret in a custom header. Registering is idempotent: a hook of the same scope and destination
is updated (and re-activated), never duplicated. The health check re-activates hooks that
BigCommerce deactivated after failed deliveries, and backfills what was missed meanwhile with
an incremental import from the last event received.

These functions call BigCommerce: never call them inside a database transaction.
"""

import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from integrations.bigcommerce.client import BigCommerceClient
from integrations.errors import APIError
from mappings.models import ObjectSetting
from stores.models import Store
from sync import runs
from sync.models import SyncRun
from webhooks.inbox import last_received
from webhooks.models import RegisteredHook, StoreInbox
from webhooks.scopes import route_for, scopes_for

logger = logging.getLogger(__name__)


class RegistrationError(Exception):
    """Hooks cannot be registered as things are; the message says what to change."""


@dataclass
class Changes:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def destination(store: Store) -> str:
    base = settings.CONNECTOR_PUBLIC_URL.rstrip("/")
    if not base:
        raise RegistrationError(
            "Set CONNECTOR_PUBLIC_URL to the address where BigCommerce reaches the connector."
        )
    return base + reverse("webhook_receiver", args=[store.pk])


def wanted_scopes(store: Store) -> list[str]:
    """The scopes that the store's enabled, real-time object settings need."""
    settings_on = ObjectSetting.objects.filter(store=store, enabled=True, realtime=True)
    return scopes_for(settings_on.values_list("source", flat=True))


def secret_headers(store: Store) -> dict[str, str]:
    if not store.webhook_secret:
        store.webhook_secret = secrets.token_urlsafe(32)
        store.save(update_fields=["webhook_secret"])
    return {settings.WEBHOOK_SECRET_HEADER: store.webhook_secret}


def remote_hooks(client: BigCommerceClient, url: str) -> dict[str, dict]:
    """The store's hooks at this destination, by scope."""
    hooks = client.iter_v3("v3/hooks", {"destination": url})
    return {hook["scope"]: hook for hook in hooks if hook.get("destination") == url}


def register(store: Store) -> Changes:
    scopes = wanted_scopes(store)
    if not scopes:
        raise RegistrationError("No object of this store is set to sync in real time.")
    url, headers = destination(store), secret_headers(store)
    client = BigCommerceClient.for_store(store)
    remote, changes = remote_hooks(client, url), Changes()
    for scope in scopes:
        hook = remote.pop(scope, None)
        if hook is None:
            body = {"scope": scope, "destination": url, "is_active": True, "headers": headers}
            hook = client.call("POST", "v3/hooks", json=body)["data"]
            changes.created.append(scope)
        elif not hook.get("is_active") or hook.get("headers") != headers:
            body = {"is_active": True, "headers": headers}
            hook = client.call("PUT", f"v3/hooks/{hook['id']}", json=body)["data"]
            changes.updated.append(scope)
        else:
            changes.unchanged.append(scope)
        _remember(store, hook)
    for scope, hook in remote.items():
        client.call("DELETE", f"v3/hooks/{hook['id']}")
        changes.removed.append(scope)
    RegisteredHook.objects.filter(store=store).exclude(scope__in=scopes).delete()
    return changes


def unregister(store: Store) -> Changes:
    client = BigCommerceClient.for_store(store)
    changes = Changes()
    for scope, hook in remote_hooks(client, destination(store)).items():
        client.call("DELETE", f"v3/hooks/{hook['id']}")
        changes.removed.append(scope)
    RegisteredHook.objects.filter(store=store).delete()
    return changes


def _remember(store: Store, hook: dict) -> RegisteredHook:
    now = timezone.now()
    row, _ = RegisteredHook.objects.update_or_create(
        store=store,
        scope=hook["scope"],
        defaults={
            "hook_id": hook["id"],
            "destination": hook["destination"],
            "is_active": bool(hook.get("is_active")),
            "checked_at": now,
        },
        create_defaults={
            "hook_id": hook["id"],
            "destination": hook["destination"],
            "is_active": bool(hook.get("is_active")),
            "checked_at": now,
            "registered_at": now,
        },
    )
    return row


# --- status -------------------------------------------------------------------------------------
@dataclass
class ScopeState:
    scope: str
    wanted: bool
    hook_id: int | None = None
    is_active: bool | None = None  # None: no hook at BigCommerce


def scope_states(store: Store) -> list[ScopeState]:
    """Each scope the store needs or has a hook for, as BigCommerce reports it now."""
    wanted = set(wanted_scopes(store))
    remote = remote_hooks(BigCommerceClient.for_store(store), destination(store))
    states = []
    for scope in sorted(wanted | set(remote)):
        hook = remote.get(scope) or {}
        states.append(ScopeState(scope, scope in wanted, hook.get("id"), hook.get("is_active")))
    return states


# --- health -------------------------------------------------------------------------------------
def stores_with_hooks() -> list[int]:
    rows = RegisteredHook.objects.filter(store__is_active=True).values_list("store_id", flat=True)
    return sorted(set(rows))


@dataclass
class Health:
    revived: list[str] = field(default_factory=list)
    backfills: dict[str, int | str] = field(default_factory=dict)  # source: run id or refusal


def check(store: Store) -> Health:
    """Re-activate or re-create the store's lost hooks, and backfill the gap they left."""
    inbox, _ = StoreInbox.objects.get_or_create(store=store)
    try:
        health = Health(revived=_revive(store))
        sources = {route_for(scope).source for scope in health.revived if route_for(scope)}
        if _silent(store, inbox):
            sources |= _registered_sources(store)
        health.backfills = {source: _backfill(store, source) for source in sorted(sources)}
    except (APIError, RegistrationError) as exc:
        logger.warning("Webhook health check of store %s failed: %s", store.pk, exc)
        _note(inbox, error=str(exc))
        raise
    _note(inbox, backfilled=bool(health.backfills))
    return health


def _revive(store: Store) -> list[str]:
    client = BigCommerceClient.for_store(store)
    url, headers = destination(store), secret_headers(store)
    remote, revived = remote_hooks(client, url), []
    for row in RegisteredHook.objects.filter(store=store):
        hook = remote.get(row.scope)
        if hook is None:
            body = {"scope": row.scope, "destination": url, "is_active": True, "headers": headers}
            hook = client.call("POST", "v3/hooks", json=body)["data"]
            revived.append(row.scope)
        elif not hook.get("is_active"):
            hook = client.call("PUT", f"v3/hooks/{hook['id']}", json={"is_active": True})["data"]
            revived.append(row.scope)
        _remember(store, hook)
    return revived


def _silent(store: Store, inbox: StoreInbox) -> bool:
    """No event for longer than WEBHOOK_SILENCE_SECONDS, and no backfill since then."""
    quiet = timedelta(seconds=settings.WEBHOOK_SILENCE_SECONDS)
    now = timezone.now()
    last = last_received(store) or _first_registration(store)
    recent_backfill = inbox.backfilled_at and now - inbox.backfilled_at < quiet
    return last is not None and now - last > quiet and not recent_backfill


def _registered_sources(store: Store) -> set[str]:
    scopes = RegisteredHook.objects.filter(store=store).values_list("scope", flat=True)
    return {route_for(scope).source for scope in scopes if route_for(scope)}


def _first_registration(store: Store):
    row = RegisteredHook.objects.filter(store=store).order_by("registered_at").first()
    return row.registered_at if row else None


def _backfill(store: Store, source: str) -> int | str:
    """Start an incremental import from the last event of this source that arrived."""
    since = last_received(store, source) or _first_registration(store)
    try:
        run = runs.start_run(
            store, source, SyncRun.Kind.INCREMENTAL, trigger="backfill", since=since
        )
    except runs.RunRefused as exc:
        return str(exc)
    return run.pk


def _note(inbox: StoreInbox, *, error: str = "", backfilled: bool = False) -> None:
    inbox.checked_at, inbox.check_error = timezone.now(), error[:2000]
    fields = ["checked_at", "check_error"]
    if backfilled:
        inbox.backfilled_at = inbox.checked_at
        fields.append("backfilled_at")
    inbox.save(update_fields=fields)
