"""Which side's value a field keeps when both changed it since the last sync.

The identity link keeps the BigCommerce values of the exported fields as last synced
(`synced_values`). A field whose Salesforce value and BigCommerce value both differ from it,
and from each other, was changed on both sides: the object's conflict rule decides, and the
log row lists each such field with both values and the one kept.
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from integrations.bigcommerce import dates
from mappings.models import ConflictRule
from mappings.paths import get_path

KEPT = {"salesforce": "Salesforce", "bigcommerce": "BigCommerce"}


def resolve(unit, rule: str, salesforce_modified: datetime | None) -> None:
    """Drop from `unit.values` the fields BigCommerce keeps; list every conflict."""
    synced = unit.link.synced_values if unit.link else {}
    if not synced:
        return  # never synced both ways: nothing says what changed where
    for path, value in list(unit.values.items()):
        base, current = synced.get(path), get_path(unit.current, path)
        if not (differ(value, base) and differ(current, base) and differ(value, current)):
            continue
        kept = _winner(rule, salesforce_modified, unit.current)
        unit.conflicts.append(
            {"field": path, "salesforce": value, "bigcommerce": current, "kept": kept}
        )
        if kept == "bigcommerce":
            unit.values[path] = current


def _winner(rule: str, salesforce_modified, current: dict) -> str:
    if rule == ConflictRule.SALESFORCE:
        return "salesforce"
    if rule == ConflictRule.BIGCOMMERCE:
        return "bigcommerce"
    bigcommerce_modified = dates.parse(current.get("date_modified"))
    if salesforce_modified is None or bigcommerce_modified is None:
        return "salesforce"
    return "salesforce" if salesforce_modified >= bigcommerce_modified else "bigcommerce"


def describe(conflicts: list[dict]) -> str:
    parts = [
        f"{c['field']} was changed on both sides (Salesforce {c['salesforce']!r}, "
        f"BigCommerce {c['bigcommerce']!r}): {KEPT[c['kept']]}'s value was kept"
        for c in conflicts
    ]
    return "; ".join(parts) + "." if parts else ""


def differences(values: dict, current: dict | None) -> dict:
    """The values BigCommerce does not have yet; an empty number or choice (None) is never
    sent, as BigCommerce refuses null for them."""
    return {
        path: value
        for path, value in values.items()
        if value is not None and (current is None or differ(value, get_path(current, path)))
    }


def differ(a, b) -> bool:
    """Different as BigCommerce and Salesforce mean them: 5 is "5.00" (BigCommerce sends
    money as text), None is ""."""
    numeric = any(_is_number(v) for v in (a, b))
    return _normal(a, numeric) != _normal(b, numeric)


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _normal(value, numeric: bool):
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if numeric and not isinstance(value, bool):
        try:
            return Decimal(str(value).strip()).normalize()
        except InvalidOperation:
            return value
    return value.strip() if isinstance(value, str) else value
