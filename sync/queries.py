"""Reads of the identity map for the console's Records page."""

from django.db.models import Q

from stores import access
from stores.models import Role
from sync.models import IdentityLink


def filter_links(user, filters: dict):
    """The links of the user's stores, narrowed by store, object type and either record's id."""
    visible = access.visible_stores(user)
    links = IdentityLink.objects.filter(store__in=visible).select_related("store")
    if filters.get("store"):
        links = links.filter(store=filters["store"])
    if filters.get("source_type"):
        links = links.filter(source_type=filters["source_type"])
    if filters.get("record_id"):
        record_id = filters["record_id"]
        links = links.filter(Q(source_id=record_id) | Q(target_id=record_id))
    return links


def operated_store_ids(user, stores) -> set[int]:
    """Of these stores, those where the user may start imports."""
    return {store.pk for store in stores if access.role_on(user, store).allows(Role.OPERATOR)}
