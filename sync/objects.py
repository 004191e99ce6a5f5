"""The synced objects the console lists, one list per store and object, and the rows of each:
the records the identity map knows, with their latest sync from the log.

A row is one BigCommerce record: its link to the object's main sObject (a customer's Contact,
not its Account). Orders and Opportunities are two lists of one source, told apart by the
sObject their links point at.
"""

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length

from mappings.models import ObjectSetting, SourceObject, targets_for
from sync import identity
from sync.models import IdentityLink, RunDirection, SyncLogEntry

CATEGORY_OBJECT = "BigCommerce_Category__c"  # the default, where the store has no setting


@dataclass(frozen=True)
class ListedObject:
    slug: str  # in the URL: /stores/<id>/records/<slug>/
    title: str
    noun: str  # one record, in messages: "customer"
    source: str  # the SourceObject: runs, the log and the object's settings name it so
    target_object: str  # the main sObject; "" where the object's setting decides (categories)
    companions: tuple[str, ...] = ()  # sObjects written with the main one: its Account

    @property
    def source_type(self) -> str:
        """The identity map's type of the BigCommerce records."""
        return self.source


OBJECTS = {
    listed.slug: listed
    for listed in (
        ListedObject(
            "customers", "Customers", "customer", SourceObject.CUSTOMER, "Contact", ("Account",)
        ),
        ListedObject("guests", "Guests", "guest", SourceObject.GUEST, "Contact", ("Account",)),
        ListedObject("categories", "Categories", "category", SourceObject.CATEGORY, ""),
        ListedObject(
            "products",
            "Products",
            "product",
            SourceObject.PRODUCT,
            "Product2",
            ("PricebookEntry",),
        ),
        ListedObject("orders", "Orders", "order", SourceObject.ORDER, "Order"),
        ListedObject(
            "opportunities", "Opportunities", "opportunity", SourceObject.ORDER, "Opportunity"
        ),
        ListedObject("refunds", "Refunds", "refund", SourceObject.REFUND, "Case"),
    )
}


def main_object(store, listed: ListedObject) -> str:
    """The sObject the list's links point at."""
    if listed.target_object:
        return listed.target_object
    setting = ObjectSetting.objects.filter(store=store, source=listed.source).first()
    return targets_for(setting)[0] if setting is not None else CATEGORY_OBJECT


def linked_records(store, listed: ListedObject, target_object: str) -> QuerySet[IdentityLink]:
    """The store's links of this object into its org, each with its latest log row's direction,
    time and outcome (`last_direction`, `last_at`, `last_outcome`; None if never synced)."""
    latest = (
        SyncLogEntry.objects.filter(store=OuterRef("store_id"), source=listed.source)
        .filter(
            Q(direction=RunDirection.IMPORT, source_id=OuterRef("source_id"))
            | Q(direction=RunDirection.EXPORT, source_id=OuterRef("target_id"))
        )
        .order_by("-created_at", "-pk")
    )
    return (
        identity.links_of(store)
        .filter(source_type=listed.source_type, target_object=target_object)
        .annotate(
            last_direction=Subquery(latest.values("direction")[:1]),
            last_at=Subquery(latest.values("created_at")[:1]),
            last_outcome=Subquery(latest.values("outcome")[:1]),
            id_length=Length("source_id"),  # BigCommerce ids sort as numbers: shorter first
        )
    )


def record_links(store, listed: ListedObject, row: IdentityLink) -> list[IdentityLink]:
    """The links of a row's record that go with it: the row's own first, then its companions'
    (a customer's Account beside its Contact)."""
    companions = identity.links_of(store).filter(
        source_type=row.source_type, source_id=row.source_id, target_object__in=listed.companions
    )
    return [row, *companions.order_by("target_object")]


def counts(stores) -> dict[tuple[int, str], int]:
    """(store id, object slug) -> how many records of the object the store has linked in its
    org: one grouped count over the listed links of all these stores."""
    listed = {(o.source_type, o.target_object): o.slug for o in OBJECTS.values()}
    categories = OBJECTS["categories"]
    links = IdentityLink.objects.filter(
        store__in=stores, org_id=F("store__salesforce_org_id")
    ).filter(
        Q(source_type=categories.source_type)
        | Q(*[Q(source_type=t, target_object=o) for t, o in listed if o], _connector=Q.OR)
    )
    found: dict[tuple[int, str], int] = {}
    grouped = links.values("store_id", "source_type", "target_object").annotate(n=Count("pk"))
    for row in grouped.order_by():
        slug = listed.get((row["source_type"], row["target_object"]))
        if row["source_type"] == categories.source_type:
            slug = categories.slug  # whatever sObject the store's categories go to
        if slug is not None:
            key = (row["store_id"], slug)
            found[key] = found.get(key, 0) + row["n"]
    return found
