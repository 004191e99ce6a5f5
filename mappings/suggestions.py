"""Field mappings to suggest for the fields a store defines for itself (custom fields, form
fields, metafields) that no mapping reads yet.

Two sources: a writable field of a target sObject whose name (or label) is the store field's
name, spelt the Salesforce way (custom field "Warranty Years" and `Warranty_Years__c`), with a
type its example value fits; and the mappings of the same path in the user's other stores. A
suggestion an admin rejected is not made again for the store.

Reading them makes HTTP calls (one page of the store's records, the cached describes): never
call it inside a database transaction.
"""

import re
from dataclasses import dataclass

from mappings import pickers
from mappings.models import Direction, FieldMapping, ObjectSetting
from mappings.source_fields import LINE_ITEM_OBJECTS
from mappings.validation import FITS
from stores.access import visible_stores

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
BOOLEANS = {"true", "false", "yes", "no"}
# The conversion a suggestion takes for the target field's type; text fields take the value
# as it is.
CONVERSIONS = {
    "double": "number",
    "currency": "money",
    "percent": "number",
    "int": "integer",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
}


@dataclass(frozen=True)
class Suggestion:
    target_object: str
    target_field: str
    source: str  # the path
    convert: str
    why: str

    def __str__(self):
        return f"{self.target_object}.{self.target_field} ← {self.source}"


def suggestions_for(store, setting: ObjectSetting, user) -> tuple[list[Suggestion], str]:
    """Suggestions for the setting's unmapped store fields, and a note when something could
    not be read."""
    targets = [t for t in setting.target_objects() if t not in LINE_ITEM_OBJECTS]
    if not targets:
        return [], ""
    records, note = pickers.sample_records(store, setting.source, targets[0])
    mappings = list(setting.field_mappings.all())
    read = {m.source for m in mappings}
    fields = [f for f in pickers.store_fields(records) if f.path not in read]
    if not fields:
        return [], note
    taken = {(m.target_object, m.target_field) for m in mappings}
    rejected = set(
        setting.rejected_suggestions.values_list("target_object", "target_field", "source")
    )
    found: dict[tuple, Suggestion] = {}
    for target in targets:
        described, why = pickers.describe_target(store, target)
        if described is None:
            note = note or why
            continue
        writable = {
            f["name"]: f
            for f in pickers.writable_fields(described)
            if (target, f["name"]) not in taken
        }
        for suggestion in _by_name(target, fields, writable.values()) + _from_other_stores(
            store, setting, user, target, fields, writable
        ):
            key = (suggestion.target_object, suggestion.target_field, suggestion.source)
            if key not in rejected:
                found.setdefault(key, suggestion)
    return list(found.values()), note


def _by_name(target: str, fields, writable) -> list[Suggestion]:
    suggested = []
    for store_field in fields:
        names = {name_key(store_field.name), name_key(store_field.name.split(".")[-1])}
        for field in writable:
            named = name_key(field["name"]) in names or name_key(field.get("label", "")) in names
            if named and fits(store_field.example, field.get("type", "")):
                suggested.append(
                    Suggestion(
                        target,
                        field["name"],
                        store_field.path,
                        CONVERSIONS.get(field.get("type", ""), ""),
                        f"{store_field.kind} “{store_field.name}” and {field['name']} "
                        f"({field.get('type')}) have the same name.",
                    )
                )
    return suggested


def _from_other_stores(store, setting, user, target, fields, writable) -> list[Suggestion]:
    """Mappings of the same path to a field this org has, in the user's other stores."""
    paths = {f.path for f in fields}
    rows = FieldMapping.objects.filter(
        setting__store__in=visible_stores(user).exclude(pk=store.pk),
        setting__source=setting.source,
        target_object=target,
        source__in=paths,
        target_field__in=list(writable),
    ).select_related("setting__store")
    return [
        Suggestion(
            target,
            row.target_field,
            row.source,
            row.convert,
            f"Mapped so in {row.setting.store.name}.",
        )
        for row in rows
    ]


def name_key(text: str) -> str:
    """A name as both sides spell it, compared: "Warranty Years", `Warranty_Years__c` and
    `WarrantyYears` all give "warrantyyears"."""
    text = re.sub(r"__c$", "", text or "")
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    return "".join(re.findall(r"[a-z0-9]+", text.lower()))


def fits(example: str, field_type: str) -> bool:
    """Whether a value like `example` fits a field of this type (no example: any)."""
    text_types = FITS["text"]
    if not example:
        return True
    if NUMBER.match(example):
        return field_type in FITS["number"] or field_type in text_types
    if example.lower() in BOOLEANS:
        return field_type == "boolean" or field_type in text_types
    if ISO_DATE.match(example):
        return field_type in ("date", "datetime") or field_type in text_types
    return field_type in text_types


def accept(setting: ObjectSetting, suggestion: Suggestion) -> FieldMapping:
    """The suggested field mapping, imported only: a path into the fields a store defines for
    itself names custom fields by position, no place to export to."""
    last = (
        setting.field_mappings.filter(target_object=suggestion.target_object)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return FieldMapping.objects.create(
        setting=setting,
        target_object=suggestion.target_object,
        target_field=suggestion.target_field,
        kind="field",
        source=suggestion.source,
        convert=suggestion.convert,
        direction=Direction.IMPORT,
        position=0 if last is None else last + 1,
    )


def reject(setting: ObjectSetting, suggestion: Suggestion) -> None:
    setting.rejected_suggestions.get_or_create(
        target_object=suggestion.target_object,
        target_field=suggestion.target_field,
        source=suggestion.source,
    )
