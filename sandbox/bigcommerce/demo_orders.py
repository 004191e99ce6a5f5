"""The demo store's order history: orders, their lines, shipping addresses and refunds.

Up to 100,000 orders are made, so their rows are written in bulk as prepared tuples
(`sandbox.bigcommerce.bulk`) rather than through model instances.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sandbox.bigcommerce import demo_words as words
from sandbox.bigcommerce.bulk import as_json, as_time, insert_rows
from sandbox.bigcommerce.models import (
    Order,
    OrderAddress,
    OrderProduct,
    Refund,
)
from sandbox.bigcommerce.order_writes import LineItem, billing_body, order_body, shipping_body
from sandbox.bigcommerce.reference import (
    ORDER_STATUSES,
    PARTIALLY_REFUNDED,
    REFUNDED,
    SHIPPED_STATUSES,
    country_name,
)
from sandbox.bigcommerce.validation import money_text

# Statuses of the orders after the first fifteen (which take each status once), by weight.
STATUS_WEIGHTS = {
    10: 30,
    2: 18,
    11: 14,
    9: 6,
    7: 6,
    1: 5,
    3: 4,
    14: 4,
    4: 3,
    5: 3,
    0: 2,
    6: 2,
    8: 1,
    12: 1,
    13: 1,
}
GUEST_EVERY = 7  # one order in seven is a guest's
ORDER_COLUMNS = (
    "store",
    "bc_id",
    "customer_id",
    "email",
    "status_id",
    "date_created",
    "date_modified",
    "is_deleted",
    "body",
)
LINE_COLUMNS = ("store", "order", "bc_id", "product_id", "variant_id", "sku", "address_id", "body")


@dataclass
class PlannedOrder:
    bc_id: int
    customer_id: int
    email: str
    status_id: int
    created: datetime
    modified: datetime
    body: dict
    shipping: dict
    items: list[LineItem]
    lines: list[tuple[int, LineItem, dict]] = field(default_factory=list)
    address_id: int = 0
    refund: dict | None = None


class OrderMaker:
    """Makes one chunk of orders at a time for a `DemoBuilder` (its store, dice and customers)."""

    def __init__(self, builder):
        self.builder = builder
        self.store = builder.store
        self.rng = builder.rng
        self.brand_names = {brand.bc_id: brand.name for brand in builder.brands}

    def make(self, start: int, stop: int) -> list[int]:
        """Orders number start..stop-1 of the history; their API ids."""
        builder = self.builder
        plans = [
            self.plan(index, bc_id)
            for index, bc_id in zip(
                range(start, stop), builder.ids("order", stop - start), strict=True
            )
        ]
        line_ids = iter(builder.ids("order_product", sum(len(p.items) for p in plans)))
        address_ids = iter(builder.ids("order_address", len(plans)))
        refunded = [p for p in plans if p.status_id in (REFUNDED, PARTIALLY_REFUNDED)]
        refund_ids = iter(builder.ids("refund", len(refunded)))
        payment_ids = iter(builder.ids("refund_payment", len(refunded)))
        for plan in plans:
            plan.address_id = next(address_ids)
            plan.lines = [self.line(plan, item, next(line_ids)) for item in plan.items]
        for plan in refunded:
            plan.refund = self.refund(plan, next(refund_ids), next(payment_ids))
        self.write(plans)
        builder.counts["orders"] += len(plans)
        builder.counts["order_products"] += sum(len(p.lines) for p in plans)
        builder.counts["refunds"] += len(refunded)
        return [plan.bc_id for plan in plans]

    def write(self, plans: list[PlannedOrder]) -> None:
        store_id = self.store.pk
        insert_rows(Order, ORDER_COLUMNS, [self.order_row(store_id, p) for p in plans])
        bounds = (plans[0].bc_id, plans[-1].bc_id)
        found = Order.objects.filter(store=self.store, bc_id__range=bounds)
        pks = dict(found.values_list("bc_id", "pk"))
        addresses = [(store_id, pks[p.bc_id], p.address_id, as_json(p.shipping)) for p in plans]
        insert_rows(OrderAddress, ("store", "order", "bc_id", "body"), addresses)
        lines = [
            (
                store_id,
                pks[p.bc_id],
                bc_id,
                item.product_id,
                item.variant_id,
                item.sku,
                p.address_id,
                as_json(body),
            )
            for p in plans
            for bc_id, item, body in p.lines
        ]
        insert_rows(OrderProduct, LINE_COLUMNS, lines)
        refunds = [
            (
                store_id,
                pks[p.bc_id],
                p.refund["id"],
                as_time(p.refund["created"]),
                as_json(p.refund["body"]),
            )
            for p in plans
            if p.refund
        ]
        insert_rows(Refund, ("store", "order", "bc_id", "created", "body"), refunds)

    @staticmethod
    def order_row(store_id: int, p: PlannedOrder) -> tuple:
        created, modified = as_time(p.created), as_time(p.modified)
        return (
            store_id,
            p.bc_id,
            p.customer_id,
            p.email,
            p.status_id,
            created,
            modified,
            False,
            as_json(p.body),
        )

    # --- one order ----------------------------------------------------------------------------
    def plan(self, index: int, bc_id: int) -> PlannedOrder:
        rng, builder = self.rng, self.builder
        status_id = (
            index
            if index < len(ORDER_STATUSES)
            else rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        )
        customer, place, email, since = self.buyer(index, bc_id)
        created = builder.moment(since, builder.history_ends)
        items = [
            self.line_item(rng.choice(builder.variants), rng.randint(1, 3))
            for _ in range(rng.randint(1, 4))
        ]
        address = self.address(place, email)
        extra = {
            "payment_method": rng.choice(words.PAYMENT_METHODS),
            "cart_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        }
        body = order_body(
            items,
            billing_body(address),
            status_id=status_id,
            shipping_count=1,
            created=created,
            extra=extra,
        )
        return PlannedOrder(
            bc_id=bc_id,
            customer_id=customer.bc_id if customer else 0,
            email=email,
            status_id=status_id,
            created=created,
            modified=builder.moment(
                created, min(builder.history_ends, created + timedelta(days=20))
            ),
            body=body,
            shipping=shipping_body(address, items, status_id in SHIPPED_STATUSES),
            items=items,
        )

    def buyer(self, index: int, bc_id: int):
        """Who placed the order: a customer, or a guest (customer 0) who may have left no email."""
        builder = self.builder
        if builder.buyers and index % GUEST_EVERY != GUEST_EVERY - 1:
            customer, place = self.rng.choice(builder.buyers)
            return customer, place, customer.email, customer.date_created
        place = builder.address(
            self.rng.choice(words.FIRST_NAMES), self.rng.choice(words.LAST_NAMES), ""
        )
        email = f"guest.{bc_id}@example.net" if (index // GUEST_EVERY) % 2 == 0 else ""
        return None, place, email, builder.history_ends - timedelta(days=builder.history_days)

    @staticmethod
    def address(place: dict, email: str) -> dict:
        return {
            "first_name": place["first_name"],
            "last_name": place["last_name"],
            "company": place["company"],
            "street_1": place["address1"],
            "street_2": place["address2"],
            "city": place["city"],
            "state": place["state_or_province"],
            "zip": place["postal_code"],
            "country": country_name(place["country_code"]),
            "country_iso2": place["country_code"],
            "phone": place["phone"],
            "email": email,
        }

    def line_item(self, pair, quantity: int) -> LineItem:
        product, variant = pair
        price = variant.body.get("price", product.body["price"])
        return LineItem(
            name=product.name,
            sku=variant.sku,
            price_ex_tax=Decimal(str(price)),
            quantity=quantity,
            product_id=product.bc_id,
            variant_id=variant.bc_id,
            cost_price=Decimal(str(product.body["cost_price"])),
            weight=Decimal(str(product.body["weight"])),
            brand=self.brand_names.get(product.body["brand_id"], ""),
            options=variant.body["option_values"],
        )

    def line(self, plan: PlannedOrder, item: LineItem, bc_id: int) -> tuple[int, LineItem, dict]:
        body = item.body(bc_id)
        if plan.status_id in SHIPPED_STATUSES:
            body["quantity_shipped"] = item.quantity
        return bc_id, item, body

    def refund(self, plan: PlannedOrder, bc_id: int, payment_id: int) -> dict:
        """A refund of the whole order (Refunded) or of one unit (Partially Refunded)."""
        full = plan.status_id == REFUNDED
        chosen = plan.lines if full else plan.lines[:1]
        items = []
        for line_id, item, body in chosen:
            quantity = item.quantity if full else 1
            amount = Decimal(body["price_inc_tax"]) * quantity
            body.update(
                quantity_refunded=quantity, is_refunded=full, refund_amount=money_text(amount)
            )
            items.append(
                {
                    "item_type": "PRODUCT",
                    "item_id": line_id,
                    "quantity": quantity,
                    "requested_amount": None,
                }
            )
        total = (
            Decimal(plan.body["total_inc_tax"])
            if full
            else sum(Decimal(b["refund_amount"]) for _, _, b in chosen)
        )
        plan.body["refunded_amount"] = money_text(total)
        payment = {
            "id": payment_id,
            "provider_id": "storecredit",
            "amount": float(total),
            "offline": True,
            "is_declined": False,
            "declined_message": "",
        }
        body = {
            "user_id": 0,
            "reason": self.rng.choice(words.REFUND_REASONS),
            "total_amount": float(total),
            "total_tax": 0,
            "uses_merchant_override_values": False,
            "payments": [payment],
            "items": items,
        }
        return {
            "id": bc_id,
            "created": self.builder.moment(plan.created, plan.modified),
            "body": body,
        }
