"""Recent orders with coupons in a demo store, for coupon revenue to sum: the demo history ends
at a fixed moment, long before yesterday.

`ensure_recent_coupon_orders` gives each of the last few days (UTC) that has no order with a
coupon a few orders of the store's customers, with the demo codes. They are made as the API
makes orders (their `store/order/created` webhooks fire), then given their coupons as the
storefront would. The same day gives the same orders.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from sandbox.bigcommerce import dates
from sandbox.bigcommerce.models import Customer, OrderCoupon, SandboxStore, Variant
from sandbox.bigcommerce.order_writes import add_coupons, create_order

SUMMER = {"code": "SUMMER10", "type": 1, "amount": 10}
WELCOME = {"code": "WELCOME5", "type": 2, "amount": 5}
# The coupons of a day's orders, in turn: one order used both codes.
DAY_COUPONS = ([SUMMER], [WELCOME], [SUMMER, WELCOME], [SUMMER])
RECENT_DAYS = 3


def ensure_recent_coupon_orders(store: SandboxStore, today: date | None = None) -> int:
    """Coupon orders on each of the RECENT_DAYS days before `today` that has none; how many
    orders were made (0 for a store without customers or products)."""
    today = today or dates.now().date()
    customers = list(Customer.objects.filter(store=store).order_by("bc_id")[:50])
    variants = list(Variant.objects.filter(store=store).select_related("product")[:50])
    if not customers or not variants:
        return 0
    made = 0
    for back in range(1, RECENT_DAYS + 1):
        day = today - timedelta(days=back)
        if not _has_coupon_orders(store, day):
            made += _coupon_orders(store, day, customers, variants)
    return made


def _has_coupon_orders(store: SandboxStore, day: date) -> bool:
    start = datetime.combine(day, time(), UTC)
    end = start + timedelta(days=1)
    coupons = OrderCoupon.objects.filter(
        store=store, order__date_created__gte=start, order__date_created__lt=end
    )
    return coupons.exists()


def _coupon_orders(store: SandboxStore, day: date, customers, variants) -> int:
    rng = random.Random(day.toordinal())  # noqa: S311 - demo data, not secrets
    for position, coupons in enumerate(DAY_COUPONS):
        customer, variant = rng.choice(customers), rng.choice(variants)
        when = datetime.combine(day, time(9 + 2 * position, rng.randint(0, 59)), UTC)
        order = create_order(
            store,
            {
                "customer_id": customer.bc_id,
                "status_id": rng.choice((2, 10, 11)),
                "date_created": dates.v2(when),
                "billing_address": _billing(customer),
                "products": [
                    {
                        "product_id": variant.product.bc_id,
                        "variant_id": variant.bc_id,
                        "quantity": rng.randint(1, 3),
                    }
                ],
            },
        )
        add_coupons(order, coupons)
    return len(DAY_COUPONS)


def _billing(customer: Customer) -> dict:
    address = customer.addresses.order_by("bc_id").first()
    place = address.body if address is not None else {}
    return {
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "company": customer.company,
        "email": customer.email,
        "street_1": place.get("address1", ""),
        "city": place.get("city", ""),
        "state": place.get("state_or_province", ""),
        "zip": place.get("postal_code", ""),
        "country_iso2": place.get("country_code", "US"),
    }
