"""Console pages of the records of one store and object: the linked records with their latest
sync, and the actions on them (import, export, forget the link).

Only the list of records not yet imported reads BigCommerce, outside any transaction; the
others queue runs for the worker.
"""

from django.shortcuts import render
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from stores import access
from stores.models import Role
from sync.objects import OBJECTS, linked_records, main_object
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
