"""Console pages of the records of one store and object: the linked records with their latest
sync, and the actions on them (import, export, forget the link).

Only the list of records not yet imported reads BigCommerce, outside any transaction; the
others queue runs for the worker.
"""

from functools import partial

from django.contrib import messages
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from integrations.errors import APIError
from mappings.models import DeleteAction
from stores import access
from stores.models import Role
from sync import deletion, identity, list_choices
from sync.filters import RecordFilter
from sync.forms import ListChoicesForm, SavedViewForm
from sync.objects import OBJECTS, linked_records, main_object, record_links
from sync.presentation import start_and_show
from sync.queries import exportable_links, exports_object
from sync.resync import export_records, import_chosen
from sync.runs import RunRefused
from sync.tables import RecordTable
from sync.unlinked import TooMany, all_unlinked_ids, unlinked_page

ROWS_PER_PAGE = 50
# The most records one mass action puts in a run; more is what a full import is for.
MAX_CHOSEN = 10_000


def object_records(request, store_id, object):
    """The records of one object of a store that the connector has linked: filtered, searched
    and sorted, with the columns the user (or the chosen saved view) shows."""
    store = access.get_store(request.user, store_id)
    listed = OBJECTS[object]
    view = _chosen_view(store, listed, request.GET.get("view"))
    if view is not None and set(request.GET) == {"view"}:
        return redirect(f"{request.path}?{list_choices.view_query(view)}")
    can_operate = store.user_role.allows(Role.OPERATOR)
    choices = list_choices.preference(request.user, listed.slug)
    shown = view.columns if view is not None else choices.columns
    target_object = main_object(store, listed)
    filtered = _filtered(store, listed, target_object, request.GET, choices.search_fields)
    hidden = [name for name, _ in RecordTable.choosable() if name not in shown]
    table = RecordTable(filtered.qs, exclude=[*hidden, *([] if can_operate else ["select"])])
    RequestConfig(
        request, paginate={"per_page": ROWS_PER_PAGE, "paginator_class": LazyPaginator}
    ).configure(table)
    page_rows = [row.record for row in table.page.object_list] if table.page else []
    context = {
        "store": store,
        "listed": listed,
        "objects": OBJECTS.values(),
        "table": table,
        "filter": filtered,
        "can_operate": can_operate,
        "choices_form": ListChoicesForm(
            initial={"columns": choices.columns, "search_fields": choices.search_fields}
        ),
        "shown": shown,
        "views": list_choices.views_of(store, listed.slug),
        "view": view,
        "exports": can_operate and exports_object(store, listed.source, target_object),
        "exportable": exportable_links(page_rows, [store.pk]) if can_operate else set(),
    }
    return render(request, "sync/records/object_records.html", context)


def _chosen_view(store, listed, view_id):
    if not (view_id and view_id.isdigit()):
        return None
    return list_choices.views_of(store, listed.slug).filter(pk=view_id).first()


def _filtered(store, listed, target_object, params, search_fields) -> RecordFilter:
    rows = linked_records(store, listed, target_object)
    return RecordFilter(params, rows, search_fields=search_fields)


def _back_to_list(store, listed, query: str):
    url = reverse("object_records", args=[store.pk, listed.slug])
    query = QueryDict(query).urlencode()  # only parameters, whatever was posted
    return redirect(f"{url}?{query}" if query else url)


@require_POST
def record_list_choices(request, store_id, object):
    """Save the columns a user shows and the fields their search looks in (any member: they
    change only that user's own list)."""
    store = access.get_store(request.user, store_id)
    listed = OBJECTS[object]
    form = ListChoicesForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        list_choices.save_preference(
            request.user, listed.slug, data["columns"], data["search_fields"]
        )
        messages.success(request, "Columns and search saved for this list.")
    else:
        messages.error(request, "Not saved: choose at least one field to search in.")
    return _back_to_list(store, listed, request.POST.get("query", ""))


@require_POST
def record_list_view_save(request, store_id, object):
    """Save the list as shown under a name, for every member of the store."""
    store = access.get_store(request.user, store_id, needs=Role.OPERATOR)
    listed = OBJECTS[object]
    form = SavedViewForm(request.POST)
    query = QueryDict(request.POST.get("query", ""))
    if not form.is_valid():
        messages.error(request, "Not saved: give the view a name.")
        return _back_to_list(store, listed, query.urlencode())
    data = form.cleaned_data
    view = list_choices.save_view(
        store, listed.slug, data["name"], query, data["columns"], request.user
    )
    messages.success(request, f"View “{view.name}” saved for the members of {store.name}.")
    return _back_to_list(store, listed, list_choices.view_query(view))


@require_POST
def record_list_view_delete(request, store_id, object, view_id):
    store = access.get_store(request.user, store_id, needs=Role.OPERATOR)
    listed = OBJECTS[object]
    view = get_object_or_404(list_choices.views_of(store, listed.slug), pk=view_id)
    view.delete()
    messages.success(request, f"View “{view.name}” deleted.")
    return _back_to_list(store, listed, "")


@transaction.non_atomic_requests  # reads BigCommerce
@require_GET
def records_not_imported(request, store_id, object):
    """The object's records in BigCommerce without a link yet, a BigCommerce page at a time."""
    store = access.get_store(request.user, store_id)
    listed = OBJECTS[object]
    number = request.GET.get("page", "1")
    number = int(number) if number.isdigit() and int(number) > 0 else 1
    context = {
        "store": store,
        "listed": listed,
        "objects": OBJECTS.values(),
        "can_operate": store.user_role.allows(Role.OPERATOR),
        "page": None,
        "error": "",
    }
    try:
        context["page"] = unlinked_page(store, listed, main_object(store, listed), number)
    except APIError as exc:
        context["error"] = f"BigCommerce could not be read: {exc}"
    return render(request, "sync/records/not_imported.html", context)


@transaction.non_atomic_requests  # "everything" reads BigCommerce first
@require_POST
def records_import_not_imported(request, store_id, object):
    """Import the chosen records of the "Not yet imported" list, or every record without a
    link: one run."""
    store = access.get_store(request.user, store_id, needs=Role.OPERATOR)
    listed = OBJECTS[object]
    back = reverse("records_not_imported", args=[store.pk, listed.slug])
    if request.POST.get("action") == "everything":
        try:
            ids = all_unlinked_ids(store, listed, main_object(store, listed))
        except (APIError, TooMany) as exc:
            messages.error(request, f"Nothing was started. {exc}")
            return redirect(back)
        if not ids:
            messages.success(request, f"Every one of the store's {listed.title.lower()} is linked.")
            return redirect(back)
    else:
        ids = [i.strip() for i in request.POST.getlist("source_id") if i.strip()][:MAX_CHOSEN]
    return start_and_show(
        request, store, partial(import_chosen, store, listed.source, ids, request.user), back=back
    )


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


@require_POST
def records_action(request, store_id, object):
    """Import or export the chosen rows, or every row the list's filters keep: one run, whose
    page the user lands on."""
    store = access.get_store(request.user, store_id, needs=Role.OPERATOR)
    listed = OBJECTS[object]
    query = QueryDict(request.POST.get("query", ""))
    back = reverse("object_records", args=[store.pk, listed.slug])
    back += f"?{query.urlencode()}" if query else ""
    verb, _, which = request.POST.get("action", "").partition("-")
    search_fields = list_choices.preference(request.user, listed.slug).search_fields
    rows = _filtered(store, listed, main_object(store, listed), query, search_fields).qs
    if which == "selected":
        rows = rows.filter(pk__in=[i for i in request.POST.getlist("link") if i.isdigit()])
    elif which != "filtered" or verb not in ("import", "export"):
        messages.error(request, "Choose an action: import or export, chosen or filtered rows.")
        return redirect(back)
    start = _export if verb == "export" else _import
    return start_and_show(
        request, store, partial(start, store, listed, rows, request.user), back=back
    )


def _import(store, listed, rows, user):
    ids = list(rows.order_by().values_list("source_id", flat=True)[: MAX_CHOSEN + 1])
    return import_chosen(store, listed.source, _within_limit(ids), user)


def _export(store, listed, rows, user):
    chosen = list(
        rows.order_by().only("pk", "store_id", "source_type", "target_object", "target_id")[
            : MAX_CHOSEN + 1
        ]
    )
    exportable = exportable_links(chosen, [store.pk])
    ids = [row.target_id for row in chosen if row.pk in exportable]
    if chosen and not ids:
        raise RunRefused(f"{listed.title} are not exported: none of these records exports.")
    return export_records(store, listed.source, _within_limit(ids), user)


def _within_limit(ids: list[str]) -> list[str]:
    if len(ids) > MAX_CHOSEN:
        raise RunRefused(
            f"More than {MAX_CHOSEN:,} records: narrow the filters, or start a full import or "
            "export from the Runs page."
        )
    return ids
