"""The log's filters, for the console's list and the API's (one set of rules for both)."""

import django_filters
from django import forms
from django.db.models import Q

from mappings.models import SourceObject
from stores import access
from stores.models import Store
from sync.models import Outcome, RunDirection, SyncLogEntry


class LogFilter(django_filters.FilterSet):
    store = django_filters.ModelChoiceFilter(
        queryset=Store.objects.none(), empty_label="All stores"
    )
    source = django_filters.ChoiceFilter(
        label="Object", choices=SourceObject.choices, empty_label="All objects"
    )
    direction = django_filters.ChoiceFilter(
        choices=RunDirection.choices, empty_label="Both directions"
    )
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, empty_label="All outcomes")
    error_code = django_filters.CharFilter(label="Error code", max_length=80)
    date_from = django_filters.DateFilter(
        label="From", field_name="created_at", lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    date_to = django_filters.DateFilter(
        label="To", field_name="created_at", lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    record = django_filters.CharFilter(
        label="Record id", max_length=64, method="by_record",
        help_text="A BigCommerce id or a Salesforce Id",
    )  # fmt: skip
    # The BigCommerce id alone, as the API has always taken it.
    source_id = django_filters.CharFilter(max_length=64, widget=forms.HiddenInput)
    run = django_filters.NumberFilter(field_name="run_id", min_value=1, widget=forms.HiddenInput)

    class Meta:
        model = SyncLogEntry
        fields = []

    def __init__(self, data=None, *, user, **kwargs):
        visible = access.visible_stores(user)
        super().__init__(data, queryset=SyncLogEntry.objects.filter(store__in=visible), **kwargs)
        self.filters["store"].queryset = visible.order_by("name")

    def by_record(self, queryset, name, value):
        return queryset.filter(Q(source_id=value) | Q(target_id=value))

    def entries(self):
        """The visible log rows that match the filters (none if the filters are invalid)."""
        if not self.is_valid():
            return SyncLogEntry.objects.none()
        return self.qs
