"""Lightning's record page (`/lightning/r/<sObject>/<Id>/view`), so that the console's links
to Salesforce records open in the emulator too: a plain page of the record's fields.

Salesforce shows it to a user logged in to the org; here the console's login stands for that
(the page is not one of the API's, which check their own tokens).
"""

from django.http import Http404
from django.shortcuts import render

from sandbox.salesforce import ids
from sandbox.salesforce.models import Record


def record_page(request, object_name: str, record_id: str):
    normalized = ids.normalize(record_id)
    record = (
        Record.objects.select_related("org")
        .filter(record_id=normalized, object_name__iexact=object_name)
        .first()
        if normalized
        else None
    )
    if record is None or record.is_deleted:
        raise Http404("No such record.")
    fields = sorted((name, value) for name, value in record.data.items() if name != "attributes")
    context = {"record": record, "fields": fields}
    return render(request, "sandbox_salesforce/lightning_record.html", context)
