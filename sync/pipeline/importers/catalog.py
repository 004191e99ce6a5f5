"""Categories (with their tree) and products (with price book entries, and variants)."""

from itertools import chain

from integrations import errors
from integrations.bigcommerce import reads
from mappings.models import SourceObject
from sync import identity
from sync.pipeline.importers.base import Importer
from sync.pipeline.prepare import prepare

MAX_DEPTH = 20


class CategoryImporter(Importer):
    """Categories into the configured sObject, parents before children (Parent__c lookups)."""

    source = source_type = SourceObject.CATEGORY

    @property
    def main_object(self) -> str:
        return self.sobject

    def pages(self, since):
        # One list: a child on page 3 may name a parent on page 1. Categories have no date
        # filter, so every import reads them all (webhooks carry the changes in between).
        yield list(chain.from_iterable(reads.category_pages(self.ctx.bc, on_total=self.on_total)))

    def fetch(self, ids):
        found = {c["category_id"]: c for c in reads.categories_by_id(self.ctx.bc, ids)}
        for _ in range(MAX_DEPTH):  # parents never imported come first
            missing = self._unlinked_parents(found)
            if not missing:
                break
            found.update(
                {c["category_id"]: c for c in reads.categories_by_id(self.ctx.bc, missing)}
            )
        return list(found.values())

    def _unlinked_parents(self, found: dict) -> set[int]:
        parents = {c.get("parent_id") for c in found.values()} - set(found) - {0, None}
        linked = identity.links_for(self.ctx.store, self.source_type, parents, self.sobject)
        return {p for p in parents if str(p) not in linked}

    def source_id(self, record):
        return str(record["category_id"])

    def modified_at(self, record):
        return None

    @property
    def sobject(self) -> str:
        return self.setting.target_objects()[0]

    def targets(self):
        return [self.sobject]

    def load(self, records):
        known: dict[str, str] = {}
        outcomes = []
        for level in _levels(records):
            prepared = [self.prepare(r) for r in level]
            self._remember_linked_parents(level, known)
            done = self.write_units(prepared, [(self.sobject, self._parent_lookup(known))])
            for p in prepared:
                writes = done[p.unit_id]
                if writes and writes[-1][1].ok:
                    known[p.unit_id] = writes[-1][1].target_id
            outcomes += self.fold(prepared, done)
        return outcomes

    def _parent_lookup(self, known: dict):
        field = self.setting.category_parent_field
        if not field or field not in self.ctx.fields_of(self.sobject):
            return None
        return lambda p, written: {field: known.get(str(p.record.get("parent_id")))}

    def _remember_linked_parents(self, level, known: dict) -> None:
        parents = {str(r.get("parent_id")) for r in level} - set(known) - {"0", "None"}
        for source_id, link in identity.links_for(
            self.ctx.store, self.source_type, parents, self.sobject
        ).items():
            known[source_id] = link.target_id


def _levels(records: list[dict]) -> list[list[dict]]:
    """Categories grouped by depth within this batch: roots (or orphans) first."""
    by_id = {r["category_id"]: r for r in records}

    def depth(record, seen=0):
        parent = by_id.get(record.get("parent_id"))
        return 0 if parent is None or seen > MAX_DEPTH else 1 + depth(parent, seen + 1)

    levels: dict[int, list] = {}
    for record in records:
        levels.setdefault(depth(record), []).append(record)
    return [levels[d] for d in sorted(levels)]


class ProductImporter(Importer):
    """Products → Product2 + an active standard price book entry (+ a custom price book's).

    With "variants as products", each variant is its own Product2 (its SKU as ProductCode),
    linked in the identity map by variant id, so order lines find the variant they sold.
    """

    source = SourceObject.PRODUCT
    main_object = "Product2"

    def __init__(self, ctx):
        super().__init__(ctx)
        variants = self.setting.variants_as_products
        self.source_type = self.key_kind = "variant" if variants else SourceObject.PRODUCT
        if not variants:
            self.key_kind = ""

    def pages(self, since):
        return reads.product_pages(self.ctx.bc, since, self.on_total)

    def fetch(self, ids):
        return reads.products_by_id(self.ctx.bc, ids)

    def targets(self):
        return ["Product2", "PricebookEntry"]

    def steps(self):
        return [("Product2", None), ("PricebookEntry", _entry_in(self.ctx.standard_pricebook_id))]

    def units(self, record: dict) -> list:
        if self.source_type != "variant":
            return [self.prepare(record)]
        return [
            prepare(
                self.ctx,
                self.setting,
                variant_record(record, variant),
                self.targets(),
                source_id=record["id"],
                unit_id=variant["id"],
            )
            for variant in record.get("variants") or []
        ]

    def load(self, records):
        prepared = [unit for record in records for unit in self.units(record)]
        return self.guarded(prepared, lambda: self._write(prepared))

    def _write(self, prepared):
        done = self.write_units(prepared, self.steps())
        if self.setting.custom_price_book:
            self._write_custom_entries(prepared, done)
        return self.fold(prepared, done)

    def _write_custom_entries(self, prepared, done) -> None:
        name = self.setting.custom_price_book
        book = self.ctx.pricebook_id(name)
        alive = [p for p in prepared if done[p.unit_id] and done[p.unit_id][-1][1].ok]
        if book is None:
            error = errors.ValidationFailed(
                f"The org has no price book named {name!r}; create it or change the product "
                "setting's custom price book.",
                code="PRICEBOOK_NOT_FOUND",
                system="connector",
            )
            for p in alive:
                p.error = error
            return
        custom = self.write_units(
            alive,
            [("PricebookEntry", _entry_in(book, product_from=done))],
            source_type=f"{self.source_type}@{book}",
        )
        for unit_id, writes in custom.items():
            done[unit_id] += writes

    def matching_rules(self, sobject):
        if sobject == "PricebookEntry":
            return [[["Product2Id", "Product2Id"], ["Pricebook2Id", "Pricebook2Id"]]]
        return super().matching_rules(sobject)

    def write_for(self, p, sobject, extra, written):
        write = super().write_for(p, sobject, extra, written)
        if sobject == "PricebookEntry":
            write.key = ""  # price book entries have no external ID: matched by product
            product_is_new = any(w.created for name, w in written if name == "Product2")
            write.match_record = None if product_is_new else extra
        return write


def _entry_in(book: str, product_from=None):
    def lookups(p, written):
        product = (dict(product_from[p.unit_id]) if product_from else written)["Product2"]
        return {"Product2Id": product.target_id, "Pricebook2Id": book}

    return lookups


def variant_record(product: dict, variant: dict) -> dict:
    """A variant as a product record: the product's fields with the variant's own."""
    options = " / ".join(str(option.get("label")) for option in variant.get("option_values") or [])
    price = variant.get("price")
    return {
        **product,
        "variant": variant,
        "variant_id": variant["id"],
        "name": f"{product.get('name')} ({options})" if options else product.get("name"),
        "sku": variant.get("sku") or product.get("sku"),
        "price": price if price is not None else product.get("price"),
    }
