"""Paths into source records: `billing_address.email`, `addresses.0.city`, `metafields.ns.key`."""

MISSING = object()


def get_path(record, path: str, default=None):
    value = record
    for part in path.split("."):
        value = _step(value, part)
        if value is MISSING:
            return default
    return value


def _step(value, part: str):
    if isinstance(value, dict):
        return value.get(part, MISSING)
    if isinstance(value, list) and part.lstrip("-").isdigit():
        index = int(part)
        return value[index] if -len(value) <= index < len(value) else MISSING
    return MISSING
