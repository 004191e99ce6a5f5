"""The export direction of field mappings: Salesforce values back to BigCommerce fields. Pure.

A field mapping fills a Salesforce field from a BigCommerce path. It also exports when its
direction allows and it can be read backwards: a field copy writes the Salesforce value back to
its path, a lookup table is read from right to left, a type conversion is undone. A template,
a constant or a path the connector computes (`account_name`) has no inverse: such a mapping
exports only to the BigCommerce field its "export to" names, and is imported only otherwise.
The plan says which mappings export and, for the others, why not.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from mappings.derived import DERIVED_PATHS
from mappings.paths import get_path
from mappings.transform import Result


@dataclass(frozen=True)
class ExportRule:
    path: str  # the BigCommerce field written, as mappings name it
    field: str  # the Salesforce value read: "Email", or "Account.Name" for a parent's
    mapping: str  # "Contact.Email", the mapping it comes from, for messages
    lookup: tuple = ()  # (Salesforce value, BigCommerce value) pairs, read backwards
    convert: str = ""
    default: str = ""  # the BigCommerce value for a Salesforce value the lookup lacks
    # The import's default ("Draft" for an order status the table does not name): on export,
    # a value BigCommerce's side is unknown for, so the field is left as it is.
    unknown: str = ""


@dataclass
class ExportPlan:
    rules: list[ExportRule] = field(default_factory=list)
    # "Contact.MailingStreet" -> why it is imported only, or what to know about its inverse
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def fields(self) -> list[str]:
        return list(dict.fromkeys(rule.field for rule in self.rules))


def plan(mappings, main_object: str, parents: dict[str, str], writable=None) -> ExportPlan:
    """The export rules of these field mappings (rows with target_object, target_field, kind,
    source, lookup, convert, direction, export_path, export_default).

    `parents` names the sObjects read beside the main one and the relationship that reaches
    them from it ({"Account": "Account"}); `writable(path)` says whether BigCommerce takes a
    path in a write of this object."""
    result = ExportPlan()
    ordered = sorted(mappings, key=lambda m: m.target_object != main_object)
    for mapping in ordered:
        if mapping.direction == "import":
            continue
        name = f"{mapping.target_object}.{mapping.target_field}"
        why_not = _why_not(mapping, main_object, parents, writable, result)
        if why_not:
            result.notes[name] = why_not
            continue
        rule = _rule(mapping, name, main_object, parents)
        result.rules.append(rule)
        ambiguous = _ambiguous(mapping.lookup or {})
        if ambiguous and not mapping.export_path:
            result.notes[name] = ambiguous
    return result


def _why_not(mapping, main_object, parents, writable, result: ExportPlan) -> str:
    if mapping.target_object != main_object and mapping.target_object not in parents:
        return f"{mapping.target_object} is not read on export, so this mapping is imported only."
    path = _path(mapping)
    if not path:
        kind = mapping.get_kind_display().lower() if hasattr(mapping, "get_kind_display") else ""
        return (
            f"A {kind or mapping.kind} cannot be read backwards: it is imported only. Give it an "
            "'export to' field to export it."
        )
    if path.split(".")[0] in DERIVED_PATHS or path in DERIVED_PATHS:
        return (
            f"{path} is computed by the connector, not a BigCommerce field: imported only. "
            "Give it an 'export to' field to export it."
        )
    if writable is not None and not writable(path):
        return f"BigCommerce does not take {path} in a write: imported only."
    taken = next((rule for rule in result.rules if rule.path == path), None)
    if taken is not None:
        return f"{path} is exported from {taken.mapping}: this mapping is imported only."
    return ""


def _path(mapping) -> str:
    if mapping.export_path:
        return mapping.export_path
    return mapping.source if mapping.kind in ("field", "lookup") else ""


def _rule(mapping, name: str, main_object: str, parents: dict) -> ExportRule:
    prefix = "" if mapping.target_object == main_object else parents[mapping.target_object] + "."
    lookup = ()
    if mapping.kind == "lookup" and not mapping.export_path:
        lookup = tuple(_inverse(mapping.lookup or {}).items())
    return ExportRule(
        path=_path(mapping),
        field=prefix + mapping.target_field,
        mapping=name,
        lookup=lookup,
        convert="" if mapping.export_path else mapping.convert,
        default=mapping.export_default,
        unknown=mapping.default if lookup else "",
    )


def _inverse(lookup: dict) -> dict:
    """Salesforce value -> BigCommerce value; where several lead to one, the first wins."""
    inverse: dict[str, str] = {}
    for bigcommerce, salesforce in lookup.items():
        inverse.setdefault(str(salesforce), str(bigcommerce))
    return inverse


def _ambiguous(lookup: dict) -> str:
    inverse = _inverse(lookup)
    shared = {
        salesforce: [bc for bc, sf in lookup.items() if str(sf) == salesforce]
        for salesforce in inverse
    }
    clashes = [
        f"{salesforce} exports as {keys[0]} (not {', '.join(keys[1:])})"
        for salesforce, keys in shared.items()
        if len(keys) > 1
    ]
    return "; ".join(clashes) + "." if clashes else ""


def transform(record: dict, rules: list[ExportRule]) -> Result:
    """The BigCommerce values of a Salesforce record, by path: {"email": ..., "phone": ...}."""
    result = Result()
    for rule in rules:
        raw = get_path(record, rule.field)
        if rule.lookup:
            found, value = _looked_up(raw, rule)
            if not found and rule.unknown and str(raw) == rule.unknown:
                continue
            if not found:
                result.errors[rule.path] = (
                    f"{rule.mapping} is {raw!r}, which the lookup table does not name; add it "
                    "to the table or give the mapping an export default."
                )
                continue
        else:
            value = _unconverted(raw, rule.convert)
        result.values[rule.path] = value
    return result


def _looked_up(raw, rule: ExportRule) -> tuple[bool, object]:
    if raw is None or raw == "":
        return True, rule.default or None
    table = dict(rule.lookup)
    if str(raw) in table:
        return True, table[str(raw)]
    if rule.default:
        return True, rule.default
    return False, None


def _unconverted(value, convert: str):
    """The Salesforce value as BigCommerce takes it: numbers as numbers, the rest as sent."""
    if value is None:
        return "" if convert in ("", "text") else None
    if convert in ("money", "number") and not isinstance(value, bool):
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)
    if convert == "integer":
        return int(Decimal(str(value)))
    if convert == "boolean":
        return value if isinstance(value, bool) else str(value).strip().lower() == "true"
    if convert == "text":
        return str(value)
    return value


def nest(values: dict) -> dict:
    """{"a.b": 1} -> {"a": {"b": 1}}, the shape of a write body."""
    body: dict = {}
    for path, value in values.items():
        node = body
        *parents, last = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return body
