"""SOQL date literals (TODAY, LAST_N_DAYS:n, ...) as ranges of days.

Each literal stands for the days [start, end). Days are in UTC, the time zone of the emulated
users; weeks start on Sunday, as in the en_US locale.
"""

from datetime import date, timedelta


def _month_start(day: date, months_later: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months_later
    return date(index // 12, index % 12 + 1, 1)


def _week_start(day: date) -> date:
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _days(today: date, first: int, last_exclusive: int) -> tuple[date, date]:
    return today + timedelta(days=first), today + timedelta(days=last_exclusive)


def _weeks(today: date, first: int, last_exclusive: int) -> tuple[date, date]:
    start = _week_start(today)
    return start + timedelta(weeks=first), start + timedelta(weeks=last_exclusive)


def _months(today: date, first: int, last_exclusive: int) -> tuple[date, date]:
    return _month_start(today, first), _month_start(today, last_exclusive)


def _years(today: date, first: int, last_exclusive: int) -> tuple[date, date]:
    return date(today.year + first, 1, 1), date(today.year + last_exclusive, 1, 1)


DATE_LITERALS = {
    "YESTERDAY": lambda t: _days(t, -1, 0),
    "TODAY": lambda t: _days(t, 0, 1),
    "TOMORROW": lambda t: _days(t, 1, 2),
    "LAST_WEEK": lambda t: _weeks(t, -1, 0),
    "THIS_WEEK": lambda t: _weeks(t, 0, 1),
    "NEXT_WEEK": lambda t: _weeks(t, 1, 2),
    "LAST_MONTH": lambda t: _months(t, -1, 0),
    "THIS_MONTH": lambda t: _months(t, 0, 1),
    "NEXT_MONTH": lambda t: _months(t, 1, 2),
    "LAST_90_DAYS": lambda t: _days(t, -90, 1),
    "NEXT_90_DAYS": lambda t: _days(t, 1, 91),
    "LAST_YEAR": lambda t: _years(t, -1, 0),
    "THIS_YEAR": lambda t: _years(t, 0, 1),
    "NEXT_YEAR": lambda t: _years(t, 1, 2),
}

# LAST_N_DAYS:n covers today and the n days before it; NEXT_N_DAYS:n the n days after today.
NUMBERED_DATE_LITERALS = {
    "LAST_N_DAYS": lambda t, n: _days(t, -n, 1),
    "NEXT_N_DAYS": lambda t, n: _days(t, 1, n + 1),
    "N_DAYS_AGO": lambda t, n: _days(t, -n, -n + 1),
    "LAST_N_WEEKS": lambda t, n: _weeks(t, -n, 0),
    "NEXT_N_WEEKS": lambda t, n: _weeks(t, 1, n + 1),
    "LAST_N_MONTHS": lambda t, n: _months(t, -n, 0),
    "NEXT_N_MONTHS": lambda t, n: _months(t, 1, n + 1),
    "LAST_N_YEARS": lambda t, n: _years(t, -n, 0),
    "NEXT_N_YEARS": lambda t, n: _years(t, 1, n + 1),
}


def date_range(name: str, n: int | None, today: date) -> tuple[date, date]:
    if n is None:
        return DATE_LITERALS[name](today)
    return NUMBERED_DATE_LITERALS[name](today, n)
