"""BigCommerce dates: RFC-2822 in v2 ("Tue, 05 Mar 2019 21:40:11 +0000"), ISO-8601 in v3."""

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime


def parse(value: str | None) -> datetime | None:
    """Either format, as an aware UTC datetime; None for empty values."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = parsedate_to_datetime(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def v2(moment: datetime) -> str:
    """For v2 filters such as min_date_modified: RFC-2822 with a full time, in UTC."""
    return format_datetime(moment.astimezone(UTC))


def v3(moment: datetime) -> str:
    """For v3 filters such as date_modified:min: ISO-8601 with seconds, in UTC.

    A date without a time would make BigCommerce add the current time of day.
    """
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
