"""The records of a store's object that the connector has not linked yet, read live from
BigCommerce a page at a time. Calls BigCommerce: never inside a transaction."""

from dataclasses import dataclass

from integrations.bigcommerce import reads
from integrations.bigcommerce.client import MAX_PAGE_SIZE, BigCommerceClient
from mappings.models import SourceObject
from sync import identity
from sync.objects import ListedObject
from sync.pipeline import labels
from sync.pipeline.importers.people import guest_id, guests_of

ROWS_PER_PAGE = 50
# "Import everything not yet imported" reads at most this many pages of 250 (10,000 records);
# a larger store takes a full import.
MAX_PAGES = 40


@dataclass
class Unlinked:
    source_id: str
    label: str


@dataclass
class UnlinkedPage:
    rows: list[Unlinked]
    number: int  # BigCommerce's page number
    read: int  # the records on that page, linked or not
    has_next: bool


class TooMany(Exception):
    """More records than one run of chosen records takes."""


def unlinked_page(store, listed: ListedObject, target_object: str, number: int, bc=None):
    """Page `number` of the object's records in BigCommerce, less those already linked."""
    bc = bc or BigCommerceClient.for_store(store)
    read, records = _records(bc, listed, number, ROWS_PER_PAGE)
    return UnlinkedPage(
        _without_links(store, listed, target_object, records),
        number,
        read,
        has_next=read == ROWS_PER_PAGE,
    )


def all_unlinked_ids(store, listed: ListedObject, target_object: str, bc=None) -> list[str]:
    """The ids of every record of the object without a link, reading pages of 250."""
    bc = bc or BigCommerceClient.for_store(store)
    ids: list[str] = []
    for number in range(1, MAX_PAGES + 1):
        read, records = _records(bc, listed, number, MAX_PAGE_SIZE)
        ids += [row.source_id for row in _without_links(store, listed, target_object, records)]
        if read < MAX_PAGE_SIZE:
            return list(dict.fromkeys(ids))
    raise TooMany(
        f"The store has more than {MAX_PAGES * MAX_PAGE_SIZE:,} {listed.title.lower()}: start a "
        "full import from the Runs page instead (records already linked come back unchanged)."
    )


def _records(bc, listed: ListedObject, number: int, size: int):
    """How many records one page of the object held, and their (source id, label); guests are
    the billing details of a page of guest orders, one per guest."""
    records = reads.sample(bc, listed.source, size, page=number)
    if listed.source == SourceObject.GUEST:
        named = [
            (guest_id(order), labels.label(listed.source, order)) for order in guests_of(records)
        ]
    else:
        id_field = reads.ID_FIELDS.get(listed.source, "id")
        named = [(str(r[id_field]), labels.label(listed.source, r)) for r in records]
    return len(records), named


def _without_links(store, listed, target_object, records) -> list[Unlinked]:
    linked = identity.links_for(store, listed.source_type, [i for i, _ in records], target_object)
    return [Unlinked(i, label) for i, label in records if i not in linked]
