"""Product2 (with its standard price) → BigCommerce products, or their variants."""

from integrations.bigcommerce import reads, writes
from mappings.export_targets import EXPORT_TARGETS, PRICEBOOK_ENTRY, VARIANT_TARGET
from mappings.models import SourceObject
from sync.pipeline.exporters.base import PAGE, Exporter, Unit, by_key, take_results
from sync.pipeline.exporters.stamps import parse_stamp, soql_stamp
from sync.pipeline.matching import quote

TARGET = EXPORT_TARGETS[SourceObject.PRODUCT]
ENTRY = PRICEBOOK_ENTRY


class Product2Changes(Exporter):
    """The source side of exports from Product2 and its entry in the standard price book
    (`PricebookEntry.UnitPrice`): a price change moves the entry, not the product, so both are
    read for changes."""

    source = SourceObject.PRODUCT
    main_object = TARGET.main_object
    parents = TARGET.parent_map
    natural_key = "sku"

    def columns(self):
        own = [c for c in super().columns() if not c.startswith(f"{ENTRY}.")]
        return own

    def pages(self, since):
        self.since = since
        if since is None:
            yield from super().pages(None)
            return
        changed = self._changed_products(since)
        for start in range(0, len(changed), PAGE):
            yield self.fetch(changed[start : start + PAGE])

    def _changed_products(self, since) -> list[str]:
        """Ids of products changed since then, or whose standard price was, oldest first."""
        user = quote(self.ctx.sf.user_id())
        recent = f"SystemModstamp >= {soql_stamp(since)} AND LastModifiedById != {user}"
        book = quote(self.ctx.standard_pricebook_id)
        stamps: dict[str, object] = {}
        queries = [
            ("Id", f"SELECT Id, SystemModstamp FROM Product2 WHERE {recent}"),  # noqa: S608
            (
                "Product2Id",
                f"SELECT Product2Id, SystemModstamp FROM {ENTRY} "  # noqa: S608
                f"WHERE Pricebook2Id = {book} AND {recent}",
            ),
        ]
        for key, soql in queries:
            for row in self.ctx.sf.query(soql):
                stamp_of = parse_stamp(row.get("SystemModstamp"))
                if stamp_of is not None and stamp_of > since:
                    stamps[row[key]] = max(stamp_of, stamps.get(row[key], stamp_of))
        return sorted(stamps, key=lambda product_id: (stamps[product_id], product_id))

    def fetch(self, ids):
        products = super().fetch(ids)
        entry_fields = [r.field.split(".", 1)[1] for r in self.plan.rules if "." in r.field]
        attach_standard_entries(self.ctx, products, entry_fields)
        return products

    def links_for(self, unit: Unit):
        links = {"Product2": unit.sf_id}
        entry = unit.record.get(ENTRY)
        if entry:
            links[ENTRY] = entry["Id"]
        return links


class ProductExporter(Product2Changes):
    """Product2 → BigCommerce product."""

    creates = True
    source_type = SourceObject.PRODUCT
    resource = "product"

    def writable(self, path):
        return TARGET.writable(path)

    def read(self, ids):
        return {str(p["id"]): p for p in reads.products_by_id(self.ctx.bc, ids)}

    def find(self, keys):
        return by_key(reads.products_by_sku(self.ctx.bc, keys), "sku")

    def payload(self, unit):
        if unit.bc_id:
            return super().payload(unit)
        return {"type": "physical", "weight": 0, **self.body(unit)}

    def update(self, units):
        items = [self.payload(u) for u in units]
        take_results(units, writes.update_products(self.ctx.bc, items))

    def create(self, units):
        items = [self.payload(u) for u in units]
        take_results(units, writes.create_products(self.ctx.bc, items))

    def delete(self, bc_ids):
        results = writes.delete_products(self.ctx.bc, bc_ids)
        return {str(r.item["id"]): r.error for r in results if not r.ok}


class VariantExporter(Product2Changes):
    """With "variants as products" each variant is a Product2: its price, SKU and stock go
    back to the variant (PUT /v3/catalog/variants, 50 per call).

    BigCommerce reads variants in batches only by product, which the link does not keep, so
    linked variants are not read first: their changed values are sent as a whole, and a field
    changed on both sides is not detected. Variants are never created or deleted by an export
    (they belong to a product and its options)."""

    source_type = resource = "variant"
    reads_current = False

    def writable(self, path):
        return VARIANT_TARGET.writable(path)

    def find(self, keys):
        return by_key(reads.variants_by_sku(self.ctx.bc, keys), "sku")

    def update(self, units):
        items = [self.payload(u) for u in units]
        take_results(units, writes.update_variants(self.ctx.bc, items))

    def import_hashes(self, unit, links):
        return {}  # an import reads the variant with its product: not predicted here


def attach_standard_entries(ctx, products: list[dict], fields: list[str]) -> None:
    """Each product's entry in the standard price book, as `product["PricebookEntry"]`."""
    if not products:
        return
    columns = ", ".join(dict.fromkeys(["Id", "Product2Id", "SystemModstamp", *fields]))
    listed = ", ".join(quote(p["Id"]) for p in products)
    book = quote(ctx.standard_pricebook_id)
    soql = (
        f"SELECT {columns} FROM {ENTRY} "  # noqa: S608
        f"WHERE Pricebook2Id = {book} AND Product2Id IN ({listed})"
    )
    entries = {row["Product2Id"]: row for row in ctx.sf.query(soql)}
    for product in products:
        product[ENTRY] = entries.get(product["Id"])
