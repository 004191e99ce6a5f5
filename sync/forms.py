from django import forms

from mappings.models import SourceObject
from stores import access
from sync.filters import SEARCHABLE
from sync.models import IdentityLink, ImportSchedule, RunDirection
from sync.queries import filter_links
from sync.tables import RecordTable


class ImportForm(forms.Form):
    source = forms.ChoiceField(label="Object", choices=SourceObject.choices)
    kind = forms.ChoiceField(
        choices=ImportSchedule.Kind.choices, initial=ImportSchedule.Kind.INCREMENTAL
    )
    direction = forms.ChoiceField(
        choices=RunDirection.choices, initial=RunDirection.IMPORT, required=False
    )

    def clean_direction(self):
        return self.cleaned_data.get("direction") or RunDirection.IMPORT


class EverythingForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ImportSchedule.Kind.choices, initial=ImportSchedule.Kind.INCREMENTAL
    )


class PlanForm(forms.Form):
    """A plan of a full or incremental run: of one object, or (no object) of everything."""

    source = forms.ChoiceField(
        label="Object", choices=[("", "Every object"), *SourceObject.choices], required=False
    )
    kind = forms.ChoiceField(
        choices=ImportSchedule.Kind.choices, initial=ImportSchedule.Kind.INCREMENTAL
    )
    direction = forms.ChoiceField(
        choices=RunDirection.choices, initial=RunDirection.IMPORT, required=False
    )

    def clean_direction(self):
        return self.cleaned_data.get("direction") or RunDirection.IMPORT


class RecordImportForm(forms.Form):
    source = forms.ChoiceField(label="Object", choices=SourceObject.choices)
    source_id = forms.CharField(label="BigCommerce id", max_length=64, strip=True)


class RecordExportForm(forms.Form):
    source = forms.ChoiceField(label="Object", choices=SourceObject.choices)
    source_id = forms.RegexField(
        label="Salesforce id", regex=r"^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$", strip=True
    )

    def __init__(self, *args, sources=None, **kwargs):
        """`sources` narrows the objects offered (those the store exports)."""
        super().__init__(*args, **kwargs)
        if sources is not None:
            self.fields["source"].choices = [
                (value, label) for value, label in SourceObject.choices if value in sources
            ]


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = ImportSchedule
        fields = ["source", "direction", "kind", "every_minutes", "enabled"]
        labels = {"source": "Object"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].required = False

    def clean_direction(self):
        return self.cleaned_data.get("direction") or RunDirection.IMPORT

    def clean(self):
        # The store is not a field of the form, so ModelForm leaves this constraint unchecked.
        data = super().clean()
        twins = ImportSchedule.objects.filter(
            store=self.instance.store,
            source=data.get("source"),
            kind=data.get("kind"),
            direction=data.get("direction"),
        ).exclude(pk=self.instance.pk)
        if twins.exists():
            raise forms.ValidationError(
                "This store already has this import (or export) of this object."
            )
        return data


class VisibleStoresFilterForm(forms.Form):
    """A GET form of filters whose store choice is limited to the stores the user sees."""

    store = forms.ModelChoiceField(queryset=None, required=False, empty_label="All stores")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["store"].queryset = access.visible_stores(user).order_by("name")


class RecordFilterForm(VisibleStoresFilterForm):
    source_type = forms.ChoiceField(
        label="Object", choices=[("", "All objects"), *SourceObject.choices], required=False
    )
    record_id = forms.CharField(label="BigCommerce or Salesforce id", required=False, strip=True)

    def links(self):
        """The visible identity links that match the filters (none if the filters are invalid)."""
        if not self.is_valid():
            return IdentityLink.objects.none()
        return filter_links(self.user, self.cleaned_data)


class ListChoicesForm(forms.Form):
    """The gear menu of a record list: which columns show, which fields a search looks in."""

    columns = forms.MultipleChoiceField(
        choices=RecordTable.choosable, widget=forms.CheckboxSelectMultiple, required=False
    )
    search_fields = forms.MultipleChoiceField(
        label="Search in",
        choices=[(name, label) for name, (_, label) in SEARCHABLE.items()],
        widget=forms.CheckboxSelectMultiple,
    )


class SavedViewForm(forms.Form):
    name = forms.CharField(label="Save this view as", max_length=80, strip=True)
    columns = forms.MultipleChoiceField(choices=RecordTable.choosable, required=False)
