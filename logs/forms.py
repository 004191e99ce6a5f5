from django import forms

from mappings.models import SourceObject
from stores import access
from sync.forms import VisibleStoresFilterForm
from sync.models import Outcome, SyncLogEntry


class LogFilterForm(VisibleStoresFilterForm):
    """The log's filters, for the console's list and the API's (one set of rules for both)."""

    source = forms.ChoiceField(
        label="Object", choices=[("", "All objects"), *SourceObject.choices], required=False
    )
    outcome = forms.ChoiceField(choices=[("", "All outcomes"), *Outcome.choices], required=False)
    source_id = forms.CharField(label="BigCommerce id", max_length=64, required=False)
    run = forms.IntegerField(label="Run", min_value=1, required=False)

    def entries(self):
        """The visible log rows that match the filters (none if the filters are invalid)."""
        if not self.is_valid():
            return SyncLogEntry.objects.none()
        rows = SyncLogEntry.objects.filter(store__in=access.visible_stores(self.user))
        lookups = {
            "store": self.cleaned_data["store"],
            "source": self.cleaned_data["source"],
            "outcome": self.cleaned_data["outcome"],
            "source_id": self.cleaned_data["source_id"],
            "run_id": self.cleaned_data["run"],
        }
        return rows.filter(**{name: value for name, value in lookups.items() if value})
