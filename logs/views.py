"""Console pages of the per-record sync log: the filtered list, one row's detail, re-sync."""

import json
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from connector.paging import keyset_page
from logs.filters import LogFilter
from logs.record_history import record_of
from mappings.models import SourceObject
from stores import access
from stores.models import Role, Store
from sync.models import Outcome, SyncLogEntry
from sync.presentation import start_and_show
from sync.resync import RESYNC_LIMIT, resync_entries, resync_entry, sync_again
from sync.runs import RunRefused


def log_list(request):
    """The per-record sync log of the user's stores, newest first."""
    filters = LogFilter(request.GET, user=request.user)
    stores = filters.filters["store"].queryset
    context = {
        "form": filters.form,
        "stores": stores,
        "entries": keyset_page(
            filters.entries().select_related("store__salesforce_org"), request.GET
        ),
        "operated": access.operated_store_ids(request.user),
    }
    return render(request, "logs/log_list.html", context)


@require_POST
def log_resync_many(request):
    """Re-sync the checked rows, or every failed row of the list's filter (`scope=failed`):
    one re-sync per store, direction and object."""
    back = reverse("log_list") + _query(request.POST.get("back", ""))
    if request.POST.get("scope") == "failed":
        filters = LogFilter(QueryDict(request.POST.get("back", "")), user=request.user)
        rows = filters.entries().filter(outcome=Outcome.FAILED)
    else:
        ids = [i for i in request.POST.getlist("entry") if i.isdigit()]
        rows = SyncLogEntry.objects.filter(pk__in=ids)
    operated = access.operated_store_ids(request.user)
    if not operated:
        raise PermissionDenied("Re-syncs need the operator or admin role on a store.")
    by_store = _records_by_store(rows.filter(store_id__in=operated))
    if not by_store:
        messages.error(request, "No log row to re-sync was chosen.")
    for store, records in by_store.items():
        try:
            started = resync_entries(store, records, user=request.user)
        except RunRefused as refused:
            messages.error(request, f"{store.name}: {refused}")
        else:
            runs = ", ".join(f"#{run.pk}" for run in started)
            messages.success(request, f"{store.name}: re-sync queued (run {runs}).")
    return redirect(back)


def _records_by_store(rows) -> dict:
    """{store: [(direction, source, source_id), ...]} of these rows' distinct records."""
    records = rows.values_list("store_id", "direction", "source", "source_id").distinct()
    by_id: dict[int, list] = {}
    for store_id, *record in records.order_by()[: RESYNC_LIMIT * 4]:
        by_id.setdefault(store_id, []).append(tuple(record))
    stores = Store.objects.in_bulk(list(by_id))
    return {stores[store_id]: records for store_id, records in by_id.items()}


def _query(text: str) -> str:
    query = QueryDict(text).urlencode()
    return f"?{query}" if query else ""


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
