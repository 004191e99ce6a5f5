"""Turning the rows of a Bulk API 2.0 upload into writes, and the writes into result rows.

An empty cell leaves the field as it is (on insert: empty); `#N/A` sets it to null. A column
`Relationship.Field` names the parent by one of its external ID values, e.g.
`Account.BigCommerce_ID__c`.
"""

CHUNK = 200
NULL_VALUE = "#N/A"


def column_error(schema, job, header: list[str]) -> str | None:
    """Why the columns do not fit the job's object and operation, or None."""
    if job.operation in ("delete", "hardDelete"):
        if [name.lower() for name in header] != ["id"]:
            return "InvalidBatch : The 'delete' batch must contain only 'Id'"
        return None
    for name in header:
        if not _column_known(schema, name):
            return f"InvalidBatch : Field name not found : {name}"
    lowered = [name.lower() for name in header]
    if job.operation == "update" and "id" not in lowered:
        return "InvalidBatch : The 'update' batch must contain the 'Id' column"
    if job.operation == "upsert" and job.external_id_field.lower() not in lowered:
        return (
            f"InvalidBatch : The 'upsert' batch must contain the '{job.external_id_field}' column"
        )
    return None


def _column_known(schema, name: str) -> bool:
    if "." not in name:
        return schema.field(name) is not None
    relationship, _, field_name = name.partition(".")
    reference = schema.relationship(relationship)
    return reference is not None and bool(field_name)


def _record(header: list[str], row: list[str]) -> dict:
    record = {}
    for name, cell in zip(header, row, strict=False):
        if cell == "":
            continue
        value = None if cell == NULL_VALUE else cell
        if "." in name:
            relationship, _, field_name = name.partition(".")
            if value is not None:
                record[relationship] = {field_name: value}
        else:
            record[name] = value
    return record


def run_rows(writer, schema, job, header, rows):
    """Write the rows in chunks; returns (successful result rows, failed result rows)."""
    successes, failures = [], []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        for row, result in zip(
            chunk, _write_chunk(writer, schema, job, header, chunk), strict=True
        ):
            padded = row + [""] * (len(header) - len(row))
            if result.success:
                created = "true" if result.created or job.operation == "insert" else "false"
                successes.append([result.id, created, *padded])
            else:
                failures.append([result.id or "", result.errors[0].bulk_text(), *padded])
    return successes, failures


def _write_chunk(writer, schema, job, header, chunk):
    writer.references.clear()
    records = [_record(header, row) for row in chunk]
    if job.operation in ("delete", "hardDelete"):
        hard = job.operation == "hardDelete"
        return writer.delete([_pop_id(record) for record in records], hard=hard)
    if job.operation == "insert":
        return writer.create([(schema, record) for record in records])
    if job.operation == "update":
        return writer.update([(schema, _pop_id(record), record) for record in records])
    key_field = schema.field(job.external_id_field)
    items = []
    for record in records:
        value = next((v for k, v in record.items() if k.lower() == key_field.name.lower()), None)
        items.append((value, record))
    return writer.upsert(schema, key_field, items)


def _pop_id(record: dict):
    key = next((k for k in record if k.lower() == "id"), None)
    return record.pop(key) if key else None
