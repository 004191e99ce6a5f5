"""Fields derived from a source record, available to mappings beside the record's own."""

from mappings.models import SourceObject


def with_derived_fields(source: str, record: dict) -> dict:
    person = record.get("billing_address") or {} if source == SourceObject.GUEST else record
    full_name = " ".join(
        part for part in (person.get("first_name"), person.get("last_name")) if part
    ).strip()
    company = (person.get("company") or "").strip()
    return {**record, "full_name": full_name, "account_name": company or full_name}
