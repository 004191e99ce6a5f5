"""Metafield endpoints, the same for every resource that has them.

Each resource has `/{resource}/{id}/metafields[/{metafield_id}]` and a batch collection
`/{resources}/metafields`; `owner` finds the resource named in the URL (404 if it is not there).
"""

from collections.abc import Callable

from sandbox.bigcommerce import catalog, categories, customers, metafields, orders
from sandbox.bigcommerce.api import Call, json_response, no_content
from sandbox.bigcommerce.models import Brand, Category, Customer, Order, Product, Variant
from sandbox.bigcommerce.query import filter_dates, int_list, str_list, v3_collection


def _product(call, product_id):
    return catalog.get_product(call.store, int(product_id)).bc_id


def _variant(call, product_id, variant_id):
    return catalog.get_variant(
        catalog.get_product(call.store, int(product_id)), int(variant_id)
    ).bc_id


def _category(call, category_id):
    return categories.get_category(call.store, int(category_id)).bc_id


def _brand(call, brand_id):
    return categories.get_brand(call.store, int(brand_id)).bc_id


def _customer(call, customer_id):
    return customers.get_customer(call.store, int(customer_id)).bc_id


def _order(call, order_id):
    return orders.get_order(call.store, int(order_id)).bc_id


OWNERS: dict[str, Callable] = {
    "product": _product,
    "variant": _variant,
    "category": _category,
    "brand": _brand,
    "customer": _customer,
    "order": _order,
}
RECORDS = {
    "product": Product,
    "variant": Variant,
    "category": Category,
    "brand": Brand,
    "customer": Customer,
    "order": Order,
}


def _render(rows):
    return [metafields.render(m) for m in rows]


def _filtered(call: Call, queryset):
    if key := call.query.get("key"):
        queryset = queryset.filter(key=key)
    if (keys := str_list(call, "key:in")) is not None:
        queryset = queryset.filter(key__in=keys)
    if namespace := call.query.get("namespace"):
        queryset = queryset.filter(namespace=namespace)
    if (namespaces := str_list(call, "namespace:in")) is not None:
        queryset = queryset.filter(namespace__in=namespaces)
    queryset = filter_dates(
        call, queryset, "date_modified", gte="date_modified:min", lte="date_modified:max"
    )
    queryset = filter_dates(
        call, queryset, "date_created", gte="date_created:min", lte="date_created:max"
    )
    if call.query.get("direction") == "desc":
        queryset = queryset.order_by("-bc_id")
    return queryset


def _split(kwargs: dict) -> tuple[dict, int | None]:
    kwargs = dict(kwargs)
    metafield_id = kwargs.pop("metafield_id", None)
    return kwargs, None if metafield_id is None else int(metafield_id)


def handlers(resource_type: str) -> tuple[dict, dict]:
    """The handlers of the collection path and of the single-metafield path of one resource."""
    owner = OWNERS[resource_type]

    def list_(call: Call, **kwargs):
        resource_id = owner(call, **kwargs)
        queryset = _filtered(call, metafields.metafields(call.store, resource_type, resource_id))
        return v3_collection(call, queryset, _render, cursor=True)

    def create(call: Call, **kwargs):
        resource_id = owner(call, **kwargs)
        metafield = metafields.create_metafield(call.store, resource_type, resource_id, call.json)
        return json_response({"data": metafields.render(metafield), "meta": {}})

    def one(call: Call, **kwargs):
        kwargs, metafield_id = _split(kwargs)
        return metafields.get_metafield(
            call.store, resource_type, owner(call, **kwargs), metafield_id
        )

    def get(call: Call, **kwargs):
        return json_response({"data": metafields.render(one(call, **kwargs)), "meta": {}})

    def update(call: Call, **kwargs):
        metafield = metafields.update_metafield(one(call, **kwargs), call.json)
        return json_response({"data": metafields.render(metafield), "meta": {}})

    def delete(call: Call, **kwargs):
        metafields.delete_metafield(one(call, **kwargs))
        return no_content()

    return {"get": list_, "post": create}, {"get": get, "put": update, "delete": delete}


def batch_handlers(resource_type: str) -> dict:
    """The handlers of the batch collection `/{resources}/metafields`."""
    model = RECORDS[resource_type]

    def list_(call: Call):
        queryset = _filtered(call, metafields.metafields(call.store, resource_type))
        if (ids := int_list(call, "resource_id:in")) is not None:
            queryset = queryset.filter(resource_id__in=ids)
        return v3_collection(call, queryset, _render, cursor=True)

    def answer(rows):
        meta = {"total": len(rows), "success": len(rows), "failed": 0}
        return json_response({"data": _render(rows), "errors": [], "meta": meta})

    def create(call: Call):
        wanted = (
            [i.get("resource_id") for i in call.json if isinstance(i, dict)]
            if isinstance(call.json, list)
            else []
        )
        known = set(
            model.objects.filter(store=call.store, bc_id__in=wanted).values_list("bc_id", flat=True)
        )
        return answer(metafields.create_batch(call.store, resource_type, call.json, known))

    def update(call: Call):
        return answer(metafields.update_batch(call.store, resource_type, call.json))

    def delete(call: Call):
        deleted = metafields.delete_batch(call.store, resource_type, call.json)
        meta = {
            "total": len(call.json),
            "success": len(deleted),
            "failed": len(call.json) - len(deleted),
        }
        return json_response({"data": deleted, "errors": [], "meta": meta})

    return {"get": list_, "post": create, "put": update, "delete": delete}
