"""Simulated shop activity: customers sign up and change, orders come in and move on, prices move.

Each change goes through the same service functions as the API, in its own transaction, so
it updates `date_modified` and fires its webhooks exactly as an API call would.
"""

import logging
import random
import threading
import time
from collections.abc import Callable

from django.db import transaction
from django.db.models import Max

from sandbox.bigcommerce import catalog, customers, demo_words, order_writes, refunds
from sandbox.bigcommerce.api import ApiError
from sandbox.bigcommerce.models import Customer, Order, Product, SandboxStore, Variant
from sandbox.bigcommerce.reference import COUNTRIES
from sandbox.bigcommerce.validation import money

logger = logging.getLogger(__name__)

# Where an order goes next in a plausible life; statuses not listed are final.
NEXT_STATUS = {0: 1, 1: 7, 7: 11, 11: 9, 9: 2, 3: 2, 2: 10, 8: 10, 12: 11, 13: 10}


def simulate_activity(
    store: SandboxStore,
    *,
    events_per_minute=60,
    duration_seconds=60,
    seed=None,
    stop_event: threading.Event | None = None,
) -> int:
    """Make changes at the given rate until the time is up (or `stop_event` is set)."""
    simulator = Simulator(store, random.Random(seed))  # noqa: S311 - not for secrets
    interval = 60.0 / events_per_minute
    started = time.monotonic()
    changes = 0
    for tick in range(max(0, int(duration_seconds * events_per_minute / 60))):
        delay = started + tick * interval - time.monotonic()
        if delay > 0 and _stopped(stop_event, delay):
            break
        if stop_event is not None and stop_event.is_set():
            break
        changes += simulator.step()
    return changes


def _stopped(stop_event: threading.Event | None, delay: float) -> bool:
    if stop_event is None:
        time.sleep(delay)
        return False
    return stop_event.wait(delay)


class Simulator:
    def __init__(self, store: SandboxStore, rng: random.Random):
        self.store = store
        self.rng = rng
        self.actions: list[tuple[Callable[[], object], int]] = [
            (self.new_customer, 10),
            (self.change_customer, 15),
            (self.new_address, 5),
            (self.new_order, 25),
            (self.advance_order, 20),
            (self.refund_order, 5),
            (self.change_product, 15),
            (self.change_variant, 5),
        ]

    def step(self) -> int:
        """One change; 0 when the chosen change had nothing to act on."""
        actions, weights = zip(*self.actions, strict=True)
        action = self.rng.choices(actions, weights)[0]
        try:
            with transaction.atomic():
                return 1 if action() else 0
        except ApiError as error:
            logger.info("Simulated %s refused: %s", action.__name__, error)
            return 0

    def pick(self, model, **filters):
        """A random record of the store (None if there is none), without scanning the table."""
        queryset = model.objects.filter(store=self.store, **filters)
        top = queryset.aggregate(top=Max("bc_id"))["top"]
        if top is None:
            return None
        mark = self.rng.randint(1, top)
        return (
            queryset.filter(bc_id__gte=mark).order_by("bc_id").first()
            or queryset.order_by("-bc_id").first()
        )

    # --- changes ------------------------------------------------------------------------------
    def new_customer(self):
        first = self.rng.choice(demo_words.FIRST_NAMES)
        last = self.rng.choice(demo_words.LAST_NAMES)
        city, state, zip_code, country = self.rng.choice(demo_words.PLACES)
        address = {
            "first_name": first,
            "last_name": last,
            "address1": f"{self.rng.randint(1, 999)} {self.rng.choice(demo_words.STREETS)}",
            "city": city,
            "state_or_province": state,
            "postal_code": zip_code,
            "country_code": country,
        }
        item = {
            "email": f"{first}.{last}.{self.rng.randrange(10**9)}@example.org".lower(),
            "first_name": first,
            "last_name": last,
            "addresses": [address],
        }
        return customers.create_customers(self.store, [item])

    def change_customer(self):
        customer = self.pick(Customer)
        if customer is None:
            return None
        notes = self.rng.choice(
            ("Called about delivery", "Prefers email", "Asked for a catalogue", "")
        )
        phone = f"+1 555 02{self.rng.randint(0, 99):02d}"
        return customers.update_customers(
            self.store, [{"id": customer.bc_id, "notes": notes, "phone": phone}]
        )

    def new_address(self):
        customer = self.pick(Customer)
        if customer is None:
            return None
        city, state, zip_code, country = self.rng.choice(demo_words.PLACES)
        address = {
            "customer_id": customer.bc_id,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "address1": f"{self.rng.randint(1, 999)} {self.rng.choice(demo_words.STREETS)}",
            "city": city,
            "state_or_province": state,
            "postal_code": zip_code,
            "country_code": country if country in COUNTRIES else "US",
        }
        return customers.create_addresses(self.store, [address])

    def new_order(self):
        variant = self.pick(Variant)
        if variant is None:
            return None
        buyer = self.pick(Customer) if self.rng.random() < 0.8 else None
        first = buyer.first_name if buyer else self.rng.choice(demo_words.FIRST_NAMES)
        last = buyer.last_name if buyer else self.rng.choice(demo_words.LAST_NAMES)
        city, state, zip_code, country = self.rng.choice(demo_words.PLACES)
        billing = {
            "first_name": first,
            "last_name": last,
            "street_1": f"{self.rng.randint(1, 999)} {self.rng.choice(demo_words.STREETS)}",
            "city": city,
            "state": state,
            "zip": zip_code,
            "country_iso2": country,
            "email": buyer.email if buyer else "",
        }
        data = {
            "customer_id": buyer.bc_id if buyer else 0,
            "status_id": self.rng.choice((0, 1, 7, 11)),
            "billing_address": billing,
            "products": [
                {
                    "product_id": variant.product.bc_id,
                    "variant_id": variant.bc_id,
                    "quantity": self.rng.randint(1, 3),
                }
            ],
            "payment_method": self.rng.choice(demo_words.PAYMENT_METHODS),
        }
        return order_writes.create_order(self.store, data)

    def advance_order(self):
        order = self.pick(Order, status_id__in=list(NEXT_STATUS), is_deleted=False)
        if order is None:
            return None
        order_writes.change_status(order, NEXT_STATUS[order.status_id])
        return order

    def refund_order(self):
        order = self.pick(Order, status_id__in=(2, 10), is_deleted=False)
        if order is None:
            return None
        line = order.products.order_by("bc_id").first()
        amount = line.body.get("price_inc_tax") if line else None
        if amount is None or refunds.refundable(order) < money(amount):
            return None
        data = {
            "items": [{"item_type": "PRODUCT", "item_id": line.bc_id, "quantity": 1}],
            "payments": [{"provider_id": "storecredit", "amount": float(amount), "offline": True}],
            "reason": self.rng.choice(demo_words.REFUND_REASONS),
        }
        return refunds.create_refund(order, data)

    def change_product(self):
        product = self.pick(Product)
        if product is None:
            return None
        price = round(
            max(1.0, float(product.body.get("price", 10)) * self.rng.uniform(0.9, 1.1)), 2
        )
        inventory = self.rng.randint(0, 250)
        return catalog.update_product(product, {"price": price, "inventory_level": inventory})

    def change_variant(self):
        variant = self.pick(Variant)
        if variant is None:
            return None
        return catalog.update_variant(variant, {"inventory_level": self.rng.randint(0, 60)})
