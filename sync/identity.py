"""The identity map: which Salesforce record each BigCommerce record is synced with.

Links are looked up in batches (one query per page of records) and written with upserts,
so retries and parallel workers never make a second link for one record.
"""

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

from sync.models import IdentityLink


def external_id(store, source_id) -> str:
    """The value of the external ID field: unique per store, so stores never collide."""
    return f"{store.store_hash}:{source_id}"


def values_hash(values: dict) -> str:
    """A stable hash of mapped values: equal values, equal hash, whatever their order."""
    canonical = json.dumps(values, sort_keys=True, default=_plain, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a mapped value")


def links_of(store):
    """The store's links into the org it syncs with now."""
    return IdentityLink.objects.filter(store=store, org_id=store.salesforce_org_id)


def links_for(store, source_type: str, source_ids, target_object: str) -> dict[str, IdentityLink]:
    ids = [str(source_id) for source_id in source_ids]
    rows = links_of(store).filter(
        source_type=source_type, target_object=target_object, source_id__in=ids
    )
    return {link.source_id: link for link in rows}


def save_links(
    store, source_type: str, target_object: str, linked: list[tuple], labels=None
) -> None:
    """Link many records at once: [(source id, target id, values hash)], replacing old links.
    `labels` ({source id: name}) renames the records; without it their names stay."""
    if not linked:
        return
    named = labels is not None
    IdentityLink.objects.bulk_create(
        [
            IdentityLink(
                store=store,
                org_id=store.salesforce_org_id,
                source_type=source_type,
                source_id=str(source_id),
                target_object=target_object,
                target_id=target_id,
                values_hash=hashed,
                label=labels.get(str(source_id), "") if named else "",
            )
            for source_id, target_id, hashed in linked
        ],
        update_conflicts=True,
        unique_fields=["store", "org", "source_type", "source_id", "target_object"],
        update_fields=["target_id", "values_hash", *(["label"] if named else []), "updated_at"],
    )


def linked_elsewhere(
    org_id: int, target_object: str, target_ids, *, except_source: tuple
) -> set[str]:
    """Which of these Salesforce records are linked to another BigCommerce record."""
    store_id, source_type, source_id = except_source
    rows = IdentityLink.objects.filter(
        org_id=org_id, target_object=target_object, target_id__in=list(target_ids)
    )
    return {
        row.target_id
        for row in rows
        if (row.store_id, row.source_type, row.source_id) != (store_id, source_type, source_id)
    }
