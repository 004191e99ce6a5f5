"""The filters of the Runs page and of a plan's records."""

import django_filters
from django import forms

from mappings.models import SourceObject
from sync.models import MatchedBy, PlanDecision, PlanRecord, RunDirection, RunTrigger, SyncRun


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
