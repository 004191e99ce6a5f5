"""What a user chose for a record list: the columns shown and the fields searched (their
own), and the saved views of a store's lists (shared with its members)."""

from django.http import QueryDict

from sync.filters import FILTER_PARAMS, SEARCHABLE
from sync.models import ListPreference, SavedListView
from sync.tables import RecordTable


def preference(user, object: str) -> ListPreference:
    """The user's choices for this object's list; every column and field if none were saved."""
    found = ListPreference.objects.filter(user=user, object=object).first()
    if found is not None:
        return found
    columns = [name for name, _ in RecordTable.choosable()]
    return ListPreference(user=user, object=object, columns=columns, search_fields=list(SEARCHABLE))


def save_preference(user, object: str, columns: list[str], search_fields: list[str]) -> None:
    ListPreference.objects.update_or_create(
        user=user,
        object=object,
        defaults={"columns": columns, "search_fields": search_fields},
    )


def views_of(store, object: str):
    return SavedListView.objects.filter(store=store, object=object)


def save_view(store, object: str, name: str, query: QueryDict, columns: list[str], user):
    """Save the list as it is shown (its filters, sort and columns) under a name; a view of
    the same name is replaced."""
    filters = {key: query.getlist(key) for key in query if key.startswith(FILTER_PARAMS)}
    view, _ = SavedListView.objects.update_or_create(
        store=store,
        object=object,
        name=name,
        defaults={
            "filters": filters,
            "columns": columns,
            "sort": query.get("sort", ""),
            "created_by": user,
        },
    )
    return view


def view_query(view: SavedListView) -> str:
    """The list's URL parameters that show this view."""
    query = QueryDict(mutable=True)
    for key, values in view.filters.items():
        query.setlist(key, values)
    if view.sort:
        query["sort"] = view.sort
    query["view"] = str(view.pk)
    return query.urlencode()
