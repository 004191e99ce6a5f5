"""Field values: parsing what clients send, and the stored (wire) form of each type.

Stored forms are what the REST API returns: text as strings, numbers as JSON numbers, booleans,
dates as `YYYY-MM-DD`, datetimes as `YYYY-MM-DDTHH:MM:SS.sss+0000` in UTC (so that text order is
time order), Ids in their 18-character form.
"""

import math
import re
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from sandbox.salesforce import ids

TEXT_TYPES = frozenset({"string", "textarea", "email", "phone", "url", "picklist"})
NUMBER_TYPES = frozenset({"double", "currency", "percent", "int"})
ID_TYPES = frozenset({"id", "reference"})

DATETIME_PATTERN = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"(Z|[+-]\d{2}:?\d{2})?)?$"
)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ValueProblem(ValueError):
    """A value that does not fit its field; `code` is the Salesforce status code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def now() -> datetime:
    return timezone.now().astimezone(UTC)


def format_datetime(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}+0000"


def parse_datetime(text: str) -> datetime | None:
    """An aware UTC datetime from ISO 8601 text (a bare date means midnight UTC), else None."""
    match = DATETIME_PATTERN.match(text.strip())
    if not match:
        return None
    day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime.fromisoformat(day).replace(
            hour=int(hour or 0),
            minute=int(minute or 0),
            second=int(second or 0),
            microsecond=int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    return moment - _zone_offset(zone)


def _zone_offset(zone: str | None) -> timedelta:
    if not zone or zone == "Z":
        return timedelta(0)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None


def to_stored(field, raw):
    """The stored form of `raw` for `field`; raises ValueProblem when it does not fit.

    An empty string is null, as Salesforce stores it.
    """
    if raw is None or raw == "":
        return None
    kind = field.type
    if kind in TEXT_TYPES:
        return _text(field, raw)
    if kind == "boolean":
        return _boolean(field, raw)
    if kind in NUMBER_TYPES:
        return _number(field, raw)
    if kind == "date":
        return _date(field, raw)
    if kind == "datetime":
        return _datetime(field, raw)
    if kind in ID_TYPES:
        return _id(field, raw)
    raise _wrong_type(field, raw)


def _wrong_type(field, raw) -> ValueProblem:
    # The REST API refuses a whole JSON body with a mistyped value (JSON_PARSER_ERROR); the
    # emulator fails only that record, with the code the Bulk API uses, in every resource, so
    # that a batch keeps its other records.
    return ValueProblem(
        "INVALID_TYPE_ON_FIELD_IN_RECORD", f"{field.label}: value not of required type: {raw}"
    )


def _text(field, raw) -> str:
    if isinstance(raw, dict | list):
        raise _wrong_type(field, raw)
    text = ("true" if raw else "false") if isinstance(raw, bool) else str(raw)
    if field.type == "email" and text and not EMAIL_PATTERN.match(text):
        raise ValueProblem("INVALID_EMAIL_ADDRESS", f"{field.label}: invalid email address: {text}")
    return text


def _boolean(field, raw) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false", "1", "0"):
        return raw.strip().lower() in ("true", "1")
    raise _wrong_type(field, raw)


def _number(field, raw):
    if isinstance(raw, bool | dict | list):
        raise _wrong_type(field, raw)
    try:
        number = float(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise _wrong_type(field, raw) from None
    if not isinstance(number, int | float) or math.isnan(number) or math.isinf(number):
        raise _wrong_type(field, raw)
    if field.type == "int":
        if number != int(number):
            raise _wrong_type(field, raw)
        return int(number)
    return round(float(number), field.scale or 0) if field.scale is not None else float(number)


def _date(field, raw) -> str:
    parsed = parse_date(raw) if isinstance(raw, str) else None
    if parsed is None:
        raise _wrong_type(field, raw)
    return parsed.isoformat()


def _datetime(field, raw) -> str:
    parsed = parse_datetime(raw) if isinstance(raw, str) else None
    if parsed is None:
        raise _wrong_type(field, raw)
    return format_datetime(parsed)


def _id(field, raw) -> str:
    record_id = ids.normalize(raw.strip()) if isinstance(raw, str) else None
    if record_id is None:
        raise ValueProblem("MALFORMED_ID", f"{field.label}: id value of incorrect type: {raw}")
    return record_id
