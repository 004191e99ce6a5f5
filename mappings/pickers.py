"""What the field-mapping form offers to choose from: the target sObject's fields that the
connector can write, from the org's describe, and the source record's fields, those of
BigCommerce's schema and those the store defines for itself, each with an example from one of
the store's records.

Reading them makes HTTP calls: never call these inside a database transaction. What cannot be
read leaves a note saying why, and the form stays a text input.
"""

from dataclasses import dataclass

from integrations.bigcommerce import reads
from integrations.errors import APIError
from integrations.retry import RetryPolicy
from integrations.salesforce.client import SalesforceClient
from mappings.samples import SAMPLE_NOUNS, read_sample, sample_client
from mappings.source_fields import KNOWN, LINE_ITEM, LINE_ITEM_OBJECTS
from mappings.validation import required_by_salesforce

# An admin waits for the page: fewer tries than a run's.
PAGE_RETRY = RetryPolicy(max_attempts=2, max_rate_limit_wait=20.0)
PICKLIST_SHOWN = 12
EXAMPLE_CHARS = 40
STORE_DEFINED_KINDS = {
    "custom_fields": "Custom field",
    "form_fields": "Form field",
    "attributes": "Attribute",
    "metafields": "Metafield",
}


@dataclass(frozen=True)
class Option:
    value: str
    text: str  # what the list shows beside the value


@dataclass
class Choices:
    options: list[Option]
    note: str = ""  # why there is nothing, or less, to choose from

    @property
    def values(self) -> set[str]:
        return {option.value for option in self.options}


@dataclass(frozen=True)
class StoreField:
    """A field the store defines for itself, as one of its records has it."""

    path: str  # custom_fields.0.value, metafields.ns.key
    kind: str  # "Custom field"
    name: str  # the field's own name: Material, ns.key
    example: str

    @property
    def text(self) -> str:
        example = f" · e.g. {self.example}" if self.example else ""
        return f"{self.kind} “{self.name}”{example}"


# --- target fields ------------------------------------------------------------------------------
def describe_target(store, sobject: str, client=None) -> tuple[dict | None, str]:
    """The org's describe of `sobject`, or None and why it could not be read."""
    org = store.salesforce_org
    if org is None:
        return (
            None,
            f"{store.name} has no Salesforce org, so the fields of {sobject} cannot be listed.",
        )
    if not org.is_connected:
        return None, f"{org.name} is not connected, so the fields of {sobject} cannot be listed."
    client = client or SalesforceClient.for_org(org, retry=PAGE_RETRY)
    try:
        return client.describe(sobject), ""
    except APIError as exc:
        return None, f"The fields of {sobject} could not be read from {org.name}: {exc}."


def target_choices(store, sobject: str, client=None) -> Choices:
    described, why = describe_target(store, sobject, client)
    if described is None:
        return Choices([], f"{why} Type the field's API name.")
    return Choices([Option(f["name"], field_summary(f)) for f in writable_fields(described)])


def writable_fields(described: dict) -> list[dict]:
    fields = described.get("fields", [])
    writable = [f for f in fields if f.get("createable") or f.get("updateable")]
    return sorted(writable, key=lambda f: f["name"].lower())


def field_summary(field: dict) -> str:
    """Label · type(length) · required · values: the field as the list shows it."""
    kind = field.get("type", "")
    parts = [
        field.get("label") or field["name"],
        f"{kind}({field['length']})" if field.get("length") else kind,
    ]
    if required_by_salesforce(field):
        parts.append("required")
    values = [v["value"] for v in field.get("picklistValues") or [] if v.get("active", True)]
    if values:
        more = ", …" if len(values) > PICKLIST_SHOWN else ""
        parts.append("values: " + ", ".join(values[:PICKLIST_SHOWN]) + more)
    return " · ".join(parts)


# --- source fields ------------------------------------------------------------------------------
def source_choices(store, setting, target: str, bc=None) -> Choices:
    """BigCommerce's fields of the object, then the store's own found in one page of its
    records, each with an example value from a record that has one."""
    records, note = sample_records(store, setting.source, target, bc)
    known = LINE_ITEM if target in LINE_ITEM_OBJECTS else KNOWN[setting.source]
    options = [Option(name, _example(name, records)) for name in sorted(known)]
    options += [Option(field.path, field.text) for field in store_fields(records)]
    return Choices(options, note)


def sample_records(store, source: str, target: str, bc=None) -> tuple[list[dict], str]:
    """One page of the store's latest records (an order's lines for line item targets, each
    with its order), with metafields where the object has them; or none and why."""
    try:
        bc = bc or sample_client(store)
        records = read_sample(bc, source, metafields=reads.METAFIELD_PATHS.get(source) is not None)
    except APIError as exc:
        return (
            [],
            "The store's records could not be read from BigCommerce, so examples and its "
            f"own fields are missing: {exc}.",
        )
    if target in LINE_ITEM_OBJECTS:
        records = [{**item, "order": o} for o in records for item in reads.line_items(o)]
    if not records:
        return [], f"The store has no {SAMPLE_NOUNS[source]} yet, so there are no examples."
    return records, ""


def store_fields(records: list[dict]) -> list[StoreField]:
    """The fields the store defines for itself that these records hold, by path, each with
    the first non-empty example."""
    found: dict[str, StoreField] = {}
    for record in records:
        for field in _store_fields_of(record):
            if field.path not in found or (field.example and not found[field.path].example):
                found[field.path] = field
    return list(found.values())


def _store_fields_of(record: dict):
    for head, kind in STORE_DEFINED_KINDS.items():
        value = record.get(head)
        if head == "metafields" and isinstance(value, dict):
            for namespace, keys in value.items():
                for key, found in (keys or {}).items():
                    yield StoreField(
                        f"metafields.{namespace}.{key}", kind, f"{namespace}.{key}", _text(found)
                    )
        elif isinstance(value, list):
            for index, entry in enumerate(value):
                if isinstance(entry, dict):
                    yield from _entry_field(head, kind, index, entry)


def _entry_field(head: str, kind: str, index: int, entry: dict):
    """A list entry: {name, value} for custom and form fields, {attribute_id,
    attribute_value} for customer attributes. Paths name entries by position."""
    if "value" in entry and entry.get("name"):
        yield StoreField(f"{head}.{index}.value", kind, str(entry["name"]), _text(entry["value"]))
    elif "attribute_value" in entry:
        name = f"#{entry.get('attribute_id', index)}"
        yield StoreField(
            f"{head}.{index}.attribute_value", kind, name, _text(entry["attribute_value"])
        )


def _example(path: str, records: list[dict]) -> str:
    for record in records:
        text = _text(record.get(path))
        if text:
            return f"e.g. {text}"
    return ""


def _text(value) -> str:
    if value is None or value == "" or isinstance(value, dict | list):
        return ""
    text = str(value)
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"
