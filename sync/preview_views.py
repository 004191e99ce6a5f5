"""The preview of a store's records as an import would write them. It reads BigCommerce and
Salesforce (no transaction held) and writes nothing, so every member may use it."""

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from integrations.errors import APIError
from mappings.forms import RecordPickForm
from mappings.models import ObjectSetting
from mappings.services import settings_of
from stores import access
from sync.preview import PREVIEWED, PreviewRefused, preview


@transaction.non_atomic_requests
def preview_records(request, store_id, source):
    store = access.get_store(request.user, store_id)
    if source not in PREVIEWED:
        raise Http404("This object has no records to preview.")
    settings_of(store)
    setting = get_object_or_404(ObjectSetting, store=store, source=source)
    form = RecordPickForm(request.GET or None)
    previews, error = None, ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            previews = preview(
                store, setting, record_id=data["id"], count=data["count"], page=data["page"]
            )
        except (APIError, PreviewRefused) as exc:
            error = f"The records could not be previewed: {exc}"
    context = {
        "store": store,
        "setting": setting,
        "pick_form": form,
        "previews": previews,
        "error": error,
        "next_page": form.cleaned_data["page"] + 1
        if previews and not form.cleaned_data["id"]
        else None,
    }
    return render(request, "sync/preview_records.html", context)
