"""Console pages of the records of one store and object: the linked records with their latest
sync, and the actions on them (import, export, forget the link).

Only the list of records not yet imported reads BigCommerce, outside any transaction; the
others queue runs for the worker.
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from mappings.models import DeleteAction
from stores import access
from stores.models import Role
from sync import deletion, identity
from sync.objects import OBJECTS, linked_records, main_object, record_links
from sync.queries import exportable_links
from sync.tables import RecordTable

ROWS_PER_PAGE = 50


def object_records(request, store_id, object):
    """The records of one object of a store that the connector has linked."""
    store = access.get_store(request.user, store_id)
    listed = OBJECTS[object]
    can_operate = store.user_role.allows(Role.OPERATOR)
    rows = linked_records(store, listed, main_object(store, listed))
    table = RecordTable(rows, exclude=() if can_operate else ("select",))
    RequestConfig(
        request, paginate={"per_page": ROWS_PER_PAGE, "paginator_class": LazyPaginator}
    ).configure(table)
    page_rows = [row.record for row in table.page.object_list] if table.page else []
    context = {
        "store": store,
        "listed": listed,
        "objects": OBJECTS.values(),
        "table": table,
        "can_operate": can_operate,
        "exportable": exportable_links(page_rows, [store.pk]) if can_operate else set(),
    }
    return render(request, "sync/records/object_records.html", context)


def _row_of(request, store_id, object, link_id, needs=Role.VIEWER):
    """The store, the listed object and one of its rows (a link of the list's sObject)."""
    store = access.get_store(request.user, store_id, needs=needs)
    listed = OBJECTS[object]
    row = get_object_or_404(
        identity.links_of(store),
        pk=link_id,
        source_type=listed.source_type,
        target_object=main_object(store, listed),
    )
    return store, listed, row


@transaction.non_atomic_requests  # deleting the Salesforce records calls Salesforce
def record_link_delete(request, store_id, object, link_id):
    """Forget a record's links, and delete its Salesforce records where the object's delete
    setting says so; a page that names them first, and a POST to do it."""
    store, listed, row = _row_of(request, store_id, object, link_id, needs=Role.OPERATOR)
    links = record_links(store, listed, row)
    deletes = deletion.delete_action(store, listed.source) == DeleteAction.DELETE
    if request.method == "POST":
        outcome = deletion.forget(store, listed.source, links)
        name = _name(listed, row)
        if outcome.error is not None:
            messages.error(request, f"The links of {name} stay: {outcome.error.message}")
        elif deletes:
            messages.success(request, f"{name}: links forgotten, Salesforce records deleted.")
        else:
            messages.success(request, f"{name}: links forgotten; the Salesforce records stay.")
        return redirect("object_records", store.pk, listed.slug)
    context = {"store": store, "listed": listed, "row": row, "links": links, "deletes": deletes}
    return render(request, "sync/records/delete_link.html", context)


def _name(listed, row) -> str:
    named = f" ({row.label})" if row.label else ""
    return f"{listed.noun.capitalize()} {row.source_id}{named}"
