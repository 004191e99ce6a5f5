from django import forms

from mappings.models import SourceObject
from sync.forms import VisibleStoresFilterForm
from sync.models import RunDirection


class DashboardForm(VisibleStoresFilterForm):
    """Which figures the dashboard shows: one store or all, one object or all, a direction."""

    source = forms.ChoiceField(
        label="Object", choices=[("", "All objects"), *SourceObject.choices], required=False
    )
    direction = forms.ChoiceField(
        choices=[("", "Both directions"), *RunDirection.choices], required=False
    )

    def choice(self, name: str):
        """The filter's value if valid, else nothing chosen (its error shows on the form)."""
        self.is_valid()
        return self.cleaned_data.get(name) or ""
