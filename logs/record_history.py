"""One record's life, read from the database: its identity links, and a timeline of the webhook
events received for it and the log rows of the runs that touched it, newest first.

A record is named as the identity map names it: a source type and its BigCommerce id. Import
rows carry that id; export rows carry the Salesforce Id they read (`source_id`), so they are
found through the record's links (`IdentityLink.target_id`).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils.dateparse import parse_datetime

from mappings.export_targets import EXPORT_TARGETS
from sync.models import IdentityLink, Outcome, RunDirection, SyncLogEntry
from webhooks.models import WebhookEvent

TIMELINE_SIZE = 100
# The log's source of a record kind whose exports are logged under another object's name.
EXPORT_LOG_SOURCE = {"variant": "product"}


@dataclass
class Moment:
    """One thing that happened to the record: a webhook event or a log row."""

    at: datetime
    event: WebhookEvent | None = None
    entry: SyncLogEntry | None = None
    note: str = ""  # what an outcome means for this record, where the outcome alone does not say
    conflicts: list = field(default_factory=list)
    values: str = ""  # a row's values sent, as the page shows them
    calls: list = field(default_factory=list)  # a row's calls, as the page shows them


@dataclass
class Timeline:
    moments: list[Moment]
    older: datetime | None = None  # where the next, older page starts


def record_links(store, source: str, source_id: str) -> list[IdentityLink]:
    """The record's links, in every org the store has synced with (its current org first)."""
    links = IdentityLink.objects.filter(store=store, source_type=source, source_id=source_id)
    links = sorted(links.select_related("org"), key=lambda link: link.target_object)
    return sorted(links, key=lambda link: link.org_id != store.salesforce_org_id)


def log_rows(store, source: str, source_id: str, links: list[IdentityLink]):
    """The log rows of the record: its imports by BigCommerce id, its exports by the Salesforce
    Ids it is linked with."""
    imports = Q(source=source, direction=RunDirection.IMPORT, source_id=source_id)
    salesforce_ids = sorted({link.target_id for link in links})
    if not salesforce_ids:
        return SyncLogEntry.objects.filter(imports, store=store)
    exports = Q(
        source=EXPORT_LOG_SOURCE.get(source, source),
        direction=RunDirection.EXPORT,
        source_id__in=salesforce_ids,
    )
    return SyncLogEntry.objects.filter(imports | exports, store=store)


def timeline(
    store, source: str, source_id: str, links, *, before=None, size=TIMELINE_SIZE
) -> Timeline:
    """At most `size` moments older than `before` (the newest with None), newest first."""
    events = WebhookEvent.objects.filter(store=store, source=source, source_id=source_id)
    rows = log_rows(store, source, source_id, links)
    if before is not None:
        events = events.filter(received_at__lt=before)
        rows = rows.filter(created_at__lt=before)
    moments = [
        Moment(event.received_at, event=event)
        for event in events.select_related("run").order_by("-received_at", "-pk")[: size + 1]
    ]
    moments += [
        _logged(entry)
        for entry in rows.select_related("run").order_by("-created_at", "-pk")[: size + 1]
    ]
    moments.sort(key=lambda moment: moment.at, reverse=True)
    shown = moments[:size]
    return Timeline(shown, older=shown[-1].at if len(moments) > size else None)


def _logged(entry: SyncLogEntry) -> Moment:
    conflicts = entry.values.get("conflicts") if isinstance(entry.values, dict) else None
    return Moment(
        entry.created_at, entry=entry, note=_meaning(entry), conflicts=list(conflicts or [])
    )


def _meaning(entry: SyncLogEntry) -> str:
    if entry.outcome != Outcome.UNCHANGED:
        return ""
    if entry.direction == RunDirection.EXPORT:
        return (
            "Echo skipped: Salesforce held what the connector last wrote to BigCommerce, or "
            "values BigCommerce already had. Nothing was written."
        )
    return (
        "Nothing written: Salesforce already held these values (the echo of the connector's "
        "own export to BigCommerce ends this way too)."
    )


def sent_values(entry: SyncLogEntry) -> dict:
    """The values a row sent, without the conflicts listed beside them."""
    if not isinstance(entry.values, dict):
        return entry.values
    return {key: value for key, value in entry.values.items() if key != "conflicts"}


def record_of(entry: SyncLogEntry) -> tuple[str, str] | None:
    """(source type, BigCommerce id) of a log row's record, for its record page; None for an
    export row that found no BigCommerce record and whose Salesforce record was never linked."""
    if entry.direction != RunDirection.EXPORT:
        return entry.source, entry.source_id
    if entry.target_id:
        return entry.target_object or entry.source, entry.target_id
    target = EXPORT_TARGETS.get(entry.source)
    if target is None:
        return None
    link = (
        IdentityLink.objects.filter(
            store_id=entry.store_id,
            org_id=entry.store.salesforce_org_id,
            target_object=target.main_object,
            target_id=entry.source_id,
        )
        .values_list("source_type", "source_id")
        .first()
    )
    return tuple(link) if link else None


def parse_moment(text) -> datetime | None:
    """A date and time with its zone, as text; None for anything else."""
    if not isinstance(text, str):
        return None
    try:
        moment = parse_datetime(text)
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None
