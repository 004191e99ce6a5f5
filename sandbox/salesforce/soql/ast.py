"""The parsed form of a SOQL query, before its names are checked against a schema."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldPath:
    """A field, possibly reached through parent relationships: `Account.Owner.Name`."""

    parts: tuple[str, ...]
    position: int

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Literal:
    """A value in a condition. `kind` is string, number, boolean, null, date, datetime or
    date_literal (then `value` is the literal's name and `n` its number, if any)."""

    kind: str
    value: object
    position: int
    n: int | None = None


@dataclass(frozen=True)
class Comparison:
    field: FieldPath
    operator: str  # = != < <= > >= LIKE
    value: Literal


@dataclass(frozen=True)
class InList:
    field: FieldPath
    values: tuple[Literal, ...]
    negated: bool


@dataclass(frozen=True)
class BoolOp:
    operator: str  # AND, OR
    operands: tuple


@dataclass(frozen=True)
class Not:
    operand: object


@dataclass(frozen=True)
class Ordering:
    field: FieldPath
    descending: bool = False
    nulls_last: bool | None = None  # None: Salesforce's default for the direction

    @property
    def nulls_come_last(self) -> bool:
        return self.descending if self.nulls_last is None else self.nulls_last


@dataclass
class Query:
    object_name: str
    object_position: int
    fields: list[FieldPath] = field(default_factory=list)
    count_only: bool = False
    where: object = None
    order_by: list[Ordering] = field(default_factory=list)
    limit: int | None = None
    offset: int | None = None
