"""Contacts (with their Account) → BigCommerce customers."""

from integrations.bigcommerce import fields, reads, writes
from mappings import export
from mappings.export_targets import ADDRESS, EXPORT_TARGETS
from mappings.models import SourceObject
from sync.pipeline.exporters.base import Exporter, Unit, by_key, take_results
from sync.pipeline.prepare import mapping_error

TARGET = EXPORT_TARGETS[SourceObject.CUSTOMER]


class CustomerExporter(Exporter):
    source = source_type = SourceObject.CUSTOMER
    main_object = TARGET.main_object
    resource = "customer"
    parents = TARGET.parent_map
    natural_key = "email"
    creates = True

    def columns(self):
        return [*super().columns(), "AccountId"]

    def writable(self, path):
        return TARGET.writable(path)

    def read(self, ids):
        return {str(c["id"]): c for c in reads.customers_by_id(self.ctx.bc, ids)}

    def find(self, keys):
        return by_key(reads.customers_by_email(self.ctx.bc, keys), "email")

    def body(self, unit: Unit) -> dict:
        """The customer's own fields; its address goes with a new customer, and through the
        addresses endpoint for an existing one."""
        own = {path: v for path, v in unit.sent.items() if not path.startswith(ADDRESS)}
        body = export.nest(own)
        if body.get("customer_group_id") is not None:
            body["customer_group_id"] = int(body["customer_group_id"])
        if not unit.bc_id and _address(unit.sent):
            body["addresses"] = [self._new_address(unit)]
        return body

    def _check_rules(self, units):
        super()._check_rules(units)
        for unit in units:
            found = _address_problems(self._address_item(unit)) if unit.bc_id else {}
            if found and unit.error is None:
                unit.error = mapping_error(found, code="BIGCOMMERCE_RULES")

    def update(self, units):
        own = [u for u in units if self.body(u)]
        take_results(own, writes.update_customers(self.ctx.bc, [self.payload(u) for u in own]))
        for unit in units:
            if unit.written is None and unit.error is None:
                unit.written = {}  # only its address changes
        moved = [u for u in units if u.error is None and _address(u.sent)]
        self._write_addresses([u for u in moved if _address_id(u)], writes.update_addresses)
        self._write_addresses([u for u in moved if not _address_id(u)], writes.create_addresses)

    def _write_addresses(self, units, write) -> None:
        if not units:
            return
        results = write(self.ctx.bc, [self._address_item(u) for u in units])
        for unit, result in zip(units, results, strict=True):
            unit.error = unit.error or result.error

    def _address_item(self, unit: Unit) -> dict:
        address_id = _address_id(unit)
        if address_id:
            return {"id": address_id, **_address(unit.sent)}
        return {"customer_id": int(unit.bc_id), **self._new_address(unit)}

    def _new_address(self, unit: Unit) -> dict:
        """A first address needs the person's name; the customer's is taken where the
        mappings give none."""
        person = {**(unit.current or {}), **export.nest(unit.values)}
        names = {name: person.get(name) for name in ("first_name", "last_name") if person.get(name)}
        return {**names, **_address(unit.values)}

    def create(self, units):
        items = [self.payload(u) for u in units]
        take_results(units, writes.create_customers(self.ctx.bc, items))

    def delete(self, bc_ids):
        results = writes.delete_customers(self.ctx.bc, bc_ids)
        return {str(r.item["id"]): r.error for r in results if not r.ok}

    def import_hashes(self, unit, links):
        """As the customer reads after the write: its address with the values written."""
        if self.importer is None:
            return {}
        after = {**(unit.current or {}), **(unit.written or {})}
        addresses = [dict(a) for a in after.get("addresses") or [{}]]
        addresses[0].update(_address(unit.values))
        return self.importer.hashes_of({**after, "addresses": addresses}, links)

    def links_for(self, unit):
        links = {"Contact": unit.sf_id}
        if unit.record.get("AccountId"):
            links["Account"] = unit.record["AccountId"]
        return links


def _address(values: dict) -> dict:
    """The address fields among exported values, by their name in an address."""
    return {
        path[len(ADDRESS) :]: value
        for path, value in values.items()
        if path.startswith(ADDRESS) and value is not None
    }


def _address_id(unit: Unit):
    addresses = (unit.current or {}).get("addresses") or []
    return addresses[0].get("id") if addresses else None


def _address_problems(item: dict) -> dict:
    """What BigCommerce would refuse in an address write: a new address's required fields,
    lengths and formats, as a customer create checks them."""
    creating = "id" not in item
    values = {
        f"{ADDRESS}{name}": v for name, v in item.items() if name not in ("id", "customer_id")
    }
    found = fields.problems("customer", values, creating=True)
    return {
        path: problem
        for path, problem in found.items()
        if path.startswith(ADDRESS) and (creating or path[len(ADDRESS) :] in item)
    }
