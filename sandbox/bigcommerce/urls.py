"""The emulated API: `stores/{store_hash}/v2/...` and `stores/{store_hash}/v3/...`.

Paths are matched with or without a trailing slash; `<name>` stands for a numeric id. Any other
path under a store answers 404 in its version's error format.
"""

import re

from django.urls import re_path

from sandbox.bigcommerce.api import V2, V3, resource
from sandbox.bigcommerce.views import catalog, customers, hooks, metafields, orders, store

ALL_METHODS = ("get", "post", "put", "delete", "patch")


def api(version: str, route: str, **handlers):
    pattern = re.sub(r"<(\w+)>", r"(?P<\1>\\d+)", route)
    return re_path(
        rf"^stores/(?P<store_hash>[\w-]+)/{version}/{pattern}/?$", resource(version, **handlers)
    )


def metafield_paths(resource_type: str, owner_route: str, batch_route: str) -> list:
    collection, single = metafields.handlers(resource_type)
    return [
        api(V3, f"{owner_route}/metafields", **collection),
        api(V3, f"{owner_route}/metafields/<metafield_id>", **single),
        api(V3, batch_route, **metafields.batch_handlers(resource_type)),
    ]


def unknown(version: str):
    handlers = dict.fromkeys(ALL_METHODS, store.unknown_path)
    return re_path(
        rf"^stores/(?P<store_hash>[\w-]+)/{version}/(?P<rest>.*)$", resource(version, **handlers)
    )


v2_paths = [
    api(V2, "store", get=store.store_information),
    api(V2, "time", get=store.time),
    api(V2, "customers", get=customers.list_v2_customers),
    api(V2, "customers/count", get=customers.count_v2_customers),
    api(V2, "customers/<customer_id>", get=customers.get_v2_customer),
    api(V2, "customer_groups", get=customers.list_groups, post=customers.create_group),
    api(V2, "customer_groups/count", get=customers.count_groups),
    api(
        V2,
        "customer_groups/<group_id>",
        get=customers.get_group,
        put=customers.update_group,
        delete=customers.delete_group,
    ),
    api(V2, "orders", get=orders.list_orders, post=orders.create_order),
    api(V2, "orders/count", get=orders.count_orders),
    api(
        V2,
        "orders/<order_id>",
        get=orders.get_order,
        put=orders.update_order,
        delete=orders.archive_order,
    ),
    api(V2, "orders/<order_id>/products", get=orders.list_order_products),
    api(V2, "orders/<order_id>/products/<product_id>", get=orders.get_order_product),
    api(
        V2,
        "orders/<order_id>/(?:shipping_addresses|shippingaddresses)",
        get=orders.list_shipping_addresses,
    ),
    api(
        V2,
        "orders/<order_id>/(?:shipping_addresses|shippingaddresses)/<address_id>",
        get=orders.get_shipping_address,
    ),
    api(V2, "orders/<order_id>/coupons", get=orders.list_coupons),
    api(V2, "orders/<order_id>/consignments", get=orders.get_consignments),
    api(V2, "order_statuses", get=orders.list_statuses),
    api(V2, "order_statuses/<status_id>", get=orders.get_status),
]

v3_customer_paths = [
    api(
        V3,
        "customers",
        get=customers.list_customers,
        post=customers.create_customers,
        put=customers.update_customers,
        delete=customers.delete_customers,
    ),
    api(
        V3,
        "customers/addresses",
        get=customers.list_addresses,
        post=customers.create_addresses,
        put=customers.update_addresses,
        delete=customers.delete_addresses,
    ),
    api(V3, "customers/attributes", get=customers.list_attributes),
    *metafield_paths("customer", "customers/<customer_id>", "customers/metafields"),
]

v3_catalog_paths = [
    api(
        V3,
        "catalog/products",
        get=catalog.list_products,
        post=catalog.create_product,
        put=catalog.update_products,
        delete=catalog.delete_products,
    ),
    *metafield_paths("product", "catalog/products/<product_id>", "catalog/products/metafields"),
    api(
        V3,
        "catalog/products/<product_id>",
        get=catalog.get_product,
        put=catalog.update_product,
        delete=catalog.delete_product,
    ),
    api(
        V3,
        "catalog/products/<product_id>/custom-fields",
        get=catalog.list_custom_fields,
        post=catalog.create_custom_field,
    ),
    api(
        V3,
        "catalog/products/<product_id>/custom-fields/<field_id>",
        get=catalog.get_custom_field,
        put=catalog.update_custom_field,
        delete=catalog.delete_custom_field,
    ),
    api(
        V3,
        "catalog/products/<product_id>/variants",
        get=catalog.list_product_variants,
        post=catalog.create_variant,
    ),
    api(
        V3,
        "catalog/products/<product_id>/variants/<variant_id>",
        get=catalog.get_variant,
        put=catalog.update_variant,
        delete=catalog.delete_variant,
    ),
    *metafield_paths(
        "variant",
        "catalog/products/<product_id>/variants/<variant_id>",
        "catalog/variants/metafields",
    ),
    api(V3, "catalog/variants", get=catalog.list_variants, put=catalog.update_variants),
    api(
        V3,
        "catalog/categories",
        get=catalog.list_categories,
        post=catalog.create_category,
        delete=catalog.delete_categories,
    ),
    *metafield_paths(
        "category", "catalog/categories/<category_id>", "catalog/categories/metafields"
    ),
    api(
        V3,
        "catalog/categories/<category_id>",
        get=catalog.get_category,
        put=catalog.update_category,
        delete=catalog.delete_category,
    ),
    api(V3, "catalog/trees", get=catalog.list_trees),
    api(
        V3,
        "catalog/trees/categories",
        get=catalog.list_tree_categories,
        post=catalog.create_tree_categories,
        put=catalog.update_tree_categories,
        delete=catalog.delete_tree_categories,
    ),
    api(V3, "catalog/trees/<tree_id>/categories", get=catalog.tree_of_categories),
    api(V3, "catalog/brands", get=catalog.list_brands, post=catalog.create_brand),
    *metafield_paths("brand", "catalog/brands/<brand_id>", "catalog/brands/metafields"),
    api(
        V3,
        "catalog/brands/<brand_id>",
        get=catalog.get_brand,
        put=catalog.update_brand,
        delete=catalog.delete_brand,
    ),
]

v3_order_paths = [
    api(V3, "orders/payment_actions/refunds", get=orders.list_refunds),
    api(V3, "orders/payment_actions/refunds/<refund_id>", get=orders.get_refund),
    api(
        V3,
        "orders/<order_id>/payment_actions/refunds",
        get=orders.list_order_refunds,
        post=orders.create_refund,
    ),
    *metafield_paths("order", "orders/<order_id>", "orders/metafields"),
    api(V3, "hooks", get=hooks.list_hooks, post=hooks.create_hook),
    api(V3, "hooks/<hook_id>", get=hooks.get_hook, put=hooks.update_hook, delete=hooks.delete_hook),
]

urlpatterns = [
    *v2_paths,
    *v3_customer_paths,
    *v3_catalog_paths,
    *v3_order_paths,
    unknown(V2),
    unknown(V3),
]
