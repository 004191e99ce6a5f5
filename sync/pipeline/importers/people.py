"""Customers and guests → Account + Contact (the Contact under its Account)."""

from integrations.bigcommerce import reads
from mappings.models import SourceObject
from sync.pipeline.importers.base import Importer


def _account_id(prepared, written: dict) -> dict:
    return {"AccountId": written["Account"].target_id}


PERSON_STEPS = [("Account", None), ("Contact", _account_id)]


class CustomerImporter(Importer):
    source = source_type = SourceObject.CUSTOMER
    main_object = "Contact"

    def pages(self, since):
        return reads.customer_pages(self.ctx.bc, since, self.on_total)

    def fetch(self, ids):
        return reads.customers_by_id(self.ctx.bc, ids)

    def derive(self, record):
        group_id = record.get("customer_group_id")
        name = self.ctx.customer_group_names.get(group_id) if group_id else None
        return {**record, "customer_group": {"id": group_id, "name": name}}

    def steps(self):
        return PERSON_STEPS


class GuestImporter(Importer):
    """Guests are the billing addresses of orders without a customer (`customer_id` 0).

    A guest is one person per email address; a guest without an email is one person per order,
    so guests without an email never merge into one shared Contact.
    """

    source = source_type = SourceObject.GUEST
    key_kind = "guest"
    main_object = "Contact"

    def pages(self, since):
        for page in reads.order_pages(self.ctx.bc, since, customer_id=0):
            yield guests_of(page)

    def fetch(self, ids):
        """Guests by their id (`email:<address>` or `order:<id>`): from their latest order."""
        kinds = [str(i).split(":", 1) for i in ids]
        order_ids = [value for kind, value in kinds if kind == "order"]
        orders = reads.orders_by_id(self.ctx.bc, order_ids) if order_ids else []
        for kind, value in kinds:
            if kind == "email":
                orders += reads.latest_guest_order(self.ctx.bc, value)
        return guests_of(orders)

    def source_id(self, record):
        return guest_id(record)

    def steps(self):
        return PERSON_STEPS


def guest_id(order: dict) -> str:
    email = ((order.get("billing_address") or {}).get("email") or "").strip().lower()
    return f"email:{email}" if email else f"order:{order['id']}"


def guests_of(orders: list[dict]) -> list[dict]:
    """One record per guest, the latest order's billing address winning."""
    latest: dict[str, dict] = {}
    for order in orders:
        if not order.get("customer_id"):
            latest[guest_id(order)] = order
    return list(latest.values())
