"""The console's list filters (django-filter): the Runs page's, a plan's records, and a
record list's (the latest sync's outcome, direction and date, and a search over the fields
the user chose)."""

import django_filters
from django import forms
from django.db.models import Q
from django_filters.widgets import DateRangeWidget

from mappings.models import SourceObject
from sync.models import (
    MatchedBy,
    Outcome,
    PlanDecision,
    PlanRecord,
    RunDirection,
    RunTrigger,
    SyncRun,
)

NEVER = "never"
# What a search may look in: (field, lookup, label). Ids match whole; names match in part.
SEARCHABLE = {
    "source_id": ("source_id__iexact", "BigCommerce id"),
    "label": ("label__icontains", "Name"),
    "target_id": ("target_id__startswith", "Salesforce Id"),
}
# The parameters that make a list's filters (what a saved view keeps), beside its sort.
FILTER_PARAMS = ("q", "outcome", "direction", "synced_after", "synced_before")


class RecordFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    outcome = django_filters.ChoiceFilter(
        label="Last outcome",
        choices=[*Outcome.choices, (NEVER, "Never synced")],
        method="by_outcome",
        empty_label="Any outcome",
    )
    direction = django_filters.ChoiceFilter(
        field_name="last_direction",
        label="Last direction",
        choices=RunDirection.choices,
        empty_label="Either way",
    )
    synced = django_filters.DateFromToRangeFilter(
        field_name="last_at",
        label="Last synced (from, to)",
        widget=DateRangeWidget(attrs={"type": "date"}),
    )

    def __init__(self, *args, search_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.search_fields = [name for name in search_fields if name in SEARCHABLE]
        looked_in = ", ".join(SEARCHABLE[name][1] for name in self.search_fields)
        self.filters["q"].label = f"Search ({looked_in})" if looked_in else "Search"

    def search(self, queryset, name, value):
        words = value.strip()
        if not words or not self.search_fields:
            return queryset
        matches = Q()
        for field in self.search_fields:
            matches |= Q(**{SEARCHABLE[field][0]: words})
        return queryset.filter(matches)

    def by_outcome(self, queryset, name, value):
        if value == NEVER:
            return queryset.filter(last_outcome__isnull=True)
        return queryset.filter(last_outcome=value)


class RunFilter(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(
        label="Object", choices=SourceObject.choices, empty_label="All objects"
    )
    direction = django_filters.ChoiceFilter(
        choices=RunDirection.choices, empty_label="Both directions"
    )
    kind = django_filters.ChoiceFilter(choices=SyncRun.Kind.choices, empty_label="All kinds")
    status = django_filters.ChoiceFilter(
        label="Outcome", choices=SyncRun.Status.choices, empty_label="All outcomes"
    )
    trigger = django_filters.ChoiceFilter(choices=RunTrigger.choices, empty_label="All triggers")
    # Set by a webhook batch's row: the batch's runs, one by one.
    batch = django_filters.CharFilter(widget=forms.HiddenInput)

    class Meta:
        model = SyncRun
        fields = ["source", "direction", "kind", "status", "trigger", "batch"]


class PlanRecordFilter(django_filters.FilterSet):
    """The records behind one of a plan's counts (its links set these)."""

    source = django_filters.ChoiceFilter(
        label="Object", choices=SourceObject.choices, empty_label="All objects"
    )
    decision = django_filters.ChoiceFilter(
        label="Decision", choices=PlanDecision.choices, empty_label="All decisions"
    )
    matched_by = django_filters.ChoiceFilter(
        label="Matched by", choices=MatchedBy.choices, empty_label="Matched or not"
    )

    class Meta:
        model = PlanRecord
        fields = ["source", "decision", "matched_by"]
