"""Reads for the console's Runs and Records pages: the identity map, and what exports."""

from django.db.models import Q

from mappings.export_targets import EXPORT_TARGETS
from mappings.models import Direction, ObjectSetting
from stores import access
from sync.models import IdentityLink


def filter_links(user, filters: dict):
    """The links of the user's stores, narrowed by store, object type and either record's id."""
    visible = access.visible_stores(user)
    links = IdentityLink.objects.filter(store__in=visible).select_related("store__salesforce_org")
    if filters.get("store"):
        links = links.filter(store=filters["store"])
    if filters.get("source_type"):
        links = links.filter(source_type=filters["source_type"])
    if filters.get("record_id"):
        record_id = filters["record_id"]
        links = links.filter(Q(source_id=record_id) | Q(target_id=record_id))
    return links


def exporting(store_ids) -> set[tuple[int, str]]:
    """(store id, source) of the objects these stores export: enabled, with the direction
    Salesforce → BigCommerce or both ways, and an object that flows back."""
    settings = ObjectSetting.objects.filter(
        store_id__in=store_ids,
        enabled=True,
        source__in=list(EXPORT_TARGETS),
        direction__in=[Direction.EXPORT, Direction.BOTH],
    )
    return set(settings.values_list("store_id", "source"))


def exporting_sources(store) -> list[str]:
    """The objects of this store that export, in the order of the export targets."""
    found = exporting([store.pk])
    return [source for source in EXPORT_TARGETS if (store.pk, source) in found]


def exportable_links(links, store_ids) -> set[int]:
    """Of these links, the ids of those an export starts from: the sObject an export of their
    object reads (a customer's Contact, not its Account), in a store that exports the object."""
    found = exporting(store_ids)
    return {
        link.pk
        for link in links
        if (link.store_id, link.source_type) in found
        and link.target_object == EXPORT_TARGETS[link.source_type].main_object
    }


def exports_object(store, source: str, target_object: str) -> bool:
    """Whether the store exports the object whose records link to this sObject."""
    target = EXPORT_TARGETS.get(source)
    return (
        target is not None
        and target.main_object == target_object
        and ((store.pk, source) in exporting([store.pk]))
    )
