"""Fields derived from a source record, available to mappings beside the record's own."""

from mappings.models import SourceObject

# Paths the connector computes on import; BigCommerce has no such field to write back to.
DERIVED_PATHS = frozenset({"full_name", "account_name", "customer_group"})


def with_derived_fields(source: str, record: dict) -> dict:
    person = record.get("billing_address") or {} if source == SourceObject.GUEST else record
    full_name = " ".join(
        part for part in (person.get("first_name"), person.get("last_name")) if part
    ).strip()
    company = (person.get("company") or "").strip()
    return {**record, "full_name": full_name, "account_name": company or full_name}
