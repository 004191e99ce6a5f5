"""One importer per source object: the pipes from BigCommerce to Salesforce (coupon revenue's
is a pipe of daily sums, not of records)."""

from mappings.models import SourceObject
from sync.pipeline.importers.catalog import CategoryImporter, ProductImporter
from sync.pipeline.importers.orders import OrderImporter, RefundImporter
from sync.pipeline.importers.people import CustomerImporter, GuestImporter
from sync.pipeline.importers.revenue import CouponRevenueImporter
from sync.pipeline.pipe import Pipe

IMPORTERS = {
    SourceObject.CUSTOMER: CustomerImporter,
    SourceObject.GUEST: GuestImporter,
    SourceObject.CATEGORY: CategoryImporter,
    SourceObject.PRODUCT: ProductImporter,
    SourceObject.ORDER: OrderImporter,
    SourceObject.REFUND: RefundImporter,
    SourceObject.COUPON_REVENUE: CouponRevenueImporter,
}


def importer_for(ctx, source: str) -> Pipe:
    return IMPORTERS[source](ctx)
