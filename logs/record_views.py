"""The record page: one record's links, its timeline, and (loaded apart, since it calls both
APIs) its values in BigCommerce and Salesforce now."""

from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_safe

from logs.live_values import read_live
from logs.record_history import parse_moment, record_links, sent_values, timeline
from logs.views import _readable_call, pretty_json
from mappings.models import SourceObject
from stores import access
from stores.models import Role
from sync.queries import exportable_links


@require_safe
def record_detail(request, store_id, source, source_id):
    store = access.get_store(request.user, store_id)
    before = request.GET.get("before")
    since = parse_moment(before) if before else None
    if before and since is None:
        return HttpResponseBadRequest("The 'before' parameter is not a date and time.")
    links = record_links(store, source, source_id)
    history = timeline(store, source, source_id, links, before=since)
    for moment in history.moments:
        if moment.entry is not None:
            moment.values = pretty_json(sent_values(moment.entry))
            moment.calls = [_readable_call(call) for call in moment.entry.calls]
    for link in links:
        link.synced_shown = pretty_json(link.synced_values)
    can_operate = store.user_role.allows(Role.OPERATOR)
    exportable = exportable_links(links, {store.pk}) if can_operate else set()
    context = {
        "store": store,
        "source": source,
        "source_id": source_id,
        "links": links,
        "timeline": history,
        "paged": since is not None,
        "older": history.older.isoformat() if history.older else "",
        "can_operate": can_operate,
        "importable": source in SourceObject.values,
        "export_link": next((link for link in links if link.pk in exportable), None),
    }
    return render(request, "logs/record_detail.html", context)


@transaction.non_atomic_requests
@require_safe
def record_live(request, store_id, source, source_id):
    """The record's values in both systems now: HTTP calls, so no transaction is held."""
    store = access.get_store(request.user, store_id)
    live = read_live(store, source, source_id, record_links(store, source, source_id))
    context = {"store": store, "source": source, "source_id": source_id, "live": live}
    partial = request.headers.get("HX-Request") == "true"
    template = "logs/record_live.html" if partial else "logs/record_live_page.html"
    return render(request, template, context)
