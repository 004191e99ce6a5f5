"""The filter and transform stages: which records sync, and the values each target gets.

Pure apart from the per-run lookups in the context (record type Ids). Values come out as plain
JSON types (money as numbers, dates as ISO text), the form they are sent, logged and hashed in.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from integrations import errors
from mappings.conditions import record_type_for
from mappings.transform import transform


@dataclass
class Prepared:
    """One unit to write (a record, or a variant of a product) and its values per sObject."""

    source_id: str  # the BigCommerce record the log row is about
    unit_id: str  # the identity map's id for this unit (a variant id for variants)
    record: dict
    values: dict = field(default_factory=dict)
    error: errors.APIError | None = None
    lookups: dict = field(default_factory=dict)  # parent Ids, e.g. AccountId
    items: list = field(default_factory=list)  # an order's lines: (item id, entry Id, values)

    @property
    def ok(self) -> bool:
        return self.error is None


def prepare(ctx, setting, record: dict, targets, *, source_id=None, unit_id=None) -> Prepared:
    source_id = str(source_id if source_id is not None else record["id"])
    prepared = Prepared(source_id, str(unit_id if unit_id is not None else source_id), record)
    problems = {}
    for sobject in targets:
        prepared.values[sobject] = mapped_values(ctx, setting, record, sobject, problems)
    if problems:
        prepared.error = mapping_error(problems)
    return prepared


def mapped_values(ctx, setting, record: dict, sobject: str, problems: dict) -> dict:
    """One sObject's values for a record; what does not fit is added to `problems`."""
    result = transform(record, ctx.rules(setting, sobject))
    problems.update({f"{sobject}.{name}": text for name, text in result.errors.items()})
    values = {name: plain(value) for name, value in result.values.items()}
    record_type = record_type_for(record, ctx.record_type_rules(setting, sobject))
    if record_type:
        record_type_id = ctx.record_type_id(sobject, record_type)
        if record_type_id is None:
            problems[f"{sobject}.RecordTypeId"] = (
                f"The org has no {sobject} record type {record_type!r}."
            )
        values["RecordTypeId"] = record_type_id
    return values


def mapping_error(problems: dict, code: str = "MAPPING") -> errors.ValidationFailed:
    return errors.ValidationFailed(
        "; ".join(problems.values()),
        field_errors=problems,
        code=code,
        fields=list(problems),
        system="connector",
    )


def plain(value):
    if isinstance(value, Decimal):
        return float(value)  # JSON numbers; amounts are already rounded to cents
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
