"""v3 catalog: products, custom fields, variants, categories, category trees and brands."""

from sandbox.bigcommerce import catalog, categories
from sandbox.bigcommerce.api import ApiError, Call, json_response, no_content
from sandbox.bigcommerce.query import (
    bool_param,
    filter_dates,
    includes,
    int_list,
    int_param,
    select_fields,
    sort_order,
    str_list,
    v3_collection,
)

PRODUCT_SORTS = {
    "id": "bc_id",
    "name": "name",
    "sku": "sku",
    "date_modified": "date_modified",
    "date_created": "date_created",
}
CATEGORY_SORTS = {
    "id": "bc_id",
    "name": "name",
    "parent_id": "parent_id",
    "sort_order": "sort_order",
}


def _data(data):
    return json_response({"data": data, "meta": {}})


# --- products -----------------------------------------------------------------------------------
def _render_products(include):
    return lambda rows: [catalog.render_product(p, include) for p in rows]


def list_products(call: Call):
    include = includes(call)
    queryset = catalog.products(call.store, include)
    if (product_id := int_param(call, "id")) is not None:
        queryset = queryset.filter(bc_id=product_id)
    if (ids := int_list(call, "id:in")) is not None:
        queryset = queryset.filter(bc_id__in=ids)
    if (excluded := int_list(call, "id:not_in")) is not None:
        queryset = queryset.exclude(bc_id__in=excluded)
    for bound, lookup in (
        ("id:min", "gte"),
        ("id:max", "lte"),
        ("id:greater", "gt"),
        ("id:less", "lt"),
    ):
        if (value := int_param(call, bound)) is not None:
            queryset = queryset.filter(**{f"bc_id__{lookup}": value})
    if name := call.query.get("name"):
        queryset = queryset.filter(name=name)
    if sku := call.query.get("sku"):
        queryset = queryset.filter(sku=sku)
    if (skus := str_list(call, "sku:in")) is not None:
        queryset = queryset.filter(sku__in=skus)
    if keyword := call.query.get("keyword"):
        queryset = queryset.filter(name__icontains=keyword)
    queryset = filter_dates(
        call, queryset, "date_modified", gte="date_modified:min", lte="date_modified:max"
    )
    queryset = queryset.order_by(*sort_order(call, PRODUCT_SORTS))
    return v3_collection(call, queryset, _render_products(include))


def get_product(call: Call, product_id):
    include = includes(call)
    product = catalog.get_product(call.store, int(product_id), include)
    return _data(select_fields(call, [catalog.render_product(product, include)])[0])


def create_product(call: Call):
    product = catalog.create_product(call.store, call.json)
    return get_product_after_write(call, product.bc_id)


def get_product_after_write(call: Call, product_id: int):
    include = {"variants", "custom_fields"}
    return _data(
        catalog.render_product(catalog.get_product(call.store, product_id, include), include)
    )


def update_product(call: Call, product_id):
    product = catalog.get_product(call.store, int(product_id))
    catalog.update_product(product, call.json)
    return get_product_after_write(call, product.bc_id)


def update_products(call: Call):
    changed = catalog.update_products(call.store, call.json)
    queryset = (
        catalog.products(call.store).filter(bc_id__in=[p.bc_id for p in changed]).order_by("bc_id")
    )
    return _data(_render_products(set())(queryset))


def delete_product(call: Call, product_id):
    catalog.get_product(call.store, int(product_id))
    catalog.delete_products(call.store, [int(product_id)])
    return no_content()


def delete_products(call: Call):
    return _delete_by_filter(call, "products", catalog.delete_products)


# --- custom fields ------------------------------------------------------------------------------
def list_custom_fields(call: Call, product_id):
    product = catalog.get_product(call.store, int(product_id))
    return v3_collection(call, catalog.custom_fields(product), lambda rows: rows)


def create_custom_field(call: Call, product_id):
    product = catalog.get_product(call.store, int(product_id))
    return _data(catalog.create_custom_field(product, call.json))


def get_custom_field(call: Call, product_id, field_id):
    product = catalog.get_product(call.store, int(product_id))
    return _data(catalog.get_custom_field(product, int(field_id)))


def update_custom_field(call: Call, product_id, field_id):
    product = catalog.get_product(call.store, int(product_id))
    return _data(catalog.update_custom_field(product, int(field_id), call.json))


def delete_custom_field(call: Call, product_id, field_id):
    product = catalog.get_product(call.store, int(product_id))
    catalog.delete_custom_field(product, int(field_id))
    return no_content()


# --- variants -----------------------------------------------------------------------------------
def _render_variants(rows):
    return [catalog.render_variant(v, v.product) for v in rows]


def list_product_variants(call: Call, product_id):
    product = catalog.get_product(call.store, int(product_id))
    queryset = catalog.variants(call.store).filter(product=product)
    return v3_collection(call, queryset, _render_variants)


def get_variant(call: Call, product_id, variant_id):
    product = catalog.get_product(call.store, int(product_id))
    return _data(catalog.render_variant(catalog.get_variant(product, int(variant_id)), product))


def create_variant(call: Call, product_id):
    product = catalog.get_product(call.store, int(product_id))
    return _data(catalog.render_variant(catalog.create_variant(product, call.json), product))


def update_variant(call: Call, product_id, variant_id):
    product = catalog.get_product(call.store, int(product_id))
    variant = catalog.update_variant(catalog.get_variant(product, int(variant_id)), call.json)
    return _data(catalog.render_variant(variant, product))


def delete_variant(call: Call, product_id, variant_id):
    product = catalog.get_product(call.store, int(product_id))
    catalog.delete_variant(catalog.get_variant(product, int(variant_id)))
    return no_content()


def list_variants(call: Call):
    queryset = catalog.variants(call.store)
    if (ids := int_list(call, "id:in")) is not None:
        queryset = queryset.filter(bc_id__in=ids)
    if (products := int_list(call, "product_id:in")) is not None:
        queryset = queryset.filter(product__bc_id__in=products)
    if sku := call.query.get("sku"):
        queryset = queryset.filter(sku=sku)
    # Deviation: product-variants_catalog.v3.yml documents `sku` but no `sku:in` here; the
    # connector asks one SKU per call (reads.variants_by_sku).
    if (skus := str_list(call, "sku:in")) is not None:
        queryset = queryset.filter(sku__in=skus)
    return v3_collection(call, queryset, _render_variants)


def update_variants(call: Call):
    changed = catalog.update_variants(call.store, call.json)
    return _data(_render_variants(changed))


# --- categories (legacy API) --------------------------------------------------------------------
def _filtered_categories(call: Call, id_name: str):
    queryset = categories.categories(call.store)
    if (category_id := int_param(call, "id")) is not None:
        queryset = queryset.filter(bc_id=category_id)
    if (ids := int_list(call, id_name)) is not None:
        queryset = queryset.filter(bc_id__in=ids)
    if (excluded := int_list(call, id_name.replace(":in", ":not_in"))) is not None:
        queryset = queryset.exclude(bc_id__in=excluded)
    if (parent := int_param(call, "parent_id")) is not None:
        queryset = queryset.filter(parent_id=parent)
    if (parents := int_list(call, "parent_id:in")) is not None:
        queryset = queryset.filter(parent_id__in=parents)
    if name := call.query.get("name"):
        queryset = queryset.filter(name=name)
    if like := call.query.get("name:like"):
        queryset = queryset.filter(name__icontains=like)
    if (visible := bool_param(call, "is_visible")) is not None:
        queryset = queryset.filter(is_visible=visible)
    return queryset


def list_categories(call: Call):
    queryset = _filtered_categories(call, "id:in").order_by(*sort_order(call, CATEGORY_SORTS))
    return v3_collection(call, queryset, lambda rows: [categories.render_category(c) for c in rows])


def get_category(call: Call, category_id):
    return _data(categories.render_category(categories.get_category(call.store, int(category_id))))


def create_category(call: Call):
    return _data(categories.render_category(categories.create_category(call.store, call.json)))


def update_category(call: Call, category_id):
    category = categories.get_category(call.store, int(category_id))
    return _data(categories.render_category(categories.update_category(category, call.json)))


def delete_category(call: Call, category_id):
    categories.get_category(call.store, int(category_id))
    categories.delete_categories(call.store, [int(category_id)])
    return no_content()


def delete_categories(call: Call):
    return _delete_by_filter(call, "categories", categories.delete_categories)


def _delete_by_filter(call: Call, what: str, delete):
    """Batch deletes need `id:in`; the platform refuses to delete a whole collection."""
    ids = int_list(call, "id:in")
    if not ids:
        raise ApiError(
            422, f"A filter is required to delete {what}.", {"id:in": "error.path.missing"}
        )
    delete(call.store, ids)
    return no_content()


# --- category trees -----------------------------------------------------------------------------
def list_trees(call: Call):
    trees = [categories.TREE]
    if (ids := int_list(call, "id:in")) is not None:
        trees = [tree for tree in trees if tree["id"] in ids]
    return v3_collection(call, trees, lambda rows: rows)


def _tree_ids_match(call: Call) -> bool:
    wanted = int_list(call, "tree_id:in")
    return wanted is None or categories.TREE["id"] in wanted


def list_tree_categories(call: Call):
    queryset = _filtered_categories(call, "category_id:in").order_by("bc_id")
    if not _tree_ids_match(call):
        queryset = queryset.none()
    return v3_collection(
        call, queryset, lambda rows: [categories.render_tree_category(c) for c in rows]
    )


def create_tree_categories(call: Call):
    created = categories.create_tree_categories(call.store, call.json)
    return json_response(
        {"data": [categories.render_tree_category(c) for c in created], "meta": {}}, 201
    )


def update_tree_categories(call: Call):
    changed = categories.update_tree_categories(call.store, call.json)
    return _data([categories.render_tree_category(c) for c in changed])


def delete_tree_categories(call: Call):
    ids = int_list(call, "category_id:in")
    if not ids:
        raise ApiError(
            422,
            "A filter is required to delete categories.",
            {"category_id:in": "error.path.missing"},
        )
    deleted = categories.delete_categories(call.store, ids)
    return json_response(
        {"meta": {"total": len(ids), "success": deleted, "failed": len(ids) - deleted}}, 202
    )


def tree_of_categories(call: Call, tree_id):
    if int(tree_id) != categories.TREE["id"]:
        raise ApiError(404, "The category tree was not found.")
    return _data(categories.render_tree(list(categories.categories(call.store))))


# --- brands -------------------------------------------------------------------------------------
def list_brands(call: Call):
    queryset = categories.brands(call.store)
    if (brand_id := int_param(call, "id")) is not None:
        queryset = queryset.filter(bc_id=brand_id)
    if (ids := int_list(call, "id:in")) is not None:
        queryset = queryset.filter(bc_id__in=ids)
    if name := call.query.get("name"):
        queryset = queryset.filter(name=name)
    if like := call.query.get("name:like"):
        queryset = queryset.filter(name__icontains=like)
    queryset = queryset.order_by(*sort_order(call, {"id": "bc_id", "name": "name"}))
    return v3_collection(call, queryset, lambda rows: [categories.render_brand(b) for b in rows])


def get_brand(call: Call, brand_id):
    return _data(categories.render_brand(categories.get_brand(call.store, int(brand_id))))


def create_brand(call: Call):
    return _data(categories.render_brand(categories.save_brand(call.store, call.json)))


def update_brand(call: Call, brand_id):
    brand = categories.get_brand(call.store, int(brand_id))
    return _data(categories.render_brand(categories.save_brand(call.store, call.json, brand)))


def delete_brand(call: Call, brand_id):
    categories.delete_brand(categories.get_brand(call.store, int(brand_id)))
    return no_content()
