"""v2 orders and their sub-resources, order statuses; v3 refunds."""

from django.db.models import Count

from sandbox.bigcommerce import order_writes, orders, refunds
from sandbox.bigcommerce.api import ApiError, Call, json_response, no_content, text_response
from sandbox.bigcommerce.models import OrderProduct
from sandbox.bigcommerce.query import (
    filter_dates,
    includes,
    int_list,
    int_param,
    sort_order,
    v2_collection,
    v3_collection,
)
from sandbox.bigcommerce.reference import ORDER_STATUSES, render_status

ORDER_SORTS = {
    "id": "bc_id",
    "customer_id": "customer_id",
    "date_created": "date_created",
    "date_modified": "date_modified",
    "status_id": "status_id",
    # Every emulated order has channel 1 and no external id: these sorts keep the id order.
    "channel_id": "bc_id",
    "external_id": "bc_id",
}
ORDER_INCLUDES = {"consignments", "consignments.line_items", "fees"}


def _includes(call: Call) -> set[str]:
    return includes(call) & ORDER_INCLUDES


def _filtered_orders(call: Call):
    # `in` rather than `=False`, which SQL backends write as `NOT is_deleted` and then cannot
    # look up in the (store, is_deleted, ...) indexes.
    queryset = orders.orders(call.store).filter(is_deleted__in=[False])
    for name, lookup in (
        ("min_id", "bc_id__gte"),
        ("max_id", "bc_id__lte"),
        ("customer_id", "customer_id"),
        ("status_id", "status_id"),
    ):
        if (value := int_param(call, name)) is not None:
            queryset = queryset.filter(**{lookup: value})
    if email := call.query.get("email"):
        queryset = queryset.filter(email=email.lower())
    if (channel := int_param(call, "channel_id")) is not None and channel != 1:
        queryset = queryset.none()  # every emulated order belongs to channel 1
    queryset = filter_dates(
        call, queryset, "date_modified", gte="min_date_modified", lte="max_date_modified"
    )
    return filter_dates(
        call, queryset, "date_created", gte="min_date_created", lte="max_date_created"
    )


def list_orders(call: Call):
    include, root = _includes(call), call.store_root
    # The page is found on the index alone (ids only), then its orders are read by id.
    ids = (
        _filtered_orders(call).order_by(*sort_order(call, ORDER_SORTS)).values_list("pk", flat=True)
    )
    return v2_collection(
        call, ids, lambda pks: orders.orders_json(pks, root, include), as_text=True
    )


def count_orders(call: Call):
    counts = dict(
        _filtered_orders(call).values_list("status_id").annotate(n=Count("id")).order_by()
    )
    statuses = [
        {
            **render_status(status_id),
            "count": counts.get(status_id, 0),
            "sort_order": render_status(status_id)["order"],
        }
        for status_id in ORDER_STATUSES
    ]
    return json_response({"statuses": statuses, "count": sum(counts.values())})


def _one_order(call: Call, order, include=frozenset()):
    return text_response(orders.orders_json([order.pk], call.store_root, include)[0])


def get_order(call: Call, order_id):
    return _one_order(call, orders.get_order(call.store, int(order_id)), _includes(call))


def create_order(call: Call):
    return _one_order(call, order_writes.create_order(call.store, call.json))


def update_order(call: Call, order_id):
    order = order_writes.update_order(orders.get_order(call.store, int(order_id)), call.json)
    return _one_order(call, order)


def archive_order(call: Call, order_id):
    order_writes.archive_order(orders.get_order(call.store, int(order_id)))
    return no_content()


# --- sub-resources ------------------------------------------------------------------------------
def list_order_products(call: Call, order_id):
    order = orders.get_order(call.store, int(order_id))
    ids = orders.order_products(order).values_list("pk", flat=True)

    def render(pks):
        rows = orders.product_rows(OrderProduct.objects.filter(pk__in=pks))
        return [orders.product_json(row, order.bc_id) for row in rows]

    return v2_collection(call, ids, render, as_text=True)


def get_order_product(call: Call, order_id, product_id):
    order = orders.get_order(call.store, int(order_id))
    rows = orders.product_rows(orders.order_products(order).filter(bc_id=int(product_id)))
    if not rows:
        raise ApiError(404)
    return text_response(orders.product_json(rows[0], order.bc_id))


def _render_addresses(order, root):
    return lambda rows: [orders.render_address(a.bc_id, a.body, order.bc_id, root) for a in rows]


def list_shipping_addresses(call: Call, order_id):
    order = orders.get_order(call.store, int(order_id))
    return v2_collection(
        call, orders.order_addresses(order), _render_addresses(order, call.store_root)
    )


def get_shipping_address(call: Call, order_id, address_id):
    order = orders.get_order(call.store, int(order_id))
    address = orders.order_addresses(order).filter(bc_id=int(address_id)).first()
    if address is None:
        raise ApiError(404)
    return json_response(_render_addresses(order, call.store_root)([address])[0])


def list_coupons(call: Call, order_id):
    order = orders.get_order(call.store, int(order_id))
    return v2_collection(
        call,
        orders.order_coupons(order),
        lambda rows: [orders.render_coupon(coupon, order.bc_id) for coupon in rows],
    )


def get_consignments(call: Call, order_id):
    order = orders.get_order(call.store, int(order_id))
    with_items = "consignments.line_items" in includes(call)
    rows = orders.order_rows([order.pk])
    return text_response(orders.consignments_json(rows, call.store_root, with_items)[order.pk])


def list_statuses(call: Call):
    return json_response([render_status(status_id) for status_id in ORDER_STATUSES])


def get_status(call: Call, status_id):
    if int(status_id) not in ORDER_STATUSES:
        raise ApiError(404)
    return json_response(render_status(int(status_id)))


# --- refunds (v3) -------------------------------------------------------------------------------
def _render_refunds(rows):
    return [refunds.render(r) for r in rows]


def list_refunds(call: Call):
    queryset = refunds.refunds(call.store)
    if (ids := int_list(call, "id:in")) is not None:
        queryset = queryset.filter(bc_id__in=ids)
    if (order_ids := int_list(call, "order_id:in")) is not None:
        queryset = queryset.filter(order__bc_id__in=order_ids)
    queryset = filter_dates(call, queryset, "created", gte="created:min", lte="created:max")
    return v3_collection(call, queryset, _render_refunds)


def get_refund(call: Call, refund_id):
    return json_response(
        {"data": refunds.render(refunds.get_refund(call.store, int(refund_id))), "meta": {}}
    )


def list_order_refunds(call: Call, order_id):
    order = orders.get_order(call.store, int(order_id))
    return json_response(
        {"data": _render_refunds(refunds.refunds(call.store).filter(order=order)), "meta": {}}
    )


def create_refund(call: Call, order_id):
    refund = refunds.create_refund(orders.get_order(call.store, int(order_id)), call.json)
    return json_response({"data": refunds.render(refund), "meta": {}}, 201)
