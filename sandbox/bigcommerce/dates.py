"""The API's date formats: RFC-2822 in v2, ISO-8601 in v3, unix seconds in webhooks and hooks."""

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from django.utils import timezone

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# A "+00:00" offset typed into a URL without encoding arrives as " 00:00".
_UNENCODED_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def now() -> datetime:
    """The current time at the API's precision (whole seconds)."""
    return timezone.now().replace(microsecond=0)


def v2(moment: datetime | None) -> str:
    """RFC-2822 in UTC, "Tue, 05 Mar 2019 21:40:11 +0000" (without the locale of strftime)."""
    if not moment:
        return ""
    m = moment.astimezone(UTC)
    day, month = DAY_NAMES[m.weekday()], MONTH_NAMES[m.month - 1]
    return f"{day}, {m.day:02d} {month} {m.year} {m.hour:02d}:{m.minute:02d}:{m.second:02d} +0000"


def v3(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


def unix(moment: datetime) -> int:
    return int(moment.timestamp())


def parse_filter(value: str, *, current: datetime | None = None) -> datetime:
    """A date filter value as the API reads it; ValueError when it is not a date.

    ISO-8601 and RFC-2822 are accepted, and unix seconds. A date without a time gets the
    current time of day added, as BigCommerce documents for `date_modified:min`.
    """
    value = _UNENCODED_PLUS.sub(r"\1+\2", value.strip())
    if value.isdigit():
        return datetime.fromtimestamp(int(value), tz=UTC)
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            clock = (current or timezone.now()).astimezone(UTC).time().replace(microsecond=0)
            return datetime.combine(day, clock, tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = parsedate_to_datetime(value)  # raises ValueError too
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
