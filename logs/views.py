"""Console pages of the per-record sync log: the filtered list, one row's detail, re-sync."""

import json
from functools import partial

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from connector.paging import keyset_page
from logs.forms import LogFilterForm
from logs.record_history import record_of
from mappings.models import SourceObject
from stores import access
from stores.models import Role
from sync.models import SyncLogEntry
from sync.presentation import start_and_show
from sync.resync import resync_entry, sync_again


def log_list(request):
    """The per-record sync log of the user's stores, newest first."""
    form = LogFilterForm(request.GET, user=request.user)
    context = {
        "form": form,
        "stores": form.fields["store"].queryset,
        "entries": keyset_page(form.entries().select_related("store"), request.GET),
    }
    return render(request, "logs/log_list.html", context)


def _entry_of(request, entry_id, needs=Role.VIEWER):
    store_id = get_object_or_404(
        SyncLogEntry.objects.values_list("store_id", flat=True), pk=entry_id
    )
    store = access.get_store(request.user, store_id, needs=needs)
    return store, get_object_or_404(SyncLogEntry.objects.select_related("run"), pk=entry_id)


def log_detail(request, entry_id):
    store, entry = _entry_of(request, entry_id)
    context = {
        "store": store,
        "entry": entry,
        "values": pretty_json(entry.values),
        "calls": [_readable_call(call) for call in entry.calls],
        "can_operate": store.user_role.allows(Role.OPERATOR),
        "importable": entry.source in SourceObject.values,
        "record": record_of(entry),
    }
    return render(request, "logs/log_detail.html", context)


@require_POST
def log_resync(request, entry_id):
    """Re-sync the record of a failed row (a run of kind "resync")."""
    return _start_for_entry(
        request, entry_id, lambda store, entry: resync_entry(entry, user=request.user)
    )


@require_POST
def log_resync_record(request, entry_id):
    """Import (or export) the row's record again, whatever its outcome was."""
    return _start_for_entry(
        request, entry_id, lambda store, entry: sync_again(entry, user=request.user)
    )


def _start_for_entry(request, entry_id, start):
    """Call `start(store, entry)` for an operator; refusals go back to the row's page."""
    store, entry = _entry_of(request, entry_id, needs=Role.OPERATOR)
    back = reverse("log_detail", args=[entry.pk])
    return start_and_show(request, store, partial(start, store, entry), back=back)


def pretty_json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _readable_call(call: dict) -> dict:
    """A recorded call with its JSON bodies indented; they were masked when recorded. The log
    keeps bodies only for the calls of failed rows (`bodies_kept`)."""
    return {
        **call,
        "bodies_kept": "request_body" in call or "response_body" in call,
        "request_body": _indented(call.get("request_body", "")),
        "response_body": _indented(call.get("response_body", "")),
    }


def _indented(body: str) -> str:
    try:
        return pretty_json(json.loads(body))
    except (TypeError, ValueError):
        return body or ""
