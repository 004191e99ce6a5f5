"""One importer per source object: the pipes from BigCommerce to Salesforce."""

from mappings.models import SourceObject
from sync.pipeline.importers.base import Importer
from sync.pipeline.importers.catalog import CategoryImporter, ProductImporter
from sync.pipeline.importers.orders import OrderImporter, RefundImporter
from sync.pipeline.importers.people import CustomerImporter, GuestImporter

IMPORTERS = {
    SourceObject.CUSTOMER: CustomerImporter,
    SourceObject.GUEST: GuestImporter,
    SourceObject.CATEGORY: CategoryImporter,
    SourceObject.PRODUCT: ProductImporter,
    SourceObject.ORDER: OrderImporter,
    SourceObject.REFUND: RefundImporter,
}


def importer_for(ctx, source: str) -> Importer:
    return IMPORTERS[source](ctx)
