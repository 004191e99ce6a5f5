"""The transform stage: source record + mapping rules -> target values. Pure functions.

Each rule fills one target field from a source path, a constant, a template such as
`{first_name} {last_name}`, or a lookup table (e.g. order status -> Status picklist), then
converts the value (money, dates, booleans...), falls back to a default when empty, and
reports a required field that stays empty. Rules are plain data, so the same code serves every
object, both directions, and the console's preview.
"""

import re
from dataclasses import dataclass, field

from mappings.convert import CONVERTERS, ConversionError
from mappings.paths import get_path

TEMPLATE_FIELD = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Rule:
    target: str
    kind: str = "field"  # field | constant | template | lookup
    source: str = ""  # the path, the constant, or the template
    lookup: dict = field(default_factory=dict)
    convert: str = ""  # "" keeps the value as it is; else a key of CONVERTERS
    default: str = ""
    required: bool = False
    max_length: int | None = None


@dataclass
class Result:
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # target field -> what is wrong

    @property
    def ok(self) -> bool:
        return not self.errors


def transform(record: dict, rules: list[Rule]) -> Result:
    result = Result()
    for rule in rules:
        try:
            value = _value(record, rule)
        except ConversionError as exc:
            result.errors[rule.target] = str(exc)
            continue
        if _is_empty(value) and rule.required:
            result.errors[rule.target] = f"{rule.target} is required and {_describe(rule)} is empty"
            continue
        result.values[rule.target] = value
    return result


def _value(record: dict, rule: Rule):
    raw = _raw(record, rule)
    if _is_empty(raw) and rule.default != "":
        raw = rule.default
    if _is_empty(raw):
        return None
    value = CONVERTERS[rule.convert](raw) if rule.convert else raw
    if isinstance(value, str) and rule.max_length:
        value = value[: rule.max_length]
    return value


def _raw(record: dict, rule: Rule):
    if rule.kind == "constant":
        return rule.source
    if rule.kind == "template":
        return render_template(rule.source, record)
    value = get_path(record, rule.source)
    if rule.kind == "lookup":
        return rule.lookup.get(str(value)) if value is not None else None
    return value


def render_template(template: str, record: dict) -> str:
    """`{first_name} {last_name}` with each path's value; empty paths leave no double spaces."""
    text = TEMPLATE_FIELD.sub(lambda m: _text(get_path(record, m.group(1).strip())), template)
    return re.sub(r"\s{2,}", " ", text).strip()


def _text(value) -> str:
    return "" if value is None else str(value)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _describe(rule: Rule) -> str:
    return {
        "field": f"source {rule.source!r}",
        "template": f"template {rule.source!r}",
        "lookup": f"lookup of {rule.source!r}",
        "constant": "the constant",
    }[rule.kind]
