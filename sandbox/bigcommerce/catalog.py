"""Products, their variants and custom fields (v3 catalog)."""

import re

from django.db.models import Prefetch, QuerySet

from sandbox.bigcommerce import dates
from sandbox.bigcommerce.api import STATUS_CODES_TYPE, ApiError
from sandbox.bigcommerce.models import Brand, Category, Metafield, Product, SandboxStore, Variant
from sandbox.bigcommerce.services import next_id
from sandbox.bigcommerce.validation import Errors, batch
from sandbox.bigcommerce.webhooks import emit

PRODUCT_BATCH_LIMIT = 10
VARIANT_BATCH_LIMIT = 50
DELETE_LIMIT = 250
REQUIRED_PRODUCT_FIELDS = {
    "name": "Please provide a name.",
    "price": "Please provide a price.",
    "type": "Please provide a type.",
    "weight": "Please provide a weight.",
}
# Every product field in the platform's order; the body holds what differs from these.
PRODUCT_DEFAULTS = {
    "type": "physical",
    "description": "",
    "weight": 0,
    "width": 0,
    "depth": 0,
    "height": 0,
    "price": 0,
    "cost_price": 0,
    "retail_price": 0,
    "sale_price": 0,
    "map_price": 0,
    "tax_class_id": 0,
    "product_tax_code": "",
    "categories": [],
    "brand_id": 0,
    "inventory_level": 0,
    "inventory_warning_level": 0,
    "inventory_tracking": "none",
    "reviews_rating_sum": 0,
    "reviews_count": 0,
    "total_sold": 0,
    "fixed_cost_shipping_price": 0,
    "is_free_shipping": False,
    "is_visible": True,
    "is_featured": False,
    "related_products": [-1],
    "warranty": "",
    "bin_picking_number": "",
    "layout_file": "product.html",
    "upc": "",
    "mpn": "",
    "gtin": "",
    "search_keywords": "",
    "availability": "available",
    "availability_description": "",
    "gift_wrapping_options_type": "any",
    "gift_wrapping_options_list": [],
    "sort_order": 0,
    "condition": "New",
    "is_condition_shown": False,
    "order_quantity_minimum": 0,
    "order_quantity_maximum": 0,
    "page_title": "",
    "meta_keywords": [],
    "meta_description": "",
    "view_count": 0,
    "preorder_release_date": None,
    "preorder_message": "",
    "is_preorder_only": False,
    "is_price_hidden": False,
    "price_hidden_label": "",
    "custom_url": None,
    "open_graph_type": "product",
    "open_graph_title": "",
    "open_graph_description": "",
    "open_graph_use_meta_description": True,
    "open_graph_use_product_name": True,
    "open_graph_use_image": True,
}
READ_ONLY_PRODUCT_FIELDS = {
    "id",
    "date_created",
    "date_modified",
    "calculated_price",
    "base_variant_id",
}
VARIANT_DEFAULTS = {
    "price": None,
    "calculated_price": None,
    "sale_price": None,
    "retail_price": None,
    "map_price": None,
    "weight": None,
    "width": None,
    "height": None,
    "depth": None,
    "is_free_shipping": False,
    "fixed_cost_shipping_price": None,
    "calculated_weight": None,
    "purchasing_disabled": False,
    "purchasing_disabled_message": "",
    "image_url": "",
    "cost_price": None,
    "upc": "",
    "mpn": "",
    "gtin": "",
    "inventory_level": 0,
    "inventory_warning_level": 0,
    "bin_picking_number": "",
}
VARIANT_FIELDS = set(VARIANT_DEFAULTS) - {"calculated_price", "calculated_weight"}
# The checks of products_catalog.v3.yml's product_Base_POST / product_Put_Collection.
# Numbers: name -> (minimum, maximum).
NUMBER_FIELDS = {
    "weight": (0, 9999999999),
    "width": (0, 9999999999),
    "depth": (0, 9999999999),
    "height": (0, 9999999999),
    "price": (0, None),
    "cost_price": (0, None),
    "retail_price": (0, None),
    "sale_price": (0, None),
    "fixed_cost_shipping_price": (0, None),
    "tax_class_id": (0, 255),
}
PRODUCT_INTEGERS = {
    "brand_id": (0, 1000000000),
    "inventory_level": (0, 2147483647),
    "inventory_warning_level": (0, 2147483647),
    "sort_order": (-2147483648, 2147483647),
    "order_quantity_minimum": (0, 1000000000),
    "order_quantity_maximum": (0, 1000000000),
}
# Text: name -> (minLength, maxLength).
PRODUCT_TEXT = {
    "name": (1, 250),
    "sku": (0, 255),
    "description": (0, None),
    "product_tax_code": (0, 255),
    "warranty": (0, 65535),
    "bin_picking_number": (0, 255),
    "layout_file": (0, 500),
    "upc": (0, 14),
    "gtin": (0, 14),
    "mpn": (0, None),
    "search_keywords": (0, 65535),
    "availability_description": (0, 255),
    "page_title": (0, 255),
    "meta_description": (0, 65535),
    "preorder_message": (0, 255),
    "price_hidden_label": (0, 200),
    "open_graph_title": (0, None),
    "open_graph_description": (0, None),
}
PRODUCT_ENUMS = {
    "type": ("physical", "digital"),
    "inventory_tracking": ("none", "product", "variant"),
    "availability": ("available", "disabled", "preorder"),
    "gift_wrapping_options_type": ("any", "none", "list"),
    "condition": ("New", "Used", "Refurbished"),
    "open_graph_type": (
        "product",
        "album",
        "book",
        "drink",
        "food",
        "game",
        "movie",
        "song",
        "tv_show",
    ),
}
PRODUCT_BOOLEANS = (
    "is_free_shipping",
    "is_visible",
    "is_featured",
    "is_condition_shown",
    "is_preorder_only",
    "is_price_hidden",
    "open_graph_use_meta_description",
    "open_graph_use_product_name",
    "open_graph_use_image",
)
# productVariant_Put; prices and sizes may be null (the product's then apply).
VARIANT_TEXT = {
    "sku": (1, 255),
    "purchasing_disabled_message": (0, 255),
    "upc": (0, 14),
    "gtin": (0, 14),
    "mpn": (0, None),
    "bin_picking_number": (0, 255),
    "image_url": (0, None),
}
VARIANT_NUMBERS = (
    "price",
    "sale_price",
    "retail_price",
    "cost_price",
    "weight",
    "width",
    "height",
    "depth",
    "fixed_cost_shipping_price",
)


# --- representation -----------------------------------------------------------------------------
def render_product(product: Product, include: set[str] = frozenset()) -> dict:
    body = {**PRODUCT_DEFAULTS, **product.body}
    variants = list(product.variants.all()) if _needs_variants(include) else None
    base_variant = body.pop("base_variant_id", None)
    custom_fields = body.pop("custom_fields", [])
    data = {"id": product.bc_id, "name": product.name, "type": body.pop("type"), "sku": product.sku}
    data.update(body)
    data["custom_url"] = body["custom_url"] or {
        "url": f"/{slug(product.name)}/",
        "is_customized": False,
    }
    data["calculated_price"] = body["sale_price"] or body["price"]
    data["date_created"] = dates.v3(product.date_created)
    data["date_modified"] = dates.v3(product.date_modified)
    data["base_variant_id"] = base_variant
    if "variants" in include:
        data["variants"] = [render_variant(v, product) for v in variants]
    if "custom_fields" in include:
        data["custom_fields"] = custom_fields
    if "options" in include:
        data["options"] = product_options(product, variants)
    for empty in ("images", "videos", "bulk_pricing_rules", "modifiers"):
        if empty in include:
            data[empty] = []  # the emulator keeps no media, price rules or modifiers
    return data


def _needs_variants(include: set[str]) -> bool:
    return "variants" in include or "options" in include


def render_variant(variant: Variant, product: Product) -> dict:
    body = {**VARIANT_DEFAULTS, **variant.body}
    base = {**PRODUCT_DEFAULTS, **product.body}
    data = {
        "id": variant.bc_id,
        "product_id": product.bc_id,
        "sku": variant.sku,
        "sku_id": variant.sku_id,
        **body,
        "option_values": body.get("option_values", []),
    }
    price = body["price"] if body["price"] is not None else base["price"]
    data["calculated_price"] = body["sale_price"] or price
    data["calculated_weight"] = body["weight"] if body["weight"] is not None else base["weight"]
    return data


def product_options(product: Product, variants: list[Variant]) -> list[dict]:
    """The variant options of a product, gathered from its variants' option values."""
    options = {}
    for variant in variants:
        for value in variant.body.get("option_values", []):
            option = options.setdefault(
                value["option_id"],
                {
                    "id": value["option_id"],
                    "product_id": product.bc_id,
                    "display_name": value["option_display_name"],
                    "type": "rectangles",
                    "sort_order": len(options),
                    "option_values": {},
                },
            )
            option["option_values"].setdefault(
                value["id"],
                {
                    "id": value["id"],
                    "label": value["label"],
                    "sort_order": len(option["option_values"]),
                    "is_default": False,
                },
            )
    return [{**o, "option_values": list(o["option_values"].values())} for o in options.values()]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- queries ------------------------------------------------------------------------------------
def products(store: SandboxStore, include: set[str] = frozenset()) -> QuerySet:
    queryset = Product.objects.filter(store=store)
    if _needs_variants(include):
        queryset = queryset.prefetch_related(
            Prefetch("variants", Variant.objects.order_by("bc_id"))
        )
    return queryset


def get_product(store: SandboxStore, product_id: int, include: set[str] = frozenset()) -> Product:
    product = products(store, include).filter(bc_id=product_id).first()
    if product is None:
        raise ApiError(404, "The requested product was not found.")
    return product


def variants(store: SandboxStore) -> QuerySet:
    return Variant.objects.filter(store=store).select_related("product").order_by("bc_id")


def get_variant(product: Product, variant_id: int) -> Variant:
    variant = product.variants.filter(bc_id=variant_id).first()
    if variant is None:
        raise ApiError(404, "The requested variant was not found.")
    return variant


# --- products -----------------------------------------------------------------------------------
def create_product(store: SandboxStore, data) -> Product:
    if not isinstance(data, dict):
        raise ApiError(422, "JSON data is missing or invalid", {"$": "error.type.object"})
    missing = {
        name: message
        for name, message in REQUIRED_PRODUCT_FIELDS.items()
        if data.get(name) in (None, "")
    }
    if missing:
        raise ApiError(422, "Missing Required Fields", missing)
    _check_product(store, data, "")
    _check_new_variants(store, data.get("variants"))
    now = dates.now()
    product = Product(
        store=store, bc_id=next_id(store, "product"), date_created=now, date_modified=now
    )
    _apply_product_fields(product, data)
    product.save()
    variant_items = data.get("variants") or [{"sku": product.sku, "option_values": []}]
    for item in variant_items:
        _new_variant(product, item, emit_event=False)
    _refresh_base_variant(product)
    product.save()
    emit(store, "store/product/created", {"type": "product", "id": product.bc_id})
    return product


def update_product(product: Product, data) -> Product:
    if not isinstance(data, dict):
        raise ApiError(422, "JSON data is missing or invalid", {"$": "error.type.object"})
    _check_product(product.store, data, "", product)
    _change_product(product, data)
    return product


def update_products(store: SandboxStore, data) -> list[Product]:
    items = batch(data, PRODUCT_BATCH_LIMIT)
    found = {p.bc_id: p for p in products(store).filter(bc_id__in=[i.get("id") for i in items])}
    errors = Errors()
    for index, item in enumerate(items):
        if item.get("id") not in found:
            errors[f"{index}.id"] = "The product was not found."
        _product_errors(item, f"{index}.", errors)
    errors.raise_if_any()
    for index, item in enumerate(items):
        _check_conflicts(store, item, f"{index}.", found[item["id"]])
    for item in items:
        _change_product(found[item["id"]], item)
    return [found[item["id"]] for item in items]


def _change_product(product: Product, data: dict) -> None:
    stock = product.body.get("inventory_level", 0)
    _apply_product_fields(product, data)
    product.date_modified = dates.now()
    product.save()
    emit(product.store, "store/product/updated", {"type": "product", "id": product.bc_id})
    if product.body.get("inventory_level", 0) != stock:
        inventory = {
            "product_id": product.bc_id,
            "method": "absolute",
            "value": product.body["inventory_level"],
        }
        data = {"type": "product", "id": product.bc_id, "inventory": inventory}
        emit(product.store, "store/product/inventory/updated", data)


def _check_new_variants(store: SandboxStore, items) -> None:
    if items is None:
        return
    errors = Errors()
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        errors["variants"] = "error.type.array"
    else:
        for position, item in enumerate(items):
            errors.missing(item, ("sku",), f"variants.{position}.")
            _check_variant(item, errors, f"variants.{position}.")
    errors.raise_if_any()
    for item in items:
        _check_sku(store, item["sku"])


def _apply_product_fields(product: Product, data: dict) -> None:
    for name, value in data.items():
        if name in ("name", "sku"):
            setattr(product, name, value or "")
        elif name in PRODUCT_DEFAULTS:
            product.body[name] = value
    for field in data.get("custom_fields") or []:
        _put_custom_field(product, field)
    if "sku" in data and product.pk:
        base = [v for v in product.variants.all() if not v.body.get("option_values")]
        for variant in base:
            variant.sku = product.sku
            variant.save(update_fields=["sku"])


def _check_product(store, data: dict, prefix: str, product: Product | None = None) -> None:
    errors = Errors()
    _product_errors(data, prefix, errors)
    errors.raise_if_any()
    _check_conflicts(store, data, prefix, product)


def _product_errors(data: dict, prefix: str, errors: Errors) -> None:
    for name, (low, high) in PRODUCT_TEXT.items():
        errors.text(data, name, prefix, high, low)
    for name, (low, high) in NUMBER_FIELDS.items():
        errors.number(data, name, prefix, low, high)
    for name, (low, high) in PRODUCT_INTEGERS.items():
        errors.integer(data, name, prefix, low, high)
    for name, choices in PRODUCT_ENUMS.items():
        errors.choice(data, name, choices, prefix)
    for name in PRODUCT_BOOLEANS:
        errors.boolean(data, name, prefix)
    _check_given_custom_fields(data.get("custom_fields"), errors, prefix)


def _check_given_custom_fields(fields, errors: Errors, prefix: str) -> None:
    if fields is None:
        return
    if not isinstance(fields, list) or not all(isinstance(field, dict) for field in fields):
        errors[f"{prefix}custom_fields"] = "error.type.array"
        return
    for position, field in enumerate(fields):
        where = f"{prefix}custom_fields.{position}."
        if "id" not in field:
            errors.missing(field, ("name", "value"), where)
        errors.text(field, "name", where, 250)
        errors.text(field, "value", where, 250)


def _check_conflicts(store, data: dict, prefix: str, product: Product | None) -> None:
    others = Product.objects.filter(store=store).exclude(pk=product.pk if product else None)
    conflicts = {}
    if data.get("name") and others.filter(name=data["name"]).exists():
        conflicts[f"{prefix}name"] = f"Product name is a duplicate: {data['name']}"
    if (
        data.get("sku")
        and Variant.objects.filter(store=store, sku=data["sku"]).exclude(product=product).exists()
    ):
        conflicts[f"{prefix}sku"] = f"Sku {data['sku']} is not unique."
    categories = data.get("categories")
    if categories:
        known = set(
            Category.objects.filter(store=store, bc_id__in=categories).values_list(
                "bc_id", flat=True
            )
        )
        if set(categories) - known:
            conflicts[f"{prefix}categories"] = "Invalid category id."
    if (
        data.get("brand_id")
        and not Brand.objects.filter(store=store, bc_id=data["brand_id"]).exists()
    ):
        conflicts[f"{prefix}brand_id"] = "Invalid brand id."
    if conflicts:
        raise ApiError(
            409, "The product conflicts with another product or a missing record.", conflicts
        )


def delete_products(store: SandboxStore, ids: list[int]) -> None:
    if len(ids) > DELETE_LIMIT:
        raise ApiError(413, f"At most {DELETE_LIMIT} products can be deleted at once.")
    for product in Product.objects.filter(store=store, bc_id__in=ids):
        variant_ids = list(product.variants.values_list("bc_id", flat=True))
        product.delete()
        _delete_metafields(store, "variant", variant_ids)
        _delete_metafields(store, "product", [product.bc_id])
        emit(store, "store/product/deleted", {"type": "product", "id": product.bc_id})


def _delete_metafields(store: SandboxStore, resource_type: str, ids: list[int]) -> None:
    Metafield.objects.filter(store=store, resource_type=resource_type, resource_id__in=ids).delete()


# --- custom fields ------------------------------------------------------------------------------
def custom_fields(product: Product) -> list[dict]:
    return product.body.get("custom_fields", [])


def get_custom_field(product: Product, field_id: int) -> dict:
    field = next((f for f in custom_fields(product) if f["id"] == field_id), None)
    if field is None:
        raise ApiError(404, "The requested custom field was not found.")
    return field


def _check_custom_field(data, partial: bool = False) -> dict:
    if not isinstance(data, dict):
        raise ApiError(422, "JSON data is missing or invalid", {"$": "error.type.object"})
    errors = Errors()
    if not partial:
        errors.missing(data, ("name", "value"))
    errors.text(data, "name", max_length=250)
    errors.text(data, "value", max_length=250)
    errors.raise_if_any()
    return data


def create_custom_field(product: Product, data) -> dict:
    field = _add_custom_field(product, _check_custom_field(data))
    _change_product(product, {})
    return field


def _add_custom_field(product: Product, data: dict) -> dict:
    field = {
        "id": next_id(product.store, "custom_field"),
        "name": data["name"],
        "value": data["value"],
    }
    product.body.setdefault("custom_fields", []).append(field)
    return field


def _put_custom_field(product: Product, data: dict) -> None:
    """A custom field given with a product: changed when it names an existing one, else added."""
    existing = next((f for f in custom_fields(product) if f["id"] == data.get("id")), None)
    if existing is None:
        _add_custom_field(product, data)
    else:
        existing.update({key: data[key] for key in ("name", "value") if key in data})


def update_custom_field(product: Product, field_id: int, data) -> dict:
    field = get_custom_field(product, field_id)
    data = _check_custom_field(data, partial=True)
    field.update({key: data[key] for key in ("name", "value") if key in data})
    _change_product(product, {})
    return field


def delete_custom_field(product: Product, field_id: int) -> None:
    field = get_custom_field(product, field_id)
    product.body["custom_fields"].remove(field)
    _change_product(product, {})


# --- variants -----------------------------------------------------------------------------------
def create_variant(product: Product, data) -> Variant:
    if not isinstance(data, dict):
        raise ApiError(422, "JSON data is missing or invalid", {"$": "error.type.object"})
    errors = Errors()
    errors.missing(data, ("sku", "option_values"))
    _check_variant(data, errors)
    errors.raise_if_any()
    _check_sku(product.store, data.get("sku"))
    variant = _new_variant(product, data)
    return variant


def _new_variant(product: Product, data: dict, emit_event: bool = True) -> Variant:
    store = product.store
    body = {name: data[name] for name in VARIANT_FIELDS if name in data}
    values = data.get("option_values") or []
    known = option_ids(store) if values else {}
    body["option_values"] = [_option_value(store, value, known) for value in values]
    variant = Variant.objects.create(
        store=store,
        product=product,
        bc_id=next_id(store, "variant"),
        sku=data.get("sku") or "",
        sku_id=next_id(store, "sku"),
        body=body,
    )
    if emit_event:
        _emit_sku(variant, "created")
    return variant


def _option_value(store: SandboxStore, value: dict, known: dict) -> dict:
    """An option value as stored: the option and the value each get an id on first use."""
    display_name, label = value.get("option_display_name", ""), value.get("label", "")
    option_id = value.get("option_id") or _option_id(store, known, display_name)
    value_id = value.get("id") or _option_id(store, known, f"{display_name}\x1f{label}")
    return {
        "id": value_id,
        "label": label,
        "option_id": option_id,
        "option_display_name": display_name,
    }


def option_ids(store: SandboxStore) -> dict:
    """The ids already given to option names and to (option, label) pairs in this store."""
    known = {}
    for body in Variant.objects.filter(store=store).values_list("body", flat=True):
        for value in body.get("option_values", []):
            known.setdefault(value["option_display_name"], value["option_id"])
            known.setdefault(f"{value['option_display_name']}\x1f{value['label']}", value["id"])
    return known


def _option_id(store: SandboxStore, known: dict, name: str) -> int:
    if name not in known:
        known[name] = next_id(store, "option")
    return known[name]


def _check_variant(data: dict, errors: Errors, prefix: str = "") -> None:
    for name, (low, high) in VARIANT_TEXT.items():
        errors.text(data, name, prefix, high, low)
    for name in VARIANT_NUMBERS:
        errors.number(data, name, prefix)
    errors.integer(data, "inventory_level", prefix, maximum=2147483647)
    errors.integer(data, "inventory_warning_level", prefix, maximum=2147483647)
    errors.boolean(data, "is_free_shipping", prefix)
    errors.boolean(data, "purchasing_disabled", prefix)
    values = data.get("option_values")
    if values is not None and (
        not isinstance(values, list)
        or not all(isinstance(v, dict) and v.get("label") for v in values)
    ):
        errors[f"{prefix}option_values"] = "error.type.array of option values with a label"


def _check_sku(store: SandboxStore, sku, variant: Variant | None = None) -> None:
    if _sku_taken(store, sku, variant):
        raise ApiError(409, f"Sku {sku} is not unique.", {"sku": "error.duplicate"})


def _sku_taken(store: SandboxStore, sku, variant: Variant | None = None) -> bool:
    others = Variant.objects.filter(store=store, sku=sku)
    return bool(sku) and others.exclude(pk=variant.pk if variant else None).exists()


def update_variant(variant: Variant, data) -> Variant:
    if not isinstance(data, dict):
        raise ApiError(422, "JSON data is missing or invalid", {"$": "error.type.object"})
    errors = Errors()
    _check_variant(data, errors)
    errors.raise_if_any()
    _check_sku(variant.store, data.get("sku"), variant)
    _change_variant(variant, data)
    return variant


def update_variants(store: SandboxStore, data) -> list[Variant]:
    """PUT /catalog/variants. Its 422 is the spec's "Variants Batch Error Response": one error
    per refused variant under `batch_errors`, its fields named with the item's index."""
    items = batch(data, VARIANT_BATCH_LIMIT)
    found = {v.bc_id: v for v in variants(store).filter(bc_id__in=[i.get("id") for i in items])}
    refused = {}
    for index, item in enumerate(items):
        errors = Errors()
        if item.get("id") not in found:
            errors[f"{index}.id"] = "The variant was not found."
        _check_variant(item, errors, f"{index}.")
        if not errors and _sku_taken(store, item.get("sku"), found[item["id"]]):
            errors[f"{index}.sku"] = f"Sku {item['sku']} is not unique."
        if errors:
            refused[index] = dict(errors)
    skus = [item.get("sku") for item in items if item.get("sku")]
    for index, item in enumerate(items):
        if item.get("sku") and skus.count(item["sku"]) > 1:
            refused.setdefault(index, {})[f"{index}.sku"] = f"Sku {item['sku']} is not unique."
    if refused:
        raise ApiError(422, body={"batch_errors": [_batch_error(e) for e in refused.values()]})
    for item in items:
        _change_variant(found[item["id"]], item)
    return [found[item["id"]] for item in items]


def _batch_error(errors: dict) -> dict:
    return {
        "status": 422,
        "title": "JSON data is missing or invalid",
        "type": STATUS_CODES_TYPE,
        "errors": errors,
    }


def _change_variant(variant: Variant, data: dict) -> None:
    stock = variant.body.get("inventory_level", 0)
    if data.get("sku"):
        variant.sku = data["sku"]
    variant.body.update({name: data[name] for name in VARIANT_FIELDS if name in data})
    if "option_values" in data:
        known = option_ids(variant.store)
        values = [_option_value(variant.store, v, known) for v in data["option_values"]]
        variant.body["option_values"] = values
    variant.save()
    Product.objects.filter(pk=variant.product_id).update(date_modified=dates.now())
    _emit_sku(variant, "updated")
    if variant.body.get("inventory_level", 0) != stock:
        _emit_sku_inventory(variant)


def delete_variant(variant: Variant) -> None:
    product = variant.product
    variant.delete()
    _delete_metafields(variant.store, "variant", [variant.bc_id])
    _refresh_base_variant(product)
    product.date_modified = dates.now()
    product.save()
    _emit_sku(variant, "deleted")


def _refresh_base_variant(product: Product) -> None:
    first = product.variants.order_by("bc_id").values_list("bc_id", flat=True).first()
    product.body["base_variant_id"] = first


def _emit_sku_inventory(variant: Variant) -> None:
    """store/sku/inventory/updated, shaped like the official callback example."""
    inventory = {
        "product_id": variant.product.bc_id,
        "method": "absolute",
        "value": variant.body["inventory_level"],
        "variant_id": variant.bc_id,
    }
    data = {"type": "sku", "id": variant.sku_id, "inventory": inventory}
    emit(variant.store, "store/sku/inventory/updated", data)


def _emit_sku(variant: Variant, action: str) -> None:
    data = {
        "type": "sku",
        "id": variant.sku_id,
        "sku": {"product_id": variant.product.bc_id, "variant_id": variant.bc_id},
    }
    emit(variant.store, f"store/sku/{action}", data)
