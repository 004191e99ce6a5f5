"""Checking a parsed query against the org's schema: names, and values against field types."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from sandbox.salesforce import ids
from sandbox.salesforce.errors import ApiError
from sandbox.salesforce.schema import FieldSpec, ObjectSchema, OrgSchema
from sandbox.salesforce.soql.ast import FieldPath, Literal, Query
from sandbox.salesforce.soql.dates import date_range
from sandbox.salesforce.soql.parser import query_error
from sandbox.salesforce.values import (
    ID_TYPES,
    NUMBER_TYPES,
    TEXT_TYPES,
    format_datetime,
    now,
    parse_datetime,
)

CUSTOM_HINT = (
    "If you are attempting to use a custom field, be sure to append the '__c' after the custom "
    "field name. Please reference your WSDL or the describe call for the appropriate names."
)
TYPE_NAMES = {"double": "double", "currency": "double", "percent": "double", "int": "int"}


@dataclass(frozen=True)
class BoundPath:
    """A field reached from the queried object, through zero or more parent lookups."""

    steps: tuple[FieldSpec, ...]
    targets: tuple[ObjectSchema, ...]
    field: FieldSpec
    names: tuple[str, ...]

    def value(self, data: dict | None, related: dict[str, dict]):
        for step in self.steps:
            if data is None:
                return None
            data = related.get(data.get(step.name))
        return None if data is None else data.get(self.field.name)


@dataclass(frozen=True)
class Range:
    """The values of a date literal: start inclusive, end exclusive, in the stored form."""

    start: str
    end: str


class Binder:
    def __init__(self, soql: str, schema: OrgSchema, query: Query):
        self.soql = soql
        self.schema = schema
        self.query = query
        self.object = schema.get(query.object_name)
        if self.object is None:
            raise query_error(
                soql,
                query.object_position,
                f"sObject type '{query.object_name}' is not supported. If you are attempting "
                "to use a custom object, be sure to append the '__c' after the entity name. "
                "Please reference your WSDL or the describe call for the appropriate names.",
                code="INVALID_TYPE",
            )

    def invalid_field(self, path: FieldPath, message: str) -> ApiError:
        line = self.soql.replace("\n", " ")
        return ApiError(400, "INVALID_FIELD", f"{line}\n{' ' * path.position}^\nERROR: {message}")

    def path(self, path: FieldPath) -> BoundPath:
        current, steps, targets, names = self.object, [], [], []
        for part in path.parts[:-1]:
            reference = current.relationship(part)
            if reference is None:
                raise self.invalid_field(
                    path,
                    f"Didn't understand relationship '{part}' in field path. {CUSTOM_HINT}",
                )
            current = self.schema.get(reference.reference_to[0])
            steps.append(reference)
            targets.append(current)
            names.append(reference.relationship_name)
        spec = current.field(path.parts[-1])
        if spec is None:
            raise self.invalid_field(
                path,
                f"No such column '{path.parts[-1]}' on entity '{current.name}'. {CUSTOM_HINT}",
            )
        return BoundPath(tuple(steps), tuple(targets), spec, (*names, spec.name))

    def operand(self, path: BoundPath, field_path: FieldPath, literal: Literal):
        """The literal in the stored form of the field (a Range for date literals)."""
        spec = path.field
        if literal.kind == "null":
            return None
        converter = self._converter(spec)
        value = converter(literal)
        if value is _MISMATCH:
            raise self.type_mismatch(field_path, spec, literal)
        return value

    def type_mismatch(self, field_path: FieldPath, spec: FieldSpec, literal: Literal) -> ApiError:
        type_name = TYPE_NAMES.get(spec.type, "dateTime" if spec.type == "datetime" else spec.type)
        if spec.type in TEXT_TYPES or spec.type in ID_TYPES:
            detail = f"must be of type {'id' if spec.type in ID_TYPES else 'string'} and should "
            detail += "be enclosed in quotes"
        elif literal.kind == "string":
            detail = f"must be of type {type_name} and should not be enclosed in quotes"
        else:
            detail = f"must be of type {type_name}"
        return self.invalid_field(
            field_path, f"value of filter criterion for field '{spec.name}' {detail}"
        )

    def _converter(self, spec: FieldSpec):
        if spec.type in ID_TYPES:
            return self._id_value
        if spec.type in TEXT_TYPES:
            return lambda lit: lit.value if lit.kind == "string" else _MISMATCH
        if spec.type in NUMBER_TYPES:
            return lambda lit: lit.value if lit.kind == "number" else _MISMATCH
        if spec.type == "boolean":
            return lambda lit: lit.value if lit.kind == "boolean" else _MISMATCH
        if spec.type == "date":
            return _date_value
        return _datetime_value

    def _id_value(self, literal: Literal):
        if literal.kind != "string":
            return _MISMATCH
        record_id = ids.normalize(literal.value)
        if record_id is None:
            raise ApiError(
                400, "INVALID_QUERY_FILTER_OPERATOR", f"invalid ID field: {literal.value}"
            )
        return record_id


_MISMATCH = object()


def _date_value(literal: Literal):
    if literal.kind == "date":
        return literal.value
    if literal.kind == "date_literal":
        start, end = date_range(literal.value, literal.n, now().date())
        return Range(start.isoformat(), end.isoformat())
    return _MISMATCH


def _datetime_value(literal: Literal):
    if literal.kind == "datetime":
        return format_datetime(parse_datetime(literal.value))
    if literal.kind == "date_literal":
        start, end = date_range(literal.value, literal.n, now().date())
        return Range(_midnight(start), _midnight(end))
    return _MISMATCH


def _midnight(day: date) -> str:
    return format_datetime(datetime.combine(day, time.min).replace(tzinfo=now().tzinfo))


def like_pattern(pattern: str) -> re.Pattern:
    """A regular expression for a LIKE pattern: % any text, _ one character, \\% and \\_ as is."""
    parts = re.split(r"(\\[%_]|%|_)", pattern)
    regex = "".join(
        ".*"
        if part == "%"
        else "."
        if part == "_"
        else re.escape(part[1])
        if part in ("\\%", "\\_")
        else re.escape(part)
        for part in parts
    )
    return re.compile(f"^{regex}$", re.IGNORECASE | re.DOTALL)
