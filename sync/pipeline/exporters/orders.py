"""An Order's status in Salesforce → the BigCommerce order's status (a lookup table)."""

from integrations.bigcommerce import reads, writes
from mappings.export_targets import EXPORT_TARGETS
from mappings.models import SourceObject
from sync.models import Outcome
from sync.pipeline.exporters.base import Exporter, Unit, take_results

TARGET = EXPORT_TARGETS[SourceObject.ORDER]


class OrderStatusExporter(Exporter):
    """Orders are created in BigCommerce, never by an export: only their status goes back."""

    source = source_type = SourceObject.ORDER
    main_object = TARGET.main_object
    resource = "order"

    def writable(self, path):
        return TARGET.writable(path)

    def read(self, ids):
        return {str(o["id"]): o for o in reads.orders_by_id(self.ctx.bc, ids)}

    def body(self, unit: Unit) -> dict:
        status = unit.values.get("status_id")
        return {"status_id": int(status)} if status not in (None, "") else {}

    def payload(self, unit: Unit) -> dict:
        return self.body(unit)  # the order's id is in the URL

    def update(self, units):
        ready = [u for u in units if self.body(u)]
        for unit in units:
            if not self.body(unit):
                unit.outcome = Outcome.UNCHANGED
        changes = [(int(u.bc_id), self.body(u)["status_id"]) for u in ready]
        take_results(ready, writes.update_order_statuses(self.ctx.bc, changes))
