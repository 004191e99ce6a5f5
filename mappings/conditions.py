"""Sync conditions and record type rules: predicates over a source record. Pure functions."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from mappings.paths import get_path

OPERATORS = {
    "eq": "=",
    "ne": "≠",
    "lt": "<",
    "gt": ">",
    "contains": "contains",
    "in": "in",
    "empty": "is empty",
    "not_empty": "is not empty",
}


@dataclass(frozen=True)
class Condition:
    path: str
    operator: str
    value: str = ""


def matches(record: dict, condition: Condition) -> bool:
    actual = get_path(record, condition.path)
    op = condition.operator
    if op == "empty":
        return _empty(actual)
    if op == "not_empty":
        return not _empty(actual)
    if op == "contains":
        return _contains(actual, condition.value)
    if op == "in":
        return any(_equal(actual, option.strip()) for option in condition.value.split(","))
    if op in ("eq", "ne"):
        return _equal(actual, condition.value) == (op == "eq")
    if op in ("lt", "gt"):
        return _compare(actual, condition.value, op)
    raise ValueError(f"Unknown operator {op!r}")


def passes(
    record: dict, conditions: list[Condition], *, mode: str = "all", action: str = "allow"
) -> bool:
    """Whether a record syncs: `allow` syncs what matches, `stop` syncs what does not."""
    if not conditions:
        return True
    check = all if mode == "all" else any
    matched = check(matches(record, c) for c in conditions)
    return matched if action == "allow" else not matched


@dataclass(frozen=True)
class RecordTypeRule:
    condition: Condition
    record_type: str


def record_type_for(record: dict, rules: list[RecordTypeRule]) -> str | None:
    """The record type of the first rule that matches, in order."""
    return next((r.record_type for r in rules if matches(record, r.condition)), None)


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _equal(actual, expected: str) -> bool:
    left, right = _number(actual), _number(expected)
    if left is not None and right is not None:
        return left == right
    if isinstance(actual, bool):
        return str(actual).lower() == expected.strip().lower()
    return str("" if actual is None else actual).strip().lower() == expected.strip().lower()


def _compare(actual, expected: str, op: str) -> bool:
    left, right = _number(actual), _number(expected)
    if left is None or right is None:
        left, right = str(actual or ""), expected  # ISO dates compare as text
    return left < right if op == "lt" else left > right


def _contains(actual, expected: str) -> bool:
    if isinstance(actual, list):
        return any(_equal(item, expected) for item in actual)
    return expected.strip().lower() in str(actual or "").lower()
