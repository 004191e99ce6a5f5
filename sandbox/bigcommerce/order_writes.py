"""Creating and changing orders: the money arithmetic, and the events each change fires.

The emulated store charges one flat sales tax on goods and shipping and one flat shipping rate
per shipping address; prices are entered without tax. The demo generator builds its orders
with the same functions, in bulk.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sandbox.bigcommerce import dates
from sandbox.bigcommerce.api import ApiError
from sandbox.bigcommerce.models import (
    Customer,
    Order,
    OrderAddress,
    OrderCoupon,
    OrderProduct,
    SandboxStore,
    Variant,
)
from sandbox.bigcommerce.orders import ADDRESS_FIELDS, ORDER_BODY_DEFAULTS, PRODUCT_BODY_DEFAULTS
from sandbox.bigcommerce.reference import (
    ORDER_STATUSES,
    PAYMENT_STATUS,
    SHIPPED_STATUSES,
    country_name,
)
from sandbox.bigcommerce.services import allocate_ids, next_id
from sandbox.bigcommerce.validation import Errors, body_object, money, money_text
from sandbox.bigcommerce.webhooks import emit

TAX_RATE = Decimal("0.0825")
# Coupon types of the order coupons resource (orders.v2.oas2.yml) that the emulator applies.
PERCENTAGE_DISCOUNT, PER_TOTAL_DISCOUNT = 1, 2
SHIPPING_RATE = Decimal("10.00")
CENT = Decimal("0.01")
# The fields of order_Put (orders.v2.oas2.yml), which PUT /v2/orders/{id} accepts.
ORDER_PUT_FIELDS = frozenset(
    {
        "base_handling_cost",
        "base_shipping_cost",
        "base_wrapping_cost",
        "billing_address",
        "channel_id",
        "consignments",
        "customer_id",
        "customer_locale",
        "customer_message",
        "date_created",
        "default_currency_code",
        "discount_amount",
        "ebay_order_id",
        "external_id",
        "external_merchant_id",
        "external_order_id",
        "external_source",
        "fees",
        "geoip_country",
        "geoip_country_iso2",
        "handling_cost_ex_tax",
        "handling_cost_inc_tax",
        "ip_address",
        "ip_address_v6",
        "items_shipped",
        "items_total",
        "order_is_digital",
        "order_source",
        "payment_method",
        "payment_provider_id",
        "products",
        "refunded_amount",
        "shipping_addresses",
        "shipping_cost_ex_tax",
        "shipping_cost_inc_tax",
        "staff_notes",
        "status_id",
        "subtotal_ex_tax",
        "subtotal_inc_tax",
        "tax_provider_id",
        "total_ex_tax",
        "total_inc_tax",
        "wrapping_cost_ex_tax",
        "wrapping_cost_inc_tax",
    }
)
EDITABLE_FIELDS = (
    "staff_notes",
    "customer_message",
    "payment_method",
    "external_source",
    "external_id",
    "external_merchant_id",
    "external_order_id",
    "ip_address",
    "channel_id",
)


def taxed(amount: Decimal) -> Decimal:
    return (amount * (1 + TAX_RATE)).quantize(CENT, ROUND_HALF_UP)


@dataclass
class LineItem:
    """One order line before it is stored: what was bought, at which price, how many."""

    name: str
    sku: str
    price_ex_tax: Decimal
    quantity: int
    product_id: int = 0
    variant_id: int | None = None
    cost_price: Decimal = Decimal(0)
    weight: Decimal = Decimal(0)
    brand: str = ""
    options: list = field(default_factory=list)

    def body(self, bc_id: int) -> dict:
        price_inc = taxed(self.price_ex_tax)
        total_ex = self.price_ex_tax * self.quantity
        total_inc = price_inc * self.quantity
        options = [
            {
                "id": bc_id * 10 + position,
                "option_id": value["option_id"],
                "order_product_id": bc_id,
                "product_option_id": value["option_id"],
                "display_name": value["option_display_name"],
                "display_value": value["label"],
                "value": str(value["id"]),
                "type": "Multiple choice",
                "name": value["option_display_name"],
                "display_style": "Rectangle",
            }
            for position, value in enumerate(self.options)
        ]
        return {
            **PRODUCT_BODY_DEFAULTS,
            "name": self.name,
            "name_customer": self.name,
            "name_merchant": self.name,
            "base_price": money_text(self.price_ex_tax),
            "price_ex_tax": money_text(self.price_ex_tax),
            "price_inc_tax": money_text(price_inc),
            "price_tax": money_text(price_inc - self.price_ex_tax),
            "base_total": money_text(total_ex),
            "total_ex_tax": money_text(total_ex),
            "total_inc_tax": money_text(total_inc),
            "total_tax": money_text(total_inc - total_ex),
            "weight": money_text(self.weight),
            "quantity": self.quantity,
            "base_cost_price": money_text(self.cost_price),
            "cost_price_inc_tax": money_text(self.cost_price),
            "cost_price_ex_tax": money_text(self.cost_price),
            "brand": self.brand,
            "product_options": options,
            "discounted_total_inc_tax": money_text(total_inc),
        }


def billing_body(address: dict) -> dict:
    data = {name: str(address.get(name) or "") for name in ADDRESS_FIELDS}
    data["country_iso2"] = data["country_iso2"].upper()
    data["country"] = data["country"] or country_name(data["country_iso2"])
    data["form_fields"] = address.get("form_fields") or []
    return data


def shipping_body(address: dict, items: list[LineItem], shipped: bool) -> dict:
    count = sum(item.quantity for item in items)
    shipping_inc = taxed(SHIPPING_RATE)
    return {
        **billing_body(address),
        "items_total": count,
        "items_shipped": count if shipped else 0,
        "base_cost": money_text(SHIPPING_RATE),
        "cost_ex_tax": money_text(SHIPPING_RATE),
        "cost_inc_tax": money_text(shipping_inc),
        "cost_tax": money_text(shipping_inc - SHIPPING_RATE),
    }


def order_body(
    items: list[LineItem],
    billing: dict,
    *,
    status_id: int,
    shipping_count: int,
    created: datetime,
    extra: dict,
) -> dict:
    subtotal_ex = sum((item.price_ex_tax * item.quantity for item in items), Decimal(0))
    subtotal_inc = sum((taxed(item.price_ex_tax) * item.quantity for item in items), Decimal(0))
    shipping_ex = SHIPPING_RATE * shipping_count
    shipping_inc = taxed(SHIPPING_RATE) * shipping_count
    count = sum(item.quantity for item in items)
    shipped = status_id in SHIPPED_STATUSES
    body = {
        **ORDER_BODY_DEFAULTS,
        "subtotal_ex_tax": money_text(subtotal_ex),
        "subtotal_inc_tax": money_text(subtotal_inc),
        "subtotal_tax": money_text(subtotal_inc - subtotal_ex),
        "base_shipping_cost": money_text(shipping_ex),
        "shipping_cost_ex_tax": money_text(shipping_ex),
        "shipping_cost_inc_tax": money_text(shipping_inc),
        "shipping_cost_tax": money_text(shipping_inc - shipping_ex),
        "total_ex_tax": money_text(subtotal_ex + shipping_ex),
        "total_inc_tax": money_text(subtotal_inc + shipping_inc),
        "total_tax": money_text(subtotal_inc + shipping_inc - subtotal_ex - shipping_ex),
        "items_total": count,
        "items_shipped": count if shipped else 0,
        "payment_status": PAYMENT_STATUS[status_id],
        "order_is_digital": shipping_count == 0,
        "shipping_address_count": shipping_count,
        "billing_address": billing,
        "date_shipped": dates.v2(created) if shipped else "",
        **{name: value for name, value in extra.items() if name in ORDER_BODY_DEFAULTS},
    }
    return body


# --- create -------------------------------------------------------------------------------------
def create_order(store: SandboxStore, data) -> Order:
    data = body_object(data)
    errors = Errors()
    errors.missing(data, ("billing_address", "products"))
    status_id = data.get("status_id", 1)
    if status_id not in ORDER_STATUSES:
        errors["status_id"] = "The status does not exist."
    customer_id = data.get("customer_id") or 0
    if customer_id and not Customer.objects.filter(store=store, bc_id=customer_id).exists():
        errors["customer_id"] = "The customer does not exist."
    errors.raise_if_any()
    items = [
        _line_item(store, item, position) for position, item in enumerate(data["products"] or [])
    ]
    if not items:
        raise ApiError(400, "An order needs at least one product.")
    created = _created_at(data)
    return _save_new_order(store, data, items, status_id, customer_id, created)


def _created_at(data: dict) -> datetime:
    if not data.get("date_created"):
        return dates.now()
    try:
        return dates.parse_filter(data["date_created"])
    except (ValueError, TypeError):
        raise ApiError(400, "The field 'date_created' is not an RFC-2822 date.") from None


def _line_item(store: SandboxStore, item, position: int) -> LineItem:
    if (
        not isinstance(item, dict)
        or not item.get("quantity")
        or not isinstance(item["quantity"], int)
    ):
        raise ApiError(400, f"products[{position}] needs a whole quantity.")
    if item.get("product_id"):
        return _catalog_item(store, item, position)
    try:
        price = money(item.get("price_ex_tax", item.get("price_inc_tax")))
    except ValueError:
        raise ApiError(
            400, f"products[{position}] needs a product_id, or a name and a price."
        ) from None
    if not item.get("name"):
        raise ApiError(400, f"products[{position}] needs a product_id, or a name and a price.")
    return LineItem(
        name=item["name"], sku=item.get("sku") or "", price_ex_tax=price, quantity=item["quantity"]
    )


def _catalog_item(store: SandboxStore, item: dict, position: int) -> LineItem:
    variants = Variant.objects.filter(
        store=store, product__bc_id=item["product_id"]
    ).select_related("product")
    if item.get("variant_id"):
        variants = variants.filter(bc_id=item["variant_id"])
    variant = variants.order_by("bc_id").first()
    if variant is None:
        raise ApiError(400, f"products[{position}]: the product or variant does not exist.")
    product = variant.product
    price = variant.body.get("price")
    price = Decimal(str(price if price is not None else product.body.get("price", 0)))
    if item.get("price_ex_tax") is not None:
        price = money(item["price_ex_tax"])
    return LineItem(
        name=product.name,
        sku=variant.sku,
        price_ex_tax=price,
        quantity=item["quantity"],
        product_id=product.bc_id,
        variant_id=variant.bc_id,
        cost_price=Decimal(
            str(variant.body.get("cost_price") or product.body.get("cost_price") or 0)
        ),
        weight=Decimal(str(product.body.get("weight") or 0)),
        options=variant.body.get("option_values", []),
    )


def _save_new_order(store, data, items, status_id, customer_id, created) -> Order:
    billing = billing_body(
        data["billing_address"] if isinstance(data["billing_address"], dict) else {}
    )
    destinations = [a for a in data.get("shipping_addresses") or [] if isinstance(a, dict)] or [
        data["billing_address"]
    ]
    extra = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    body = order_body(
        items,
        billing,
        status_id=status_id,
        shipping_count=len(destinations),
        created=created,
        extra=extra,
    )
    order = Order.objects.create(
        store=store,
        bc_id=next_id(store, "order"),
        customer_id=customer_id,
        email=billing["email"].lower(),
        status_id=status_id,
        date_created=created,
        date_modified=dates.now(),
        body=body,
    )
    address_ids = allocate_ids(store, "order_address", len(destinations))
    shipped = status_id in SHIPPED_STATUSES
    for address_id, address in zip(address_ids, destinations, strict=True):
        OrderAddress.objects.create(
            store=store, order=order, bc_id=address_id, body=shipping_body(address, items, shipped)
        )
    for item, bc_id in zip(items, allocate_ids(store, "order_product", len(items)), strict=True):
        OrderProduct.objects.create(
            store=store,
            order=order,
            bc_id=bc_id,
            product_id=item.product_id,
            variant_id=item.variant_id,
            sku=item.sku,
            address_id=address_ids[0],
            body=item.body(bc_id),
        )
    emit(store, "store/order/created", {"type": "order", "id": order.bc_id})
    return order


# --- update and archive -------------------------------------------------------------------------
def update_order(order: Order, data) -> Order:
    data = body_object(data)
    _check_writable(data)
    unsupported = sorted({"products", "shipping_addresses", "consignments"} & set(data))
    if unsupported:
        # Changing an order's lines is not emulated; the answer says so instead of ignoring it.
        raise ApiError(400, f"The emulator does not change {', '.join(unsupported)} of an order.")
    status_id = data.get("status_id", order.status_id)
    if isinstance(status_id, bool) or status_id not in ORDER_STATUSES:
        raise ApiError(400, "The field 'status_id' is invalid.")
    customer_id = data.get("customer_id", order.customer_id)
    if customer_id and not Customer.objects.filter(store=order.store, bc_id=customer_id).exists():
        raise ApiError(400, "The field 'customer_id' does not name a customer.")
    if isinstance(data.get("billing_address"), dict):
        billing = billing_body({**order.body.get("billing_address", {}), **data["billing_address"]})
        order.body["billing_address"] = billing
        order.email = billing["email"].lower()
    order.body.update({name: data[name] for name in EDITABLE_FIELDS if name in data})
    order.customer_id = customer_id or 0
    change_status(order, status_id)
    return order


def _check_writable(data: dict) -> None:
    """A field order_Put does not list is refused, with the platform's messages (as API users
    report them: the spec documents no error answer for PUT /orders/{id})."""
    if "id" in data:
        raise ApiError(
            400,
            "The field 'id' cannot be written to. Please remove it from your request before "
            "trying again.",
        )
    unknown = sorted(set(data) - ORDER_PUT_FIELDS)
    if unknown:
        raise ApiError(400, f"The field '{unknown[0]}' is not supported by this resource.")


def change_status(order: Order, status_id: int) -> None:
    """Save the order with a new status (or none), firing the platform's events."""
    previous = order.status_id
    if status_id != previous:
        order.status_id = status_id
        order.body["payment_status"] = PAYMENT_STATUS[status_id]
        if status_id in SHIPPED_STATUSES and not order.body.get("date_shipped"):
            order.body["date_shipped"] = dates.v2(dates.now())
            order.body["items_shipped"] = order.body.get("items_total", 0)
    order.date_modified = dates.now()
    order.save()
    if status_id != previous:
        status = {"previous_status_id": previous, "new_status_id": status_id}
        emit(
            order.store,
            "store/order/statusUpdated",
            {"type": "order", "id": order.bc_id, "status": status},
        )
    emit(order.store, "store/order/updated", {"type": "order", "id": order.bc_id})


def archive_order(order: Order) -> None:
    order.is_deleted = True
    order.date_modified = dates.now()
    order.save(update_fields=["is_deleted", "date_modified"])
    emit(order.store, "store/order/archived", {"type": "order", "id": order.bc_id})


# --- coupons ------------------------------------------------------------------------------------
def add_coupons(order: Order, coupons: list[dict]) -> list[OrderCoupon]:
    """Apply coupons to an order as the storefront does at checkout: each takes its discount off
    the goods before tax (what earlier coupons left), and the order's totals go down by it and
    its tax. Each coupon is {"code", "type", "amount"}: type 1 takes `amount` percent, type 2
    `amount` off the total. Line items keep their prices.

    BigCommerce's v2 API takes no coupon in an order it creates; the demo data and the tests
    give their orders coupons here. The order is saved, and no event is fired."""
    body = order.body
    left = Decimal(body["subtotal_ex_tax"])
    rows = []
    ids = iter(allocate_ids(order.store, "order_coupon", len(coupons)))
    for coupon in coupons:
        discount = _discount(coupon, left)
        left -= discount
        rows.append(_coupon_row(order, next(ids), coupon, discount))
    taken = sum((row.discount for row in rows), Decimal(0))
    total_ex = Decimal(body["total_ex_tax"]) - taken
    total_inc = Decimal(body["total_inc_tax"]) - taxed(taken)
    body.update(
        total_ex_tax=money_text(total_ex),
        total_inc_tax=money_text(total_inc),
        total_tax=money_text(total_inc - total_ex),
    )
    order.save(update_fields=["body"])
    return OrderCoupon.objects.bulk_create(rows)


def _discount(coupon: dict, left: Decimal) -> Decimal:
    amount = Decimal(str(coupon["amount"]))
    if coupon["type"] == PERCENTAGE_DISCOUNT:
        return (left * amount / 100).quantize(CENT, ROUND_HALF_UP)
    if coupon["type"] == PER_TOTAL_DISCOUNT:
        return min(amount, left)
    raise ValueError(f"The emulator does not apply coupons of type {coupon['type']}.")


def _coupon_row(order: Order, bc_id: int, coupon: dict, discount: Decimal) -> OrderCoupon:
    code = str(coupon["code"])
    return OrderCoupon(
        store=order.store,
        order=order,
        bc_id=bc_id,
        code=code,
        discount=discount,
        body={
            "coupon_id": _coupon_id(order.store, code),
            "amount": float(coupon["amount"]),
            "type": coupon["type"],
        },
    )


def _coupon_id(store: SandboxStore, code: str) -> int:
    """The store's coupon of this code: the id its earlier uses had, else a new one."""
    used = OrderCoupon.objects.filter(store=store, code=code).values_list("body", flat=True)
    earlier = next(iter(used[:1]), None)
    return earlier["coupon_id"] if earlier else next_id(store, "coupon")
