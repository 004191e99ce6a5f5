"""The console's forms for a store's mappings. Each rejects what could never work, with the
error next to its field; what only the org can tell (unknown fields, picklist values) is left to
validation against Salesforce."""

import json
import re
from dataclasses import dataclass

from django import forms

from integrations.salesforce.ids import case_safe_id
from mappings.convert import CONVERTERS, ConversionError
from mappings.export_targets import EXPORT_TARGETS
from mappings.models import (
    CouponCampaign,
    FieldMapping,
    MatchingRule,
    ObjectSetting,
    RecordTypeMapping,
    SourceObject,
    SyncCondition,
    coupon_key,
)
from mappings.suggestions import Suggestion
from mappings.transform import TEMPLATE_FIELD

PATH_RE = re.compile(r"^[^\s{}.]+(\.[^\s{}.]+)*$")
API_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
VALUELESS_OPERATORS = {"empty", "not_empty"}
PATH_HELP = "A path into the BigCommerce record, such as email or billing_address.city."


def check_path(value: str) -> str:
    if not PATH_RE.match(value):
        raise forms.ValidationError(
            f"{value!r} is not a path: use names joined by dots, such as billing_address.email."
        )
    return value


def check_api_name(value: str) -> str:
    if not API_NAME_RE.match(value):
        raise forms.ValidationError(
            f"{value!r} is not a Salesforce API name (letters, digits and _, such as Email "
            "or BigCommerce_ID__c)."
        )
    return value


def parse_lookup(text: str) -> dict:
    """`key = value` lines into a dict; blank lines are skipped."""
    table = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, equals, value = line.partition("=")
        key = key.strip()
        if not equals or not key:
            raise forms.ValidationError(f"Line {number} is not “key = value”: {line.strip()}")
        if key in table:
            raise forms.ValidationError(f"Line {number} repeats the key {key!r}.")
        table[key] = value.strip()
    return table


def lookup_lines(table: dict) -> str:
    return "\n".join(f"{key} = {value}" for key, value in table.items())


def parse_pairs(text: str) -> list[list[str]]:
    """`source.path = TargetField` lines (or joined by +) into [[source, target], ...]."""
    pairs = []
    for part in re.split(r"[\n+]", text):
        if not part.strip():
            continue
        source, equals, target = (s.strip() for s in part.partition("="))
        if not (equals and source and target):
            raise forms.ValidationError(f"“{part.strip()}” is not “source.path = TargetField”.")
        check_path(source)
        check_api_name(target)
        pairs.append([source, target])
    if not pairs:
        raise forms.ValidationError("Give at least one pair, such as email = Email.")
    return pairs


class ObjectSettingForm(forms.ModelForm):
    # Fields that only some source objects use.
    ONLY_FOR = {
        "order_target": {SourceObject.ORDER},
        "variants_as_products": {SourceObject.PRODUCT},
        "custom_price_book": {SourceObject.PRODUCT},
        "category_parent_field": {SourceObject.CATEGORY},
        # Orders are never created from Salesforce: only their status goes back.
        "export_mode": {SourceObject.CUSTOMER, SourceObject.PRODUCT},
        "export_on_delete": set(EXPORT_TARGETS),
        "conflict_rule": set(EXPORT_TARGETS),
    }
    # Shown under their own heading: they matter only when the direction exports.
    EXPORT_FIELDS = ("export_mode", "export_on_delete", "conflict_rule")

    class Meta:
        model = ObjectSetting
        fields = [
            "enabled",
            "direction",
            "realtime",
            "order_target",
            "variants_as_products",
            "custom_price_book",
            "external_id_field",
            "category_parent_field",
            "on_delete",
            "multiple_matches",
            "condition_mode",
            "condition_action",
            "export_mode",
            "export_on_delete",
            "conflict_rule",
        ]
        labels = {
            "external_id_field": "External ID field",
            "condition_mode": "Sync conditions must hold",
            "condition_action": "Records that meet the conditions",
            "multiple_matches": "When several Salesforce records match",
            "on_delete": "When the record is deleted in BigCommerce",
            "export_mode": "Export mode",
            "export_on_delete": "When the record is deleted in Salesforce",
            "conflict_rule": "When both sides changed a field",
        }
        help_texts = {
            "export_mode": "A Salesforce record that is linked to no BigCommerce record and "
            "matches none (by email or SKU) is skipped in update-only mode; upsert creates it.",
            "export_on_delete": "What happens to the linked BigCommerce record when its "
            "Salesforce record is deleted.",
            "conflict_rule": "A field changed in both Salesforce and BigCommerce since the last "
            "sync: which value the export keeps. Each conflict is logged with both values.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, sources in self.ONLY_FOR.items():
            if self.instance.source not in sources:
                del self.fields[name]

    def main_fields(self):
        return [field for field in self.visible_fields() if field.name not in self.EXPORT_FIELDS]

    def export_fields(self):
        return [field for field in self.visible_fields() if field.name in self.EXPORT_FIELDS]

    def clean_external_id_field(self):
        value = self.cleaned_data["external_id_field"].strip()
        return check_api_name(value) if value else value

    def clean_category_parent_field(self):
        value = self.cleaned_data["category_parent_field"].strip()
        return check_api_name(value) if value else value


class SettingRuleForm(forms.ModelForm):
    """A rule of one object setting; per-target rules also belong to one of its sObjects."""

    per_target = True

    def __init__(self, *args, setting: ObjectSetting, target_object: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.setting = setting
        if self.per_target and not self.instance.pk:
            self.instance.target_object = target_object
        if not self.instance.pk:
            self.initial.setdefault("position", self._next_position())

    def _siblings(self):
        rows = self._meta.model.objects.filter(setting=self.instance.setting)
        if self.per_target:
            rows = rows.filter(target_object=self.instance.target_object)
        return rows.exclude(pk=self.instance.pk)

    def _next_position(self) -> int:
        last = self._siblings().order_by("-position").values_list("position", flat=True).first()
        return 0 if last is None else last + 1


class FieldMappingForm(SettingRuleForm):
    lookup_table = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text="One “BigCommerce value = Salesforce value” per line, such as 2 = Activated.",
    )

    class Meta:
        model = FieldMapping
        fields = [
            "target_field",
            "kind",
            "source",
            "lookup_table",
            "convert",
            "default",
            "required",
            "direction",
            "export_path",
            "export_default",
            "position",
        ]
        labels = {
            "kind": "Filled from",
            "convert": "Conversion",
            "position": "Order",
            "export_path": "Export to",
            "export_default": "Export default",
        }
        help_texts = {
            "target_field": "The Salesforce field's API name, such as Email or Industry__c.",
            "source": "A path such as billing_address.email (source field and lookup table), "
            "the constant itself, or a template such as {first_name} {last_name}.",
            "default": "Used when the value is empty.",
            "direction": "Which way this field flows when its object exports: import only, "
            "export only, or both.",
            "export_path": "The BigCommerce field that takes the Salesforce value on export, "
            "such as company. Blank: a source field or lookup table writes back to its path, "
            "and a template or constant is imported only.",
            "export_default": "For a lookup table: the BigCommerce value written when the table "
            "has no entry for the Salesforce value (else the record fails).",
        }

    TARGET_LIST = "target-field-options"
    SOURCE_LIST = "source-field-options"

    def __init__(self, *args, target_choices=None, **kwargs):
        """`target_choices` (pickers.Choices): the fields of the org that the target field is
        chosen from; without options, it is typed, and the choices' note says why."""
        super().__init__(*args, **kwargs)
        self.fields["source"].widget = forms.TextInput()
        self.initial.setdefault("lookup_table", lookup_lines(self.instance.lookup or {}))
        self.target_choices = target_choices
        self.source_choices = None
        if target_choices is not None:
            self._offer("target_field", self.TARGET_LIST, target_choices, self._target_help())

    def _target_help(self) -> str:
        return (
            f"Choose one of the {len(self.target_choices.options)} fields of "
            f"{self.instance.target_object} that the connector can write; type to filter by "
            "API name."
        )

    def offer_sources(self, choices) -> None:
        """Source paths to choose from (pickers.Choices), with an example of each."""
        self.source_choices = choices
        self._offer("source", self.SOURCE_LIST, choices, self.fields["source"].help_text)

    def _offer(self, name: str, list_id: str, choices, help_text: str) -> None:
        field = self.fields[name]
        if choices.options:
            field.widget.attrs.update(list=list_id, autocomplete="off")
            field.help_text = help_text
        field.note = choices.note

    def clean_target_field(self):
        target_field = check_api_name(self.cleaned_data["target_field"].strip())
        offered = self.target_choices.values if self.target_choices else set()
        if offered and target_field not in offered:
            raise forms.ValidationError(
                f"{self.instance.target_object} has no field {target_field} that the connector "
                "can write: choose one from the list."
            )
        if self._siblings().filter(target_field=target_field).exists():
            raise forms.ValidationError(
                f"{self.instance.target_object}.{target_field} already has a mapping."
            )
        return target_field

    def clean_export_path(self):
        value = self.cleaned_data["export_path"].strip()
        return check_path(value) if value else value

    def clean_lookup_table(self):
        return parse_lookup(self.cleaned_data["lookup_table"])

    def clean(self):
        cleaned = super().clean()
        kind, source = cleaned.get("kind"), cleaned.get("source", "").strip()
        cleaned["source"] = source
        if kind and "source" not in self.errors:
            self._check_source(kind, source)
        if (
            kind == "lookup"
            and not cleaned.get("lookup_table")
            and "lookup_table" not in self.errors
        ):
            self.add_error("lookup_table", "A lookup table needs at least one line.")
        self.instance.lookup = cleaned.get("lookup_table") or {}
        self._check_conversion(cleaned)
        return cleaned

    def _check_source(self, kind: str, source: str) -> None:
        if not source:
            self.add_error("source", "This is needed for the chosen kind.")
        elif kind in ("field", "lookup"):
            self._add_errors_of("source", check_path, source)
        elif kind == "template":
            self._add_errors_of("source", check_template, source)

    def _check_conversion(self, cleaned: dict) -> None:
        convert = cleaned.get("convert")
        if not convert:
            return
        checks = [("default", cleaned.get("default"))]
        if cleaned.get("kind") == "constant":
            checks.append(("source", cleaned.get("source")))
        for name, value in checks:
            if value and name not in self.errors:
                self._add_errors_of(name, _convertible, convert, value)

    def _add_errors_of(self, name: str, check, *args) -> None:
        try:
            check(*args)
        except forms.ValidationError as exc:
            self.add_error(name, exc)


def check_template(template: str) -> None:
    for path in TEMPLATE_FIELD.findall(template):
        check_path(path.strip())
    if re.search(r"[{}]", TEMPLATE_FIELD.sub("", template)):
        raise forms.ValidationError("Each { needs its }, with a path between them.")


def _convertible(convert: str, value: str) -> None:
    try:
        CONVERTERS[convert](value)
    except ConversionError as exc:
        raise forms.ValidationError(f"The {convert} conversion fails on this: {exc}.") from exc


class ConditionFieldsMixin:
    """Path, operator and value, as sync conditions and record type rules have them."""

    def clean_path(self):
        return check_path(self.cleaned_data["path"].strip())

    def clean(self):
        cleaned = super().clean()
        operator, value = cleaned.get("operator"), cleaned.get("value", "")
        if operator and operator not in VALUELESS_OPERATORS and not value.strip():
            self.add_error("value", "This operator compares with a value.")
        return cleaned


class RecordTypeMappingForm(ConditionFieldsMixin, SettingRuleForm):
    class Meta:
        model = RecordTypeMapping
        fields = ["path", "operator", "value", "record_type", "position"]
        labels = {"path": "When", "record_type": "Record type", "position": "Order"}
        help_texts = {"path": PATH_HELP, "value": "For “in”, separate the values by commas."}

    def clean_record_type(self):
        return check_api_name(self.cleaned_data["record_type"].strip())


class MatchingRuleForm(SettingRuleForm):
    pairs = forms.CharField(
        label="Equal fields",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="One “source.path = TargetField” per line; all must be equal to match, "
        "such as email = Email and last_name = LastName.",
    )

    class Meta:
        model = MatchingRule
        fields = ["pairs", "position"]
        labels = {"position": "Order"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pairs = self.instance.fields or []
        self.initial.setdefault("pairs", "\n".join(f"{s} = {t}" for s, t in pairs))

    def clean_pairs(self):
        pairs = parse_pairs(self.cleaned_data["pairs"])
        self.instance.fields = pairs
        return pairs


class SyncConditionForm(ConditionFieldsMixin, SettingRuleForm):
    per_target = False

    class Meta:
        model = SyncCondition
        fields = ["direction", "path", "operator", "value", "position"]
        labels = {"position": "Order"}
        help_texts = {"path": PATH_HELP, "value": "For “in”, separate the values by commas."}


@dataclass(frozen=True)
class RuleKind:
    model: type
    form: type
    title: str
    per_target: bool = True


RULE_KINDS = {
    "fields": RuleKind(FieldMapping, FieldMappingForm, "field mapping"),
    "record-types": RuleKind(RecordTypeMapping, RecordTypeMappingForm, "record type rule"),
    "matching-rules": RuleKind(MatchingRule, MatchingRuleForm, "matching rule"),
    "conditions": RuleKind(SyncCondition, SyncConditionForm, "sync condition", per_target=False),
}


class PreviewForm(forms.Form):
    target = forms.ChoiceField(label="Show it as")
    record = forms.CharField(
        label="BigCommerce record (JSON)",
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text='Paste a record as the API returns it; a {"data": …} answer is unwrapped.',
    )

    def __init__(self, *args, targets: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(t, t) for t in targets]

    def clean_record(self):
        try:
            record = json.loads(self.cleaned_data["record"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"This is not JSON: {exc}.") from exc
        if isinstance(record, dict) and "data" in record:
            record = record["data"]
        if isinstance(record, list):
            record = record[0] if record else None
        if not isinstance(record, dict):
            raise forms.ValidationError("Paste one record: a JSON object, {…}.")
        return record


# --- coupon revenue -----------------------------------------------------------------------------
CAMPAIGN_KEY_PREFIX = "701"  # the first three characters of every Campaign's Id


class CouponRevenueSettingForm(forms.ModelForm):
    """Coupon revenue's own settings: on or off, and the Campaign field its sums go to."""

    class Meta:
        model = ObjectSetting
        fields = ["enabled", "campaign_field"]
        labels = {"enabled": "Write yesterday's coupon revenue to Campaigns every day"}

    def clean_campaign_field(self):
        return check_api_name(self.cleaned_data["campaign_field"].strip())


class CouponCampaignForm(forms.ModelForm):
    """A row of the coupon table: a code, in capitals, and the 18-character Id of its Campaign."""

    class Meta:
        model = CouponCampaign
        fields = ["code", "campaign_id", "note"]
        help_texts = {
            "code": "As customers type it at checkout; case does not matter.",
            "campaign_id": "The Campaign's Salesforce Id (15 or 18 characters, starting with "
            "701), as in the address of its page in Salesforce.",
        }

    def __init__(self, *args, setting: ObjectSetting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.setting = setting

    def _others(self):
        rows = CouponCampaign.objects.filter(setting=self.instance.setting)
        return rows.exclude(pk=self.instance.pk)

    def clean_code(self):
        code = coupon_key(self.cleaned_data["code"])
        if self._others().filter(code__iexact=code).exists():
            raise forms.ValidationError(f"The code {code} already has a Campaign.")
        return code

    def clean_campaign_id(self):
        typed = self.cleaned_data["campaign_id"].strip()
        campaign_id = case_safe_id(typed)
        if campaign_id is None:
            raise forms.ValidationError(
                f"{typed!r} is not a Salesforce Id: 15 or 18 letters and digits."
            )
        if not campaign_id.startswith(CAMPAIGN_KEY_PREFIX):
            raise forms.ValidationError(
                f"{typed} is not a Campaign's Id: a Campaign's Id starts with 701."
            )
        taken = self._others().filter(campaign_id=campaign_id).first()
        if taken is not None:
            raise forms.ValidationError(
                f"This Campaign already takes the revenue of {taken.code}: a Campaign takes "
                "the revenue of one code."
            )
        return campaign_id


PREVIEW_COUNT = 5  # records previewed at a time from the store, unless asked otherwise
PREVIEW_MAX = 25


class RecordPickForm(forms.Form):
    """Records of the store to preview: one by its BigCommerce id, else the next `count`
    of its latest (`page` counts groups of `count`)."""

    id = forms.CharField(
        label="BigCommerce id",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 10}),
        help_text="For guests, the id of one of their orders.",
    )
    count = forms.IntegerField(
        label="Without an id: how many of the latest records",
        required=False,
        min_value=1,
        max_value=PREVIEW_MAX,
        initial=PREVIEW_COUNT,
        widget=forms.NumberInput(attrs={"size": 4}),
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_id(self):
        value = self.cleaned_data["id"].strip()
        if value and not value.isdigit():
            raise forms.ValidationError(f"{value!r} is not a BigCommerce id: ids are numbers.")
        return value

    def clean(self):
        cleaned = super().clean()
        cleaned["count"] = cleaned.get("count") or PREVIEW_COUNT
        cleaned["page"] = cleaned.get("page") or 1
        return cleaned


class SuggestionForm(forms.Form):
    """A suggested field mapping, as its Accept or Reject button sends it."""

    target_object = forms.CharField(max_length=80)
    target_field = forms.CharField(max_length=80)
    source = forms.CharField(max_length=500)
    convert = forms.ChoiceField(choices=FieldMapping.CONVERSIONS, required=False)

    def __init__(self, *args, setting: ObjectSetting, **kwargs):
        super().__init__(*args, **kwargs)
        self.setting = setting

    def clean_target_object(self):
        value = self.cleaned_data["target_object"]
        if value not in self.setting.target_objects():
            raise forms.ValidationError(
                f"{self.setting.get_source_display()} do not write {value}."
            )
        return value

    def clean_target_field(self):
        return check_api_name(self.cleaned_data["target_field"])

    def clean_source(self):
        return check_path(self.cleaned_data["source"])

    def suggestion(self) -> Suggestion:
        data = self.cleaned_data
        return Suggestion(
            data["target_object"], data["target_field"], data["source"], data["convert"], ""
        )
