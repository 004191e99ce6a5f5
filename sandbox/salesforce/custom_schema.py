"""Custom objects and fields: their definition, checks, and their place in an org's schema."""

import re
import uuid

from django.db import transaction

from sandbox.salesforce import ids
from sandbox.salesforce.models import CustomField, CustomObject, Org
from sandbox.salesforce.schema import FieldSpec, ObjectSchema, OrgSchema
from sandbox.salesforce.standard_objects import STANDARD_OBJECTS, system_fields, text
from sandbox.salesforce.standard_objects import required as required_spec

API_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)__c$")
MAX_NAME_LENGTH = 40  # without the __c suffix

# Field type as the console names it -> (describe type, default length, most length allowed).
FIELD_TYPES = {
    "text": ("string", 255, 255),
    "textarea": ("textarea", 32768, 131072),
    "number": ("double", 0, 0),
    "currency": ("currency", 0, 0),
    "percent": ("percent", 0, 0),
    "checkbox": ("boolean", 0, 0),
    "date": ("date", 0, 0),
    "datetime": ("datetime", 0, 0),
    "picklist": ("picklist", 255, 255),
    "lookup": ("reference", 18, 18),
    "email": ("email", 80, 80),
    "phone": ("phone", 40, 40),
    "url": ("url", 255, 255),
}
KEY_TYPES = frozenset({"text", "number", "email"})
DEFAULT_SCALE = {"number": 0, "currency": 2, "percent": 0}


class SchemaError(ValueError):
    """A custom object or field definition that Salesforce would refuse."""


def _check_api_name(api_name: str, what: str) -> None:
    if not API_NAME.match(api_name or ""):
        raise SchemaError(
            f"The {what} API name {api_name!r} must start with a letter, use only letters, "
            "digits and single underscores, and end in __c."
        )
    if len(api_name) - 3 > MAX_NAME_LENGTH:
        raise SchemaError(f"The {what} API name {api_name!r} is longer than 40 characters.")


@transaction.atomic
def define_custom_object(
    org: Org, api_name: str, label: str, *, plural_label: str | None = None
) -> CustomObject:
    """Add a custom object with a Name field, owner and system fields; returns its definition."""
    org.refresh_from_db(fields=["schema_version"])
    _check_api_name(api_name, "object")
    if not (label or "").strip():
        raise SchemaError("A custom object needs a label.")
    if load_schema(org).get(api_name) is not None:
        raise SchemaError(f"The object {api_name} already exists in {org.name}.")
    number = CustomObject.objects.filter(org=org).count()
    definition = CustomObject.objects.create(
        org=org,
        api_name=api_name,
        label=label.strip(),
        plural_label=(plural_label or f"{label.strip()}s").strip(),
        key_prefix="a" + ids.base62(number, 2),
    )
    _schema_changed(org)
    return definition


@transaction.atomic
def define_custom_field(
    org: Org,
    object_name: str,
    api_name: str,
    type: str,
    *,
    external_id: bool = False,
    unique: bool = False,
    length: int | None = None,
    picklist_values: list[str] | None = None,
    reference_to: str | None = None,
    required: bool = False,
    label: str | None = None,
    scale: int | None = None,
    restricted_picklist: bool = True,
) -> CustomField:
    """Add a custom field to a standard or custom object; raises SchemaError on bad input."""
    org.refresh_from_db(fields=["schema_version"])
    schema = load_schema(org)
    target = schema.get(object_name)
    if target is None:
        raise SchemaError(f"There is no object {object_name!r} in {org.name}.")
    _check_api_name(api_name, "field")
    if target.field(api_name) is not None:
        raise SchemaError(f"{target.name}.{api_name} already exists.")
    if type not in FIELD_TYPES:
        raise SchemaError(f"Unknown field type {type!r}; use one of {', '.join(FIELD_TYPES)}.")
    if (external_id or unique) and type not in KEY_TYPES:
        raise SchemaError("Only text, number and email fields can be external IDs or unique.")
    if required and type == "checkbox":
        raise SchemaError("A checkbox always has a value; it cannot be required.")
    definition = CustomField.objects.create(
        org=org,
        object_name=target.name,
        api_name=api_name,
        label=(label or api_name.removesuffix("__c").replace("_", " ")).strip(),
        field_type=type,
        length=_checked_length(type, length),
        scale=_checked_scale(type, scale),
        external_id=external_id,
        unique=unique,
        required=required,
        picklist_values=_checked_picklist(type, picklist_values),
        restricted_picklist=restricted_picklist,
        reference_to=_checked_reference(schema, type, reference_to),
    )
    _schema_changed(org)
    return definition


def _checked_length(type_: str, length: int | None) -> int | None:
    _, default, most = FIELD_TYPES[type_]
    if length is None:
        return default or None
    if type_ not in ("text", "textarea"):
        raise SchemaError(f"A {type_} field has no length to set.")
    if not 1 <= length <= most:
        raise SchemaError(f"The length of a {type_} field is between 1 and {most}.")
    return length


def _checked_scale(type_: str, scale: int | None) -> int | None:
    if type_ not in DEFAULT_SCALE:
        if scale is not None:
            raise SchemaError(f"A {type_} field has no decimal places to set.")
        return None
    scale = DEFAULT_SCALE[type_] if scale is None else scale
    if not 0 <= scale <= 17:
        raise SchemaError("Decimal places are between 0 and 17.")
    return scale


def _checked_picklist(type_: str, values: list[str] | None) -> list[str]:
    if type_ != "picklist":
        if values:
            raise SchemaError("Only picklist fields take picklist values.")
        return []
    cleaned = [str(value).strip() for value in values or [] if str(value).strip()]
    if not cleaned:
        raise SchemaError("A picklist field needs at least one value.")
    if len({value.lower() for value in cleaned}) != len(cleaned):
        raise SchemaError("Picklist values must be different from each other.")
    return cleaned


def _checked_reference(schema, type_: str, reference_to: str | None) -> str:
    if type_ != "lookup":
        if reference_to:
            raise SchemaError("Only lookup fields refer to another object.")
        return ""
    target = schema.get(reference_to or "")
    if target is None:
        raise SchemaError(
            f"A lookup field needs an existing object to refer to, not {reference_to!r}."
        )
    return target.name


def custom_object_schemas(org: Org) -> list[ObjectSchema]:
    schemas = []
    for row in CustomObject.objects.filter(org=org):
        name_field = required_spec(text("Name", 80, label=f"{row.label} Name", name_field=True))
        specs = [*system_fields(owner=True), name_field]
        schemas.append(
            ObjectSchema(
                name=row.api_name,
                label=row.label,
                label_plural=row.plural_label,
                key_prefix=row.key_prefix,
                fields={spec.name: spec for spec in specs},
                custom=True,
            )
        )
    return schemas


def custom_field_specs(org: Org) -> dict[str, list[FieldSpec]]:
    by_object: dict[str, list[FieldSpec]] = {}
    for row in CustomField.objects.filter(org=org):
        by_object.setdefault(row.object_name, []).append(_spec_of(row))
    return by_object


def _spec_of(row: CustomField) -> FieldSpec:
    describe_type = FIELD_TYPES[row.field_type][0]
    is_checkbox = row.field_type == "checkbox"
    return FieldSpec(
        name=row.api_name,
        label=row.label,
        type=describe_type,
        length=row.length or 0,
        precision=18 if row.scale is not None else 0,
        scale=row.scale,
        nillable=not (row.required or is_checkbox),
        defaulted_on_create=is_checkbox,
        default_value=False if is_checkbox else None,
        external_id=row.external_id,
        unique=row.unique,
        picklist=tuple(row.picklist_values),
        restricted=row.restricted_picklist and row.field_type == "picklist",
        reference_to=(row.reference_to,) if row.reference_to else (),
        relationship_name=row.api_name.removesuffix("__c") + "__r" if row.reference_to else None,
        custom=True,
    )


# Built schemas by org, each with the schema_version it was built for.
_built: dict[int, tuple[str, OrgSchema]] = {}


def load_schema(org: Org) -> OrgSchema:
    """The standard objects, with the org's custom objects and fields added.

    A schema once built is reused by this process while the org's schema_version is the same.
    """
    version = org.schema_version
    cached = _built.get(org.pk)
    if version and cached and cached[0] == version:
        return cached[1]
    schema = _build_schema(org)
    if version:
        _built[org.pk] = (version, schema)
    return schema


def _schema_changed(org: Org) -> None:
    org.schema_version = uuid.uuid4().hex
    Org.objects.filter(pk=org.pk).update(schema_version=org.schema_version)


def _build_schema(org: Org) -> OrgSchema:
    schema = OrgSchema()
    for standard in STANDARD_OBJECTS:
        schema.add(standard)
    for custom in custom_object_schemas(org):
        schema.add(custom)
    for object_name, specs in custom_field_specs(org).items():
        current = schema.get(object_name)
        if current is not None:
            schema.add(current.with_fields(specs))
    return schema
