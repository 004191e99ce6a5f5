"""sObject Collections: up to 200 records per call, one result per record, in order.

Results are SaveResult / UpsertResult items whose errors use `statusCode` (not `errorCode`).
Without allOrNone each record stands alone; with it, one failure fails them all and nothing
is saved.
"""

from sandbox.salesforce import ids, store
from sandbox.salesforce.dml import Writer
from sandbox.salesforce.errors import ApiError, json_parser_error, not_found
from sandbox.salesforce.records import record_body

MAX_RECORDS = 200
UPSERT_SINCE = 46.0


def _records(body: dict) -> list[dict]:
    records = body.get("records")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise json_parser_error("records must be a list of objects")
    if len(records) > MAX_RECORDS:
        raise ApiError(
            400,
            "EXCEEDED_ID_LIMIT",
            "record limit reached. cannot submit more than 200 records into this call",
        )
    return records


def _truthy(value) -> bool:
    return value is True or str(value).lower() == "true"


def _type_of(ctx, raw: dict):
    attributes = raw.get("attributes") if isinstance(raw.get("attributes"), dict) else {}
    return ctx.schema.get(str(attributes.get("type") or ""))


def create(ctx, body: dict) -> list[dict]:
    records = _records(body)
    writer = Writer(ctx, all_or_none=_truthy(body.get("allOrNone")))
    results = writer.create([(_type_of(ctx, raw), raw) for raw in records])
    return [result.collection_item() for result in results]


def update(ctx, body: dict) -> list[dict]:
    records = _records(body)
    writer = Writer(ctx, all_or_none=_truthy(body.get("allOrNone")))
    items = []
    for raw in records:
        record_id = next((v for k, v in raw.items() if k.lower() == "id"), None)
        fields = {k: v for k, v in raw.items() if k.lower() != "id"}
        items.append((_type_of(ctx, raw), record_id, fields))
    return [result.collection_item() for result in writer.update(items)]


def upsert(ctx, object_name: str, field_name: str, body: dict) -> list[dict]:
    if ctx.api_version < UPSERT_SINCE:
        raise not_found()
    schema = ctx.schema.get(object_name)
    if schema is None:
        raise not_found()
    key_field = schema.field(field_name)
    if key_field is None or not (key_field.is_indexed_key or key_field.name == "Id"):
        raise ApiError(
            400,
            "INVALID_FIELD",
            f"Field name provided, {field_name} is not an External ID or indexed field for "
            f"{schema.name}",
        )
    records = _records(body)
    items = []
    for raw in records:
        value = next((v for k, v in raw.items() if k.lower() == key_field.name.lower()), None)
        items.append((value, raw))
    writer = Writer(ctx, all_or_none=_truthy(body.get("allOrNone")))
    return [result.collection_item() for result in writer.upsert(schema, key_field, items)]


def delete(ctx, query) -> list[dict]:
    raw_ids = [part.strip() for part in (query.get("ids") or "").split(",") if part.strip()]
    if not raw_ids:
        raise ApiError(400, "MISSING_ARGUMENT", "ids not specified")
    if len(raw_ids) > MAX_RECORDS:
        raise ApiError(
            400,
            "EXCEEDED_ID_LIMIT",
            "record limit reached. cannot submit more than 200 records into this call",
        )
    writer = Writer(ctx, all_or_none=_truthy(query.get("allOrNone")))
    return [result.collection_item() for result in writer.delete(raw_ids)]


def retrieve(ctx, object_name: str, raw_ids: list[str], field_names: list[str]) -> list:
    """GET /composite/sobjects/{Object}?ids=&fields=: the records, null where not found."""
    schema = ctx.schema.get(object_name)
    if schema is None:
        raise not_found()
    fields = []
    for name in field_names:
        spec = schema.field(name)
        if spec is None:
            raise ApiError(
                400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {schema.name}"
            )
        fields.append(spec.name)
    if not fields:
        raise ApiError(400, "MISSING_ARGUMENT", "fields not specified")
    normalized = [ids.normalize(raw) for raw in raw_ids]
    found = store.documents(ctx.org, [record_id for record_id in normalized if record_id])
    return [
        record_body(schema, found[record_id], ctx.version, fields)
        if record_id in found and found[record_id].get("Id", "")[:3] == schema.key_prefix
        else None
        for record_id in normalized
    ]
