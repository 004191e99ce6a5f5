"""Coalescing a batch of claimed events into one action per record."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from webhooks.models import WebhookEvent
from webhooks.scopes import DELETE

Status = WebhookEvent.Status


@dataclass
class Plan:
    """What one batch does: per source, records to import and records to delete."""

    imports: dict[str, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(dict))
    deletes: dict[str, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(dict))
    already_deleted: list[int] = field(default_factory=list)


def coalesce(store_id: int, events: list[WebhookEvent]) -> Plan:
    """One action per record. A delete wins whatever the order of arrival: BigCommerce does
    not reuse ids, so a record deleted once stays deleted, and later imports of it are moot."""
    by_record: dict[tuple[str, str], list[WebhookEvent]] = defaultdict(list)
    for event in events:
        by_record[(event.source, event.source_id)].append(event)
    plan = Plan()
    deleted_before = _deleted_records(store_id, {key for key in by_record})
    for (source, source_id), group in by_record.items():
        ids = [event.pk for event in group]
        if any(event.action == DELETE for event in group):
            plan.deletes[source][source_id] = ids
        elif (source, source_id) in deleted_before:
            plan.already_deleted += ids
        else:
            plan.imports[source][source_id] = ids
    return plan


def _deleted_records(store_id: int, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    condition = Q()
    for source in {source for source, _ in keys}:
        ids = [source_id for s, source_id in keys if s == source]
        condition |= Q(source=source, source_id__in=ids)
    rows = WebhookEvent.objects.filter(
        condition, store_id=store_id, action=DELETE, status=Status.PROCESSED
    )
    return set(rows.values_list("source", "source_id"))
