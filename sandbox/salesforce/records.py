"""Reading single records, replication (getUpdated / getDeleted), and helpers that show what
landed in an emulated org (for tests and the console)."""

from datetime import timedelta

from sandbox.salesforce import ids, keys
from sandbox.salesforce.custom_schema import load_schema
from sandbox.salesforce.errors import ApiError, not_found
from sandbox.salesforce.models import Record
from sandbox.salesforce.schema import ObjectSchema
from sandbox.salesforce.soql.evaluate import attributes
from sandbox.salesforce.values import format_datetime, now, parse_datetime

UPDATED_WINDOW = timedelta(days=30)
DELETED_WINDOW = timedelta(days=15)


def record_body(schema: ObjectSchema, data: dict, version: str, fields=None) -> dict:
    """A record as GET /sobjects/{Object}/{id} shows it: every field, null when empty."""
    names = fields or list(schema.fields)
    body = {"attributes": attributes(schema.name, data["Id"], version)}
    for name in names:
        body[name] = data.get(name)
    return body


def selected_fields(schema: ObjectSchema, fields_param: str | None) -> list[str] | None:
    if not fields_param:
        return None
    names = []
    for raw in fields_param.split(","):
        spec = schema.field(raw.strip())
        if spec is None:
            raise ApiError(
                400,
                "INVALID_FIELD",
                f"No such column '{raw.strip()}' on sobject of type {schema.name}",
            )
        names.append(spec.name)
    return names


def get_by_id(org, schema: ObjectSchema, raw_id: str) -> Record:
    record_id = ids.normalize(raw_id)
    if record_id is None:
        raise not_found(f"Provided external ID field does not exist or is not accessible: {raw_id}")
    record = Record.objects.filter(org=org, record_id=record_id, object_name=schema.name).first()
    if record is None or record.is_deleted:
        raise not_found()
    return record


def find_by_key(org, schema: ObjectSchema, field_name: str, raw_value: str) -> list[str]:
    """Ids of the live records whose external ID (or unique) field holds the value."""
    spec = schema.field(field_name)
    if spec is None or not (spec.is_indexed_key or spec.name == "Id"):
        raise not_found(
            f"Provided external ID field does not exist or is not accessible: {field_name}"
        )
    value = keys.normalized_key(spec, raw_value)
    if value is None:
        return []
    if spec.name == "Id":
        return keys.lookup_ids(org, schema.name, [value]).get(value, [])
    return keys.lookup(org, schema.name, spec.name, [value]).get(value, [])


def _window(query, longest: timedelta) -> tuple:
    start, end = (parse_datetime(query.get(name) or "") for name in ("start", "end"))
    if start is None or end is None:
        raise ApiError(400, "INVALID_REPLICATION_DATE", "start and end must be ISO 8601 dates")
    start, end = (moment.replace(second=0, microsecond=0) for moment in (start, end))
    if start > end:
        raise ApiError(
            400, "INVALID_REPLICATION_DATE", "startDate must chronologically precede endDate"
        )
    if start < now() - longest:
        raise ApiError(
            400,
            "INVALID_REPLICATION_DATE",
            f"startDate cannot be more than {longest.days} days ago",
        )
    return start, end


def updated_ids(org, schema: ObjectSchema, query) -> dict:
    """getUpdated: Ids of records changed (SystemModstamp) in the window, minute-aligned."""
    start, end = _window(query, UPDATED_WINDOW)
    rows = Record.objects.filter(
        org=org,
        object_name=schema.name,
        is_deleted=False,
        system_modstamp__gte=start,
        system_modstamp__lt=end,
    ).order_by("record_id")
    return {
        "ids": list(rows.values_list("record_id", flat=True)),
        "latestDateCovered": format_datetime(end),
    }


def deleted_records(org, schema: ObjectSchema, query) -> dict:
    """getDeleted: records deleted in the window, minute-aligned.

    `earliestDateAvailable` is when the delete log was last purged: a window starting before it
    may miss deletions. The emulator never purges early, so it is the start of the 15 days the
    log keeps, and a window the API accepts never starts before it.
    """
    start, end = _window(query, DELETED_WINDOW)
    rows = Record.objects.filter(
        org=org,
        object_name=schema.name,
        is_deleted=True,
        deleted_at__gte=start,
        deleted_at__lt=end,
    ).order_by("deleted_at")
    kept_since = (now() - DELETED_WINDOW).replace(second=0, microsecond=0)
    return {
        "deletedRecords": [
            {"id": record_id, "deletedDate": format_datetime(deleted_at)}
            for record_id, deleted_at in rows.values_list("record_id", "deleted_at")
        ],
        "earliestDateAvailable": format_datetime(kept_since),
        "latestDateCovered": format_datetime(end),
    }


def all_records(org, object_name: str, *, include_deleted: bool = False) -> list[dict]:
    """Every record of the object in the org, oldest first."""
    schema = load_schema(org).get(object_name)
    if schema is None:
        raise LookupError(f"There is no object {object_name!r} in {org.name}.")
    rows = Record.objects.filter(org=org, object_name=schema.name)
    if not include_deleted:
        rows = rows.filter(is_deleted=False)
    return list(rows.order_by("record_id").values_list("data", flat=True))


def count(org, object_name: str, **filters) -> int:
    """How many live records of the object have exactly these field values."""
    return sum(
        1
        for data in all_records(org, object_name)
        if all(data.get(name) == value for name, value in filters.items())
    )
