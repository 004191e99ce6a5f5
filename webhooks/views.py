from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from integrations.errors import APIError
from stores import access
from stores.models import Role
from sync.models import SyncLogEntry
from webhooks import inbox, receiver, registration, replay, salesforce
from webhooks.models import RegisteredHook, StoreInbox, WebhookEvent

RECENT_EVENTS = 50


@csrf_exempt
@login_not_required
@require_POST
@transaction.non_atomic_requests  # the insert commits on its own, in receiver.receive
def bigcommerce_callback(request, store_id):
    """BigCommerce's callback: authenticate, store, answer. The work happens in a drain task."""
    try:
        store = receiver.authenticated_store(store_id, request.headers.get(_secret_header(), ""))
        receiver.receive(store, _read_body(request))
    except receiver.Rejected as exc:
        return HttpResponse(exc.reason, status=exc.status, content_type="text/plain")
    return HttpResponse(status=200)


@csrf_exempt
@login_not_required
@require_POST
def salesforce_trigger(request, store_id):
    """Salesforce asks for records to be exported now (a Flow, quick action or Outbound
    Message); the token comes as `Authorization: Bearer <token>` or, for Outbound Messages,
    which send no headers of their own, as `?token=`."""
    try:
        store = salesforce.authenticated_store(store_id, _trigger_token(request))
        wanted = salesforce.parse(_read_body(request), request.content_type or "")
        runs = salesforce.start_exports(store, wanted)
    except (salesforce.Refused, receiver.Rejected) as exc:
        return HttpResponse(exc.reason, status=exc.status, content_type="text/plain")
    if wanted.soap:
        return HttpResponse(salesforce.ACK, content_type="text/xml")
    return JsonResponse({"runs": [run.pk for run in runs]}, status=202)


def _trigger_token(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else request.GET.get("token", "")


def _secret_header() -> str:
    return settings.WEBHOOK_SECRET_HEADER


def _read_body(request) -> bytes:
    limit = settings.WEBHOOK_MAX_BODY_BYTES
    too_large = receiver.Rejected(413, f"The body is larger than {limit} bytes.")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise too_large
    body = request.read(limit + 1)
    if len(body) > limit:
        raise too_large
    return body


@transaction.non_atomic_requests
def webhook_status(request, store_id):
    store = access.get_store(request.user, store_id)
    try:
        scopes, scopes_error = registration.scope_states(store), ""
    except (APIError, registration.RegistrationError) as exc:
        scopes, scopes_error = [], str(exc)
    events = WebhookEvent.objects.filter(store=store).select_related("run")[:RECENT_EVENTS]
    context = {
        "store": store,
        "scopes": scopes,
        "scopes_error": scopes_error,
        "registered": RegisteredHook.objects.filter(store=store).exists(),
        "inbox": StoreInbox.objects.filter(store=store).first(),
        "counts": inbox.counts_by_status(store),
        "last_received": inbox.last_received(store),
        "events": events,
        "can_operate": store.user_role.allows(Role.OPERATOR),
        "receiver_url": _receiver_url(store),
        "secret_header": _secret_header(),
        "trigger_url": _trigger_url(store),
    }
    return render(request, "webhooks/status.html", context)


def _trigger_url(store) -> str:
    return settings.CONNECTOR_PUBLIC_URL.rstrip("/") + reverse(
        "salesforce_trigger", args=[store.pk]
    )


def _receiver_url(store) -> str:
    try:
        return registration.destination(store)
    except registration.RegistrationError:
        return ""


@transaction.non_atomic_requests
@require_POST
def webhook_register(request, store_id):
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    try:
        changes = registration.register(store)
    except (APIError, registration.RegistrationError) as exc:
        messages.error(request, f"Hooks not registered: {exc}")
    else:
        messages.success(
            request,
            f"Hooks registered: {len(changes.created)} created, {len(changes.updated)} "
            f"updated, {len(changes.unchanged)} unchanged, {len(changes.removed)} removed.",
        )
    return redirect("webhook_status", store.pk)


@never_cache
@require_POST
def salesforce_trigger_token(request, store_id):
    """Make a new trigger token for Salesforce and show it, this once; the old one stops."""
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    token = salesforce.new_token(store)
    context = {"store": store, "token": token, "url": _trigger_url(store)}
    return render(request, "webhooks/salesforce_token.html", context)


@transaction.non_atomic_requests
@require_POST
def webhook_unregister(request, store_id):
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    try:
        changes = registration.unregister(store)
    except (APIError, registration.RegistrationError) as exc:
        messages.error(request, f"Hooks not removed: {exc}")
    else:
        messages.success(request, f"{len(changes.removed)} hooks removed.")
    return redirect("webhook_status", store.pk)


def webhook_event(request, store_id, event_id):
    store = access.get_store(request.user, store_id)
    event = get_object_or_404(WebhookEvent.objects.select_related("run"), store=store, pk=event_id)
    log_entries = []
    if event.run is not None:
        log_entries = SyncLogEntry.objects.filter(
            run=event.run, source=event.source, source_id=event.source_id
        )
    context = {
        "store": store,
        "event": event,
        "log_entries": log_entries,
        "can_operate": store.user_role.allows(Role.OPERATOR),
    }
    return render(request, "webhooks/event_detail.html", context)


@require_POST
def webhook_event_replay(request, store_id, event_id):
    store = access.get_store(request.user, store_id, needs=Role.OPERATOR)
    event = get_object_or_404(WebhookEvent, store=store, pk=event_id)
    if replay.replay(store, [event.pk]):
        messages.success(request, "The event is back in the inbox.")
    else:
        messages.error(request, "Only a failed event can be replayed.")
    return redirect("webhook_event", store.pk, event.pk)


@require_POST
def webhook_replay_failed(request, store_id):
    store = access.get_store(request.user, store_id, needs=Role.OPERATOR)
    count = replay.replay(store)
    messages.success(request, f"{count} failed events are back in the inbox.")
    return redirect("webhook_status", store.pk)
