"""Orders (v2): how they look on the wire, and the queries behind the order endpoints.

A page of 250 orders with their line items is about 2 MB of JSON, and it must be answered in
well under 100 ms. So orders and order products are rendered as text: each row's JSON body is
read as stored and spliced between the fields that come from columns (id, dates, status...)
and the fields every order shares, which are encoded once (`*_CONSTANTS`). A body always holds
every key of its `*_BODY_DEFAULTS` and no other, so no key appears twice. Money is a string with
four decimals and dates are RFC-2822, as in v2.
"""

import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import NamedTuple

from django.db import connection
from django.db.models import QuerySet, Sum, TextField
from django.db.models.functions import Cast

from sandbox.bigcommerce import dates
from sandbox.bigcommerce.api import ApiError
from sandbox.bigcommerce.models import (
    Order,
    OrderAddress,
    OrderCoupon,
    OrderProduct,
    SandboxStore,
)
from sandbox.bigcommerce.reference import status_name
from sandbox.bigcommerce.validation import money_text

ZERO = "0.0000"
# Fields of an order that its body holds (set when it is created, changed by updates).
ORDER_BODY_DEFAULTS = {
    "date_shipped": "",
    **dict.fromkeys(("subtotal_ex_tax", "subtotal_inc_tax", "subtotal_tax"), ZERO),
    **dict.fromkeys(("base_shipping_cost", "shipping_cost_ex_tax", "shipping_cost_inc_tax"), ZERO),
    "shipping_cost_tax": ZERO,
    **dict.fromkeys(("total_ex_tax", "total_inc_tax", "total_tax"), ZERO),
    "items_total": 0,
    "items_shipped": 0,
    "payment_method": "Manual",
    "payment_status": "",
    "refunded_amount": ZERO,
    "order_is_digital": False,
    "ip_address": "",
    "staff_notes": "",
    "customer_message": "",
    "shipping_address_count": 0,
    "cart_id": "",
    "billing_address": {},
    "channel_id": 1,
    "external_source": None,
    "external_id": None,
    "external_merchant_id": None,
    "external_order_id": "",
}
# Fields every emulated order has alike.
ORDER_CONSTANTS = {
    "shipping_cost_tax_class_id": 2,
    **dict.fromkeys(("base_handling_cost", "handling_cost_ex_tax", "handling_cost_inc_tax"), ZERO),
    "handling_cost_tax": ZERO,
    "handling_cost_tax_class_id": 2,
    **dict.fromkeys(("base_wrapping_cost", "wrapping_cost_ex_tax", "wrapping_cost_inc_tax"), ZERO),
    "wrapping_cost_tax": ZERO,
    "wrapping_cost_tax_class_id": 3,
    "is_tax_inclusive_pricing": False,
    "payment_provider_id": "",
    "store_credit_amount": ZERO,
    "gift_certificate_amount": ZERO,
    "ip_address_v6": "",
    "geoip_country": "",
    "geoip_country_iso2": "",
    "currency_id": 1,
    "currency_code": "USD",
    "currency_exchange_rate": "1.0000000000",
    "default_currency_id": 1,
    "default_currency_code": "USD",
    "discount_amount": ZERO,
    "ebay_order_id": "0",
    "is_email_opt_in": False,
    "credit_card_type": None,
    "order_source": "external",
    "tax_provider_id": "BasicTaxProvider",
    "store_default_currency_code": "USD",
    "store_default_to_transactional_exchange_rate": "1.0000000000",
    "customer_locale": "en",
}
PRODUCT_BODY_DEFAULTS = {
    "name": "",
    "name_customer": "",
    "name_merchant": "",
    "type": "physical",
    **dict.fromkeys(("base_price", "price_ex_tax", "price_inc_tax", "price_tax"), ZERO),
    **dict.fromkeys(("base_total", "total_ex_tax", "total_inc_tax", "total_tax"), ZERO),
    "weight": ZERO,
    "quantity": 1,
    **dict.fromkeys(("base_cost_price", "cost_price_inc_tax", "cost_price_ex_tax"), ZERO),
    "is_refunded": False,
    "quantity_refunded": 0,
    "refund_amount": ZERO,
    "quantity_shipped": 0,
    "brand": "",
    "product_options": [],
    "discounted_total_inc_tax": ZERO,
}
PRODUCT_CONSTANTS = {
    "order_pickup_method_id": 0,
    "upc": "",
    **dict.fromkeys(("width", "height", "depth"), ZERO),
    "cost_price_tax": ZERO,
    "return_id": 0,
    "wrapping_id": 0,
    "wrapping_name": "",
    **dict.fromkeys(("base_wrapping_cost", "wrapping_cost_ex_tax", "wrapping_cost_inc_tax"), ZERO),
    "wrapping_cost_tax": ZERO,
    "wrapping_message": "",
    "event_name": None,
    "event_date": None,
    "fixed_shipping_cost": ZERO,
    "ebay_item_id": "",
    "ebay_transaction_id": "",
    "option_set_id": None,
    "parent_order_product_id": None,
    "is_bundled_product": False,
    "bin_picking_number": "",
    "external_id": None,
    "applied_discounts": [],
    "configurable_fields": [],
    "gift_certificate_id": None,
}
ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "street_1",
    "street_2",
    "city",
    "zip",
    "country",
    "country_iso2",
    "state",
    "email",
    "phone",
)
ADDRESS_TEMPLATE = {
    **dict.fromkeys(ADDRESS_FIELDS, ""),
    "items_total": 0,
    "items_shipped": 0,
    "shipping_method": "Flat Rate",
    **dict.fromkeys(("base_cost", "cost_ex_tax", "cost_inc_tax", "cost_tax"), ZERO),
    "cost_tax_class_id": 2,
    **dict.fromkeys(("base_handling_cost", "handling_cost_ex_tax", "handling_cost_inc_tax"), ZERO),
    "handling_cost_tax": ZERO,
    "handling_cost_tax_class_id": 2,
    "shipping_zone_id": 1,
    "shipping_zone_name": "Worldwide",
    "form_fields": [],
}
CONSIGNMENT_COSTS = (
    "base_cost",
    "cost_ex_tax",
    "cost_inc_tax",
    "cost_tax",
    "base_handling_cost",
    "handling_cost_ex_tax",
    "handling_cost_inc_tax",
    "handling_cost_tax",
)
CONSIGNMENT_INCLUDES = {"consignments", "consignments.line_items"}


def encode(data) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _members(data: dict) -> str:
    """The members of a JSON object, without its braces, to splice into another object."""
    return encode(data)[1:-1]


def _stored_members(text: str) -> str:
    return text.strip()[1:-1].strip()


def _object(*parts: str) -> str:
    return "{" + ",".join(part for part in parts if part) + "}"


ORDER_CONSTANT_MEMBERS = _members(ORDER_CONSTANTS)
PRODUCT_CONSTANT_MEMBERS = _members(PRODUCT_CONSTANTS)


def link(root: str, resource: str) -> dict:
    return {"url": f"{root}/v2{resource}", "resource": resource}


class OrderRow(NamedTuple):
    pk: int
    bc_id: int
    customer_id: int
    email: str
    status_id: int
    date_created: object
    date_modified: object
    is_deleted: bool
    body: str


class ProductRow(NamedTuple):
    pk: int
    order_pk: int
    bc_id: int
    product_id: int
    variant_id: int | None
    address_id: int
    sku: str
    body: str


def _with_text(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(body_text=Cast("body", output_field=TextField()))


def _fetch(queryset: QuerySet) -> list[tuple]:
    """The rows of a values_list query, read without the ORM's per-value converters.

    Hundreds of rows per page make the converters a third of the time. Dates then arrive as
    the backend gives them (text on SQLite, datetimes on PostgreSQL) and go through `moment`.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def moment(value) -> datetime:
    # SQLite keeps UTC times as text without an offset.
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if isinstance(value, str) else value


def order_rows(pks: list[int]) -> list[OrderRow]:
    columns = ("pk", "bc_id", "customer_id", "email", "status_id", "date_created", "date_modified")
    query = _with_text(Order.objects.filter(pk__in=pks)).values_list(
        *columns, "is_deleted", "body_text"
    )
    by_pk = {}
    for pk, bc_id, customer, email, status, created, modified, deleted, body in _fetch(query):
        by_pk[pk] = OrderRow(
            pk,
            bc_id,
            customer,
            email,
            status,
            moment(created),
            moment(modified),
            bool(deleted),
            body,
        )
    return [by_pk[pk] for pk in pks if pk in by_pk]


def product_rows(queryset: QuerySet) -> list[ProductRow]:
    columns = ("pk", "order_id", "bc_id", "product_id", "variant_id", "address_id", "sku")
    query = _with_text(queryset).values_list(*columns, "body_text").order_by("bc_id")
    return [ProductRow(*row) for row in _fetch(query)]


def address_rows(order_pks: list[int]) -> list[tuple[int, int, dict]]:
    """(order pk, address id, body) of these orders' shipping addresses."""
    addresses = OrderAddress.objects.filter(order_id__in=order_pks).order_by("bc_id")
    query = _with_text(addresses).values_list("order_id", "bc_id", "body_text")
    return [(order_pk, bc_id, json.loads(body)) for order_pk, bc_id, body in _fetch(query)]


# --- representation -----------------------------------------------------------------------------
def link_prefix(root: str) -> str:
    """The start of a JSON string holding a v2 URL of this store: `"https://.../v2`."""
    return encode(f"{root}/v2")[:-1]


def order_json(row: OrderRow, prefix: str, extra: str = "", coupon_discount: str = ZERO) -> str:
    """The order; `prefix` is the `link_prefix` of the store's URL, `coupon_discount` what its
    coupons took off (`coupon_discounts`)."""
    # Written out rather than encoded: every value here is a number, a boolean, or text that
    # needs no escaping (dates, status names); the URL prefix comes encoded.
    status = status_name(row.status_id)
    resource = f"/orders/{row.bc_id}"
    url = f"{prefix}{resource}"
    head = (
        f'"id":{row.bc_id},"customer_id":{row.customer_id},'
        f'"date_created":"{dates.v2(row.date_created)}",'
        f'"date_modified":"{dates.v2(row.date_modified)}",'
        f'"status_id":{row.status_id},"status":"{status}","custom_status":"{status}",'
        f'"is_deleted":{"true" if row.is_deleted else "false"},'
        f'"coupon_discount":"{coupon_discount}"'
    )
    # The platform's own links spell shipping addresses without the underscore; both are served.
    links = (
        f'"products":{{"url":{url}/products","resource":"{resource}/products"}},'
        f'"shipping_addresses":{{"url":{url}/shippingaddresses",'
        f'"resource":"{resource}/shippingaddresses"}},'
        f'"coupons":{{"url":{url}/coupons","resource":"{resource}/coupons"}}'
    )
    return _object(head, _stored_members(row.body), ORDER_CONSTANT_MEMBERS, links, extra)


def product_json(row: ProductRow, order_id: int) -> str:
    variant = "" if row.variant_id is None else f',"variant_id":{row.variant_id}'
    head = (
        f'"id":{row.bc_id},"order_id":{order_id},"product_id":{row.product_id}{variant},'
        f'"order_address_id":{row.address_id},"sku":{encode(row.sku)}'
    )  # variant_id is "not available for custom products"
    return _object(head, _stored_members(row.body), PRODUCT_CONSTANT_MEMBERS)


def render_address(bc_id: int, body: dict, order_id: int, root: str) -> dict:
    data = {"id": bc_id, "order_id": order_id, **ADDRESS_TEMPLATE, **body}
    data["shipping_quotes"] = link(
        root, f"/orders/{order_id}/shippingaddresses/{bc_id}/shippingquotes"
    )
    return data


def orders_json(pks: list[int], root: str, include: set[str]) -> list[str]:
    """The JSON of these orders, in this order, with the sub-resources `include` asks for."""
    rows = order_rows(pks)
    consignments = {}
    if include & CONSIGNMENT_INCLUDES:
        found = consignments_json(rows, root, "consignments.line_items" in include)
        consignments = {pk: f'"consignments":{text}' for pk, text in found.items()}
    fees = '"fees":[]' if "fees" in include else ""  # the emulator charges no fees
    prefix = link_prefix(root)
    discounts = coupon_discounts(pks)
    return [
        order_json(
            row,
            prefix,
            ",".join(p for p in (consignments.get(row.pk, ""), fees) if p),
            discounts.get(row.pk, ZERO),
        )
        for row in rows
    ]


def coupon_discounts(order_pks: list[int]) -> dict[int, str]:
    """What their coupons took off these orders (those that have any), as v2 money text."""
    sums = (
        OrderCoupon.objects.filter(order_id__in=order_pks)
        .values_list("order_id")
        .annotate(total=Sum("discount"))
        .order_by()
    )
    return {order_pk: money_text(total) for order_pk, total in sums}


def render_coupon(coupon: OrderCoupon, order_id: int) -> dict:
    """An order coupon as `GET /v2/orders/{id}/coupons` lists it: its body holds coupon_id,
    amount and type; the discount is a number, as in the spec's example."""
    return {
        "id": coupon.bc_id,
        "order_id": order_id,
        "code": coupon.code,
        **coupon.body,
        "discount": float(coupon.discount),
    }


def consignments_json(rows: list[OrderRow], root: str, with_items: bool) -> dict[int, str]:
    """The object structure of `include=consignments[.line_items]&consignment_structure=object`."""
    pks = [row.pk for row in rows]
    items = defaultdict(lambda: defaultdict(list))
    for item in product_rows(OrderProduct.objects.filter(order_id__in=pks)):
        items[item.order_pk][item.address_id].append(item)
    addresses = defaultdict(list)
    for order_pk, bc_id, body in address_rows(pks):
        addresses[order_pk].append((bc_id, body))
    return {
        row.pk: _order_consignments(row, addresses[row.pk], items[row.pk], root, with_items)
        for row in rows
    }


def _order_consignments(row: OrderRow, addresses, items_by_address, root, with_items) -> str:
    items_by_address = dict(items_by_address)
    shipping = [
        _shipping_consignment(row, bc_id, body, items_by_address.pop(bc_id, []), root, with_items)
        for bc_id, body in addresses
    ]
    downloads = [
        _object(f'"recipient_email":{encode(row.email)}', _line_items(row, items, root, with_items))
        for items in items_by_address.values()
    ]
    return _object(
        '"pickups":[]',
        f'"shipping":[{",".join(shipping)}]',
        f'"downloads":[{",".join(downloads)}]',
        '"email":{"gift_certificates":[]}',
    )


def _line_items(row: OrderRow, items: list[ProductRow], root: str, with_items: bool) -> str:
    if with_items:
        return '"line_items":[' + ",".join(product_json(item, row.bc_id) for item in items) + "]"
    links = [link(root, f"/orders/{row.bc_id}/products/{item.bc_id}") for item in items]
    return '"line_items":' + encode(links)


def _shipping_consignment(row: OrderRow, bc_id: int, body: dict, items, root, with_items) -> str:
    body = {**ADDRESS_TEMPLATE, **body}
    data = {"id": bc_id, **{name: body[name] for name in ADDRESS_FIELDS}}
    data["form_fields"] = body["form_fields"]
    data["shipping_method"] = body["shipping_method"]
    data["items_total"] = body["items_total"]
    data["items_shipped"] = body["items_shipped"]
    # Consignment costs are numbers, not the strings of the shipping address resource.
    for name in CONSIGNMENT_COSTS:
        data[name] = float(body[name])
    for name in (
        "cost_tax_class_id",
        "handling_cost_tax_class_id",
        "shipping_zone_id",
        "shipping_zone_name",
    ):
        data[name] = body[name]
    data["shipping_quotes"] = link(
        root, f"/orders/{row.bc_id}/consignments/shipping/{bc_id}/shipping_quotes"
    )
    return _object(_members(data), _line_items(row, items, root, with_items))


# --- queries ------------------------------------------------------------------------------------
def orders(store: SandboxStore) -> QuerySet:
    return Order.objects.filter(store=store)


def get_order(store: SandboxStore, order_id: int) -> Order:
    order = orders(store).filter(bc_id=order_id).first()
    if order is None:
        raise ApiError(404, f"Order {order_id} not found.")
    return order


def order_products(order: Order) -> QuerySet:
    return order.products.order_by("bc_id")


def order_addresses(order: Order) -> QuerySet:
    return order.addresses.order_by("bc_id")


def order_coupons(order: Order) -> QuerySet:
    return order.coupons.order_by("bc_id")
