"""Checks of one record's field values, as a real org makes them on save.

The order and wording follow the errors clients report: unknown fields (INVALID_FIELD),
read-only fields (INVALID_FIELD_FOR_INSERT_UPDATE), wrong types, lengths (STRING_TOO_LONG),
restricted picklists, numbers out of range, then missing required fields.
"""

from dataclasses import dataclass

from sandbox.salesforce.errors import RecordError
from sandbox.salesforce.schema import FieldSpec, ObjectSchema
from sandbox.salesforce.values import TEXT_TYPES, ValueProblem, to_stored

IGNORED_KEYS = frozenset({"attributes"})


class InvalidRecord(Exception):
    """Raised while reading a record body; carries the error the record fails with."""

    def __init__(self, error: RecordError):
        super().__init__(error.message)
        self.error = error


@dataclass(frozen=True)
class ExternalRef:
    """A parent named by one of its external ID or unique field values instead of its Id."""

    field: FieldSpec  # the lookup field of the child, e.g. Contact.AccountId
    target: str  # the parent object
    key_field: str  # the parent's field, e.g. BigCommerce_ID__c
    value: str


def readonly_error(names: list[str]) -> RecordError:
    return RecordError(
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        f"Unable to create/update fields: {', '.join(names)}. Please check the security "
        "settings of this field and verify that it is read/write for your profile or "
        "permission set.",
        tuple(names),
    )


def required_error(names: list[str]) -> RecordError:
    return RecordError(
        "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(names)}]", tuple(names)
    )


def parse_values(schema: ObjectSchema, org_schema, raw: dict, creating: bool):
    """(values, external references) from a record body; raises InvalidRecord."""
    values, refs, readonly = {}, [], []
    for key, raw_value in raw.items():
        if key in IGNORED_KEYS:
            continue
        spec = schema.field(key)
        if spec is None and isinstance(raw_value, dict):
            refs.append(_external_ref(schema, org_schema, key, raw_value))
            continue
        if spec is None:
            raise InvalidRecord(
                RecordError(
                    "INVALID_FIELD", f"No such column '{key}' on sobject of type {schema.name}"
                )
            )
        if not (spec.createable if creating else spec.updateable):
            readonly.append(spec.name)
            continue
        values[spec.name] = _stored(spec, raw_value)
    if readonly:
        raise InvalidRecord(readonly_error(readonly))
    return values, refs


def _stored(spec: FieldSpec, raw_value):
    try:
        value = to_stored(spec, raw_value)
    except ValueProblem as problem:
        raise InvalidRecord(RecordError(problem.code, problem.message, (spec.name,))) from None
    if value is None and spec.type == "boolean":
        return False
    if spec.type == "picklist" and value is not None:
        return next((v for v in spec.picklist if v.lower() == value.lower()), value)
    return value


def _external_ref(schema: ObjectSchema, org_schema, key: str, body: dict) -> ExternalRef:
    reference = schema.relationship(key)
    if reference is None:
        raise InvalidRecord(
            RecordError("INVALID_FIELD", f"No such column '{key}' on sobject of type {schema.name}")
        )
    target = org_schema.get(reference.reference_to[0])
    pairs = [(name, value) for name, value in body.items() if name not in IGNORED_KEYS]
    if len(pairs) != 1:
        raise InvalidRecord(
            RecordError(
                "INVALID_FIELD",
                f"A foreign key for {key} must name exactly one external ID field and value",
                (reference.name,),
            )
        )
    name, value = pairs[0]
    key_field = target.field(name)
    if key_field is None or not (key_field.is_indexed_key or key_field.name == "Id"):
        raise InvalidRecord(
            RecordError(
                "INVALID_FIELD",
                f"Field name provided, {name} is not an External ID or indexed field for "
                f"{target.name}",
                (reference.name,),
            )
        )
    return ExternalRef(reference, target.name, key_field.name, str(value))


def constraint_error(schema: ObjectSchema, values: dict) -> RecordError | None:
    """The first length, picklist or number-range problem among the values being saved."""
    for name, value in values.items():
        if value is None:
            continue
        spec = schema.fields[name]
        error = _constraint(spec, value)
        if error:
            return error
    return None


def _constraint(spec: FieldSpec, value) -> RecordError | None:
    if spec.type in TEXT_TYPES and spec.length and len(value) > spec.length:
        return RecordError(
            "STRING_TOO_LONG",
            f"{spec.label}: data value too large: {value} (max length={spec.length})",
            (spec.name,),
        )
    if spec.type == "picklist" and spec.restricted and value not in spec.picklist:
        return RecordError(
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            f"{spec.label}: bad value for restricted picklist field: {value}",
            (spec.name,),
        )
    is_decimal = spec.precision and spec.type in ("double", "currency", "percent")
    if is_decimal and abs(value) >= 10 ** (spec.precision - (spec.scale or 0)):
        return RecordError(
            "NUMBER_OUTSIDE_VALID_RANGE",
            f"{spec.label}: value outside of valid range on numeric field: {value}",
            (spec.name,),
        )
    return None


def missing_required(schema: ObjectSchema, document: dict, changed: dict, creating: bool):
    """REQUIRED_FIELD_MISSING for required fields left empty by this save, if any."""
    names = []
    for spec in schema.fields.values():
        if spec.nillable or spec.type == "boolean" or not (spec.createable or spec.updateable):
            continue
        if creating:
            missing = spec.required and document.get(spec.name) is None
        else:
            missing = spec.name in changed and changed[spec.name] is None
        if missing:
            names.append(spec.name)
    return required_error(names) if names else None
