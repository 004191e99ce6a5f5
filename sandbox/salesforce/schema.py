"""The objects and fields of an org: the standard objects plus the org's custom definitions."""

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

SYSTEM_FIELDS = frozenset(
    {
        "Id",
        "IsDeleted",
        "CreatedDate",
        "CreatedById",
        "LastModifiedDate",
        "LastModifiedById",
        "SystemModstamp",
    }
)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    label: str
    type: str
    length: int = 0
    precision: int = 0
    scale: int | None = None
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    defaulted_on_create: bool = False
    default_value: object = None
    external_id: bool = False
    unique: bool = False
    picklist: tuple[str, ...] = ()
    restricted: bool = False
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    custom: bool = False
    calculated: bool = False
    auto_number: bool = False
    name_field: bool = False
    cascade_delete: bool = False

    @property
    def required(self) -> bool:
        """Required on create, by the rule describe clients apply."""
        return not self.nillable and self.createable and not self.defaulted_on_create

    @property
    def is_reference(self) -> bool:
        return self.type == "reference"

    @property
    def is_indexed_key(self) -> bool:
        """Values kept in RecordKey rows: external IDs and unique fields."""
        return self.external_id or self.unique


@dataclass(frozen=True)
class ObjectSchema:
    name: str
    label: str
    label_plural: str
    key_prefix: str
    fields: dict[str, FieldSpec]
    custom: bool = False
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    record_types: bool = False

    @cached_property
    def _by_lower(self) -> dict[str, FieldSpec]:
        return {name.lower(): spec for name, spec in self.fields.items()}

    @cached_property
    def _by_relationship(self) -> dict[str, FieldSpec]:
        return {
            spec.relationship_name.lower(): spec
            for spec in self.fields.values()
            if spec.relationship_name
        }

    @cached_property
    def lookup_fields(self) -> tuple[str, ...]:
        """Names of the reference fields a record sets (not the audit ones the org sets)."""
        return tuple(
            spec.name
            for spec in self.fields.values()
            if spec.is_reference and spec.name not in SYSTEM_FIELDS
        )

    @cached_property
    def key_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(spec for spec in self.fields.values() if spec.is_indexed_key)

    def field(self, name: str) -> FieldSpec | None:
        return self._by_lower.get(name.lower())

    def relationship(self, name: str) -> FieldSpec | None:
        return self._by_relationship.get(name.lower())

    def with_fields(self, extra: list[FieldSpec]) -> "ObjectSchema":
        return replace(self, fields={**self.fields, **{spec.name: spec for spec in extra}})


@dataclass
class OrgSchema:
    objects: dict[str, ObjectSchema] = field(default_factory=dict)

    def add(self, schema: ObjectSchema) -> None:
        self.objects[schema.name.lower()] = schema

    def get(self, name: str) -> ObjectSchema | None:
        return self.objects.get(name.lower()) if name else None

    def by_prefix(self, prefix: str) -> ObjectSchema | None:
        for schema in self.objects.values():
            if schema.key_prefix == prefix:
                return schema
        return None

    def child_relationships(self, parent: str) -> list[tuple[ObjectSchema, FieldSpec]]:
        return [
            (child, spec)
            for child in self.objects.values()
            for spec in child.fields.values()
            if spec.is_reference and parent in spec.reference_to
        ]


def label_for(name: str) -> str:
    """A label from an API name: `BillingPostalCode` -> `Billing Postal Code`."""
    base = name.removesuffix("__c").replace("_", " ")
    if base.endswith("Id") and len(base) > 2:
        base = base[:-2] + " ID"
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", base).strip()
