"""One exporter per object that flows back: the pipes from Salesforce to BigCommerce."""

from mappings.models import SourceObject
from sync.pipeline.exporters.base import Exporter
from sync.pipeline.exporters.catalog import ProductExporter, VariantExporter
from sync.pipeline.exporters.orders import OrderStatusExporter
from sync.pipeline.exporters.people import CustomerExporter

EXPORTERS = {
    SourceObject.CUSTOMER: CustomerExporter,
    SourceObject.PRODUCT: ProductExporter,
    SourceObject.ORDER: OrderStatusExporter,
}


def exporter_for(ctx, source: str, importer=None) -> Exporter:
    if source == SourceObject.PRODUCT and ctx.setting(source).variants_as_products:
        return VariantExporter(ctx, importer)
    try:
        return EXPORTERS[source](ctx, importer)
    except KeyError:
        label = SourceObject(source).label
        raise LookupError(f"{label} are not exported to BigCommerce.") from None
