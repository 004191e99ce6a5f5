"""External ID and unique field values: upsert matching, uniqueness, foreign keys by value.

Matching is exact (case-sensitive), as for unique fields defined with "Treat ABC and abc as
different values".
"""

from collections import Counter, defaultdict

from sandbox.salesforce import ids, store
from sandbox.salesforce.changes import Change
from sandbox.salesforce.errors import RecordError
from sandbox.salesforce.models import RecordKey
from sandbox.salesforce.values import ValueProblem, to_stored


def key_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalized_key(key_field, raw_value) -> str | None:
    """The text under which a raw external ID value is indexed, or None if it cannot be one."""
    if raw_value is None or (isinstance(raw_value, str) and not raw_value.strip()):
        return None
    if key_field.name == "Id":
        return ids.normalize(str(raw_value))
    try:
        stored = to_stored(key_field, raw_value)
    except ValueProblem:
        return None
    return None if stored is None else key_text(stored)


def lookup(org, object_name: str, field_name: str, values) -> dict[str, list[str]]:
    """Record Ids holding each value of the field."""
    found = defaultdict(list)
    for part in store.chunks(sorted(set(values))):
        rows = RecordKey.objects.filter(
            org=org, object_name=object_name, field_name=field_name, value__in=part
        ).values_list("value", "record_id")
        for value, record_id in rows:
            found[value].append(record_id)
    return found


def lookup_ids(org, object_name: str, values) -> dict[str, list[str]]:
    """Live records of the object among the given Ids (for upserts and foreign keys by Id)."""
    documents = store.typed_documents(org, values)
    return {
        record_id: [record_id]
        for record_id, (name, _, deleted) in documents.items()
        if name == object_name and not deleted
    }


def upsert_changes(writer, schema, key_field, items):
    texts = [normalized_key(key_field, raw_value) for raw_value, _ in items]
    present = [text for text in texts if text]
    if key_field.name == "Id":
        existing = lookup_ids(writer.org, schema.name, present)
    else:
        existing = lookup(writer.org, schema.name, key_field.name, present)
    repeated = Counter(present)
    return [
        _upsert_change(schema, key_field, raw_value, raw, text, existing, repeated)
        for (raw_value, raw), text in zip(items, texts, strict=True)
    ]


def _upsert_change(schema, key_field, raw_value, raw, text, existing, repeated) -> Change:
    body = {k: v for k, v in raw.items() if k.lower() != key_field.name.lower()}
    matches = existing.get(text, []) if text else []
    if len(matches) == 1:
        change = Change(schema, False, body, record_id=matches[0])
        change.created = False
    else:
        creating_body = body if key_field.name == "Id" else {**body, key_field.name: raw_value}
        change = Change(schema, True, creating_body)
        change.created = True
    if not text and key_field.name != "Id":
        change.fail(RecordError("MISSING_ARGUMENT", f"{key_field.name} not specified"))
    elif text and (repeated[text] > 1 or len(matches) > 1):
        # Not documented for collections: clients report this code for a value given twice.
        change.fail(
            RecordError("DUPLICATE_EXTERNAL_ID", f"Duplicate external id specified: {text}")
        )
    elif text and key_field.name == "Id" and not matches:
        change.fail(RecordError("NOT_FOUND", f"Provided Id does not exist: {text}"))
    return change


def find_external_refs(org, refs) -> dict[tuple, list[str]]:
    """Record Ids for each (object, key field, value) named by foreign keys."""
    by_field = defaultdict(set)
    for ref in refs:
        by_field[(ref.target, ref.key_field)].add(ref.value)
    found = {}
    for (target, key_field), values in by_field.items():
        if key_field == "Id":
            normalized = {value: ids.normalize(value) for value in values}
            live = lookup_ids(org, target, [v for v in normalized.values() if v])
            matches = {value: live.get(record_id, []) for value, record_id in normalized.items()}
        else:
            matches = lookup(org, target, key_field, values)
        for value, record_ids in matches.items():
            found[(target, key_field, value)] = record_ids
    return found


def check_unique(writer, changes) -> None:
    """DUPLICATE_VALUE for unique values already held by another record or earlier in the batch."""
    candidates = [
        (change, spec, key_text(change.values[spec.name]))
        for change in changes
        for spec in change.schema.key_fields
        if spec.unique and change.values.get(spec.name) is not None
    ]
    holders = {}
    by_field = defaultdict(set)
    for change, spec, text in candidates:
        by_field[(change.schema.name, spec.name)].add(text)
    for (object_name, field_name), values in by_field.items():
        for value, record_ids in lookup(writer.org, object_name, field_name, values).items():
            holders[(object_name, field_name, value)] = record_ids
    seen = set()
    for change, spec, text in candidates:
        slot = (change.schema.name, spec.name, text)
        others = [i for i in holders.get(slot, []) if i != change.record_id]
        if others:
            change.fail(_duplicate_value(spec.name, others[0]))
        elif slot in seen:
            change.fail(_duplicate_value("<unknown>", "<unknown>"))
        seen.add(slot)


def _duplicate_value(field_name: str, record_id: str) -> RecordError:
    return RecordError(
        "DUPLICATE_VALUE",
        f"duplicate value found: {field_name} duplicates value on record with id: {record_id}",
    )


def write_keys(writer, creates, updates) -> None:
    new_keys = [key for change in creates for key in _keys_of(writer.org, change)]
    changed = [
        change
        for change in updates
        if any(spec.name in change.values for spec in change.schema.key_fields)
    ]
    if changed:
        RecordKey.objects.filter(record_id__in=[change.record_id for change in changed]).delete()
        new_keys += [key for change in changed for key in _keys_of(writer.org, change)]
    if new_keys:
        RecordKey.objects.bulk_create(new_keys, batch_size=500)


def _keys_of(org, change) -> list[RecordKey]:
    return [
        RecordKey(
            record_id=change.record_id,
            org=org,
            object_name=change.schema.name,
            field_name=spec.name,
            value=key_text(change.document[spec.name]),
        )
        for spec in change.schema.key_fields
        if change.document.get(spec.name) is not None
    ]
