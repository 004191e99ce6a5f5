"""An Order's status in Salesforce → the BigCommerce order's status (a lookup table)."""

from integrations.bigcommerce import reads, writes
from mappings.models import SourceObject
from sync.models import Outcome
from sync.pipeline.exporters.base import Exporter, Unit, take_results


class OrderStatusExporter(Exporter):
    """Orders are created in BigCommerce, never by an export: only their status goes back."""

    source = source_type = SourceObject.ORDER
    main_object = "Order"
    resource = "order"

    def writable(self, path):
        return path == "status_id"

    def read(self, ids):
        return {str(o["id"]): o for o in reads.orders_by_id(self.ctx.bc, ids)}

    def body(self, unit: Unit) -> dict:
        status = unit.values.get("status_id")
        return {"status_id": int(status)} if status not in (None, "") else {}

    def update(self, units):
        ready = [u for u in units if self.body(u)]
        for unit in units:
            if not self.body(unit):
                unit.outcome = Outcome.UNCHANGED
        changes = [(int(u.bc_id), self.body(u)["status_id"]) for u in ready]
        take_results(ready, writes.update_order_statuses(self.ctx.bc, changes))
