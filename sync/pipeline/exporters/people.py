"""Contacts (with their Account) → BigCommerce customers."""

from integrations.bigcommerce import reads, writes
from mappings.export_targets import EXPORT_TARGETS
from mappings.models import SourceObject
from sync.pipeline.exporters.base import Exporter, Unit, take_results
from sync.pipeline.importers.people import CustomerImporter

TARGET = EXPORT_TARGETS[SourceObject.CUSTOMER]


class CustomerExporter(Exporter):
    source = source_type = SourceObject.CUSTOMER
    main_object = TARGET.main_object
    resource = "customer"
    parents = TARGET.parent_map
    natural_key = "email"

    def columns(self):
        return [*super().columns(), "AccountId"]

    def writable(self, path):
        return TARGET.writable(path)

    def read(self, ids):
        return {str(c["id"]): c for c in reads.customers_by_id(self.ctx.bc, ids)}

    def find(self, keys):
        found: dict[str, list[dict]] = {}
        for customer in reads.customers_by_email(self.ctx.bc, keys):
            found.setdefault(str(customer.get("email") or "").lower(), []).append(customer)
        return found

    def body(self, unit: Unit) -> dict:
        body = super().body(unit)
        if "customer_group_id" in body and body["customer_group_id"] is not None:
            body["customer_group_id"] = int(body["customer_group_id"])
        return body

    def update(self, units):
        items = [self.payload(u) for u in units]
        take_results(units, writes.update_customers(self.ctx.bc, items))

    def create(self, units):
        items = [self.payload(u) for u in units]
        take_results(units, writes.create_customers(self.ctx.bc, items))

    def delete(self, bc_ids):
        results = writes.delete_customers(self.ctx.bc, bc_ids)
        return {str(r.item["id"]): r.error for r in results if not r.ok}

    def links_for(self, unit):
        links = {"Contact": unit.sf_id}
        if unit.record.get("AccountId"):
            links["Account"] = unit.record["AccountId"]
        return links

    def import_hashes(self, unit, links):
        after = {**(unit.current or {}), **(unit.written or {})}
        return CustomerImporter(self.ctx).hashes_of(after, links)
