from datetime import timedelta

from django import forms
from django.utils import timezone

from sandbox.models import Emulator, FaultProfile

COMMON_KNOBS = ["latency_ms", "jitter_ms", "error_share", "hang_share", "hang_seconds"]
KNOBS = {
    Emulator.BIGCOMMERCE: [*COMMON_KNOBS, "rate_limit_storm_headers", "duplicate_delivery_share"],
    Emulator.SALESFORCE: [*COMMON_KNOBS, "session_expiry_every", "lock_error_share"],
}


def fault_form_class(emulator: Emulator) -> type[forms.ModelForm]:
    meta = type("Meta", (), {"model": FaultProfile, "fields": KNOBS[emulator]})
    attrs = {"Meta": meta}
    if emulator == Emulator.BIGCOMMERCE:
        attrs["storm_seconds"] = forms.IntegerField(
            label="429 storm for the next N seconds",
            min_value=0,
            max_value=3600,
            required=False,
            help_text="0 ends a storm; blank leaves it as it is.",
        )
    return type(f"{emulator.label}FaultForm", (FaultForm,), attrs)


class FaultForm(forms.ModelForm):
    def save(self, commit=True):
        profile = super().save(commit=False)
        seconds = self.cleaned_data.get("storm_seconds")
        if seconds is not None:
            profile.rate_limit_storm_until = (
                timezone.now() + timedelta(seconds=seconds) if seconds else None
            )
        if commit:
            profile.save()
        return profile


class ActivityForm(forms.Form):
    store = forms.ModelChoiceField(queryset=None, empty_label=None, label="Sandbox store")
    events_per_minute = forms.IntegerField(min_value=1, max_value=6000, initial=60)
    duration_seconds = forms.IntegerField(
        label="for (seconds)", min_value=1, max_value=3600, initial=60
    )

    def __init__(self, *args, stores, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = stores


class CustomFieldForm(forms.Form):
    TYPES = [
        "text",
        "number",
        "checkbox",
        "date",
        "datetime",
        "picklist",
        "lookup",
        "email",
        "phone",
        "currency",
    ]

    object_name = forms.CharField(label="Object", max_length=80, initial="Account")
    api_name = forms.CharField(
        label="Field API name", max_length=80, help_text="Ends in __c, e.g. Loyalty_Tier__c."
    )
    field_type = forms.ChoiceField(label="Type", choices=[(t, t) for t in TYPES])
    picklist_values = forms.CharField(
        required=False, max_length=2000, help_text="For a picklist: its values, comma-separated."
    )
    reference_to = forms.CharField(
        label="Lookup to",
        required=False,
        max_length=80,
        help_text="For a lookup: the object it points to, e.g. Account.",
    )
    external_id = forms.BooleanField(label="External ID", required=False)
    unique = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        values = [v.strip() for v in data.get("picklist_values", "").split(",") if v.strip()]
        data["picklist_values"] = values or None
        data["reference_to"] = data.get("reference_to") or None
        if data.get("field_type") == "picklist" and not values:
            self.add_error("picklist_values", "A picklist needs at least one value.")
        if data.get("field_type") == "lookup" and not data["reference_to"]:
            self.add_error("reference_to", "A lookup needs the object it points to.")
        return data
