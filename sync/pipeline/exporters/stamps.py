"""Salesforce's timestamps: `SystemModstamp` as it reads, and as SOQL compares it."""

from datetime import UTC, datetime


def soql_stamp(moment: datetime) -> str:
    """A SOQL dateTime literal, to the second (SOQL takes no fractions)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(text) -> datetime | None:
    """Salesforce's `2026-12-02T10:00:00.000+0000`."""
    if not text:
        return None
    return datetime.strptime(str(text).replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z")
