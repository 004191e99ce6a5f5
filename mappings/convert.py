"""Type conversions for mapped values: what BigCommerce sends, as Salesforce wants it."""

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from integrations.bigcommerce import dates


class ConversionError(ValueError):
    pass


def to_text(value) -> str:
    return value if isinstance(value, str) else str(value)


def to_money(value) -> Decimal:
    """BigCommerce sends money as strings ("62.6793"); never through float."""
    try:
        return Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ConversionError(f"{value!r} is not an amount") from exc


def to_number(value) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ConversionError(f"{value!r} is not a number") from exc


def to_integer(value) -> int:
    number = to_number(value)
    if number != number.to_integral_value():
        raise ConversionError(f"{value!r} is not a whole number")
    return int(number)


TRUE = {"true", "1", "yes", "y", "on"}
FALSE = {"false", "0", "no", "n", "off", ""}


def to_boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ConversionError(f"{value!r} is not yes or no")


def to_datetime(value) -> str:
    """RFC-2822 (v2) or ISO (v3) to an ISO-8601 UTC timestamp, as Salesforce takes it."""
    moment = _moment(value)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def to_date(value) -> str:
    """The calendar date in UTC, yyyy-mm-dd."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return _moment(value).date().isoformat()


def _moment(value) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        moment = dates.parse(str(value))
    except (TypeError, ValueError, IndexError) as exc:
        raise ConversionError(f"{value!r} is not a date") from exc
    if moment is None:
        raise ConversionError(f"{value!r} is not a date")
    return moment


CONVERTERS = {
    "text": to_text,
    "money": to_money,
    "number": to_number,
    "integer": to_integer,
    "boolean": to_boolean,
    "date": to_date,
    "datetime": to_datetime,
}
