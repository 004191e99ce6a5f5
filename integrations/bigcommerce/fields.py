"""BigCommerce's own rules for the fields the connector writes, as its official OpenAPI specs
state them, and a check of a payload against them.

Sources (bigcommerce/docs, reference/; in the shared reference under bigcommerce/specs/):

- customer: customers.v3.yml, `customer_Post` (POST /customers) and `customer_Put` (PUT
  /customers) with their operations' notes: required and read-only fields, "Subresource
  updates are not supported", attribute values changed only through /customers/attribute-values.
  A customer's `addresses` are `customerAddresses_CustomerPost`.
- product: products_catalog.v3.yml, `product_Base_POST` (POST /catalog/products) and
  `product_Put_Collection` (PUT /catalog/products) with the operation's read-only fields;
  `customUrl_Full`, `productCustomField_Put`. Images, videos, variants and bulk pricing rules
  may be given with a product, but their items are not described.
- variant: product-variants_catalog.v3.yml. Updates: PUT /catalog/variants ("id" required)
  and `productVariant_Put` (PUT /catalog/products/{id}/variants/{id}), whose `sku`, `mpn`,
  `gtin`, `image_url` and `product_id` the batch schema leaves out although its notes name
  `sku` and `product_id`. Creates: `productVariant_Post`.
- order: orders.v2.oas2.yml, `order_Put.status_id`, with the statuses GET /order_statuses lists
  (0-14). Only the status is described: the connector writes nothing else of an order.

A field is named by its path as mappings name it: `email`, `custom_url.url`, and for lists of
objects the first item, `addresses.0.city` (any index looks up the rule of index 0).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

STRING, INT, NUMBER, BOOL, ENUM, LIST, OBJECT, DATETIME, ANY = (
    "string",
    "int",
    "number",
    "bool",
    "enum",
    "list",
    "object",
    "datetime",
    "any",
)
OPTIONAL, REQUIRED, READ_ONLY = "optional", "required", "read-only"

ORDER_STATUSES = {
    0: "Incomplete",
    1: "Pending",
    2: "Shipped",
    3: "Partially Shipped",
    4: "Refunded",
    5: "Cancelled",
    6: "Declined",
    7: "Awaiting Payment",
    8: "Awaiting Pickup",
    9: "Awaiting Shipment",
    10: "Completed",
    11: "Awaiting Fulfillment",
    12: "Manual Verification Required",
    13: "Disputed",
    14: "Partially Refunded",
}


@dataclass(frozen=True)
class Field:
    """One field of a write. `on_create`/`on_update`: OPTIONAL, REQUIRED or READ_ONLY. A field
    under an object or a list item (`addresses.0.city`) that is REQUIRED is so for each such
    object the payload gives. `items`: the type of a list's items; `labels`: names of enum
    values; `note`: why a read-only field cannot be written."""

    type: str
    max_length: int | None = None
    min_length: int = 0
    choices: tuple = ()
    labels: Mapping | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    items: str | None = None
    max_items: int | None = None
    nullable: bool = False
    on_create: str = OPTIONAL
    on_update: str = OPTIONAL
    max_length_on_create: int | None = None
    note: str = ""

    def mode(self, creating: bool) -> str:
        return self.on_create if creating else self.on_update

    def length_limit(self, creating: bool) -> int | None:
        if creating and self.max_length_on_create is not None:
            return self.max_length_on_create
        return self.max_length


def _text(max_length=None, min_length=0, **options) -> Field:
    return Field(STRING, max_length=max_length, min_length=min_length, **options)


def _enum(*choices, **options) -> Field:
    return Field(ENUM, choices=choices, **options)


SET_BY_BIGCOMMERCE = "BigCommerce sets it"
_ID = Field(INT, on_create=READ_ONLY, on_update=REQUIRED, note="BigCommerce gives the id")
_STAMP = Field(STRING, on_create=READ_ONLY, on_update=READ_ONLY, note=SET_BY_BIGCOMMERCE)
_NOT_ON_UPDATE = "BigCommerce does not change a customer's addresses through a customer update"


def _address(prefix: str, on_update: str = READ_ONLY, note: str = _NOT_ON_UPDATE) -> dict:
    kept = {"on_update": on_update, "note": note}
    required = {"on_create": REQUIRED, **kept}
    return {
        prefix[:-3]: Field(LIST, items=OBJECT, max_items=10, **kept),
        f"{prefix}first_name": _text(255, 1, **required),
        f"{prefix}last_name": _text(255, 1, **required),
        f"{prefix}company": _text(255, **kept),
        f"{prefix}address1": _text(**required),
        f"{prefix}address2": _text(**kept),
        f"{prefix}city": _text(100, **required),
        f"{prefix}state_or_province": _text(100, **kept),
        f"{prefix}postal_code": _text(30, **kept),
        f"{prefix}country_code": _text(2, 2, **required),
        f"{prefix}phone": _text(50, **kept),
        f"{prefix}address_type": _enum("residential", "commercial", **kept),
        f"{prefix}form_fields": Field(LIST, items=OBJECT, **kept),
        f"{prefix}form_fields.0.name": _text(on_create=REQUIRED, **kept),
        f"{prefix}form_fields.0.value": Field(ANY, on_create=REQUIRED, **kept),
    }


_ATTRIBUTES_NOTE = "attribute values change through /customers/attribute-values"
CUSTOMER = {
    "id": _ID,
    "email": _text(255, 3, on_create=REQUIRED, max_length_on_create=250),
    "first_name": _text(100, 1, on_create=REQUIRED),
    "last_name": _text(100, 1, on_create=REQUIRED),
    "company": _text(255),
    "phone": _text(50),
    "notes": _text(),
    "tax_exempt_category": _text(255),
    "customer_group_id": Field(INT),
    "authentication": Field(OBJECT),
    "authentication.force_password_reset": Field(BOOL),
    "authentication.new_password": _text(),
    "accepts_product_review_abandoned_cart_emails": Field(BOOL),
    "store_credit_amounts": Field(LIST, items=OBJECT),
    "store_credit_amounts.0.amount": Field(NUMBER),
    "channel_ids": Field(LIST, items=INT),
    "form_fields": Field(LIST, items=OBJECT),
    "form_fields.0.name": _text(on_create=REQUIRED, on_update=REQUIRED),
    "form_fields.0.value": Field(ANY, on_create=REQUIRED, on_update=REQUIRED),
    "origin_channel_id": Field(
        INT, on_update=READ_ONLY, note="it is the channel the customer was created in"
    ),
    "trigger_account_created_notification": Field(
        BOOL, on_update=READ_ONLY, note="it only applies when a customer is created"
    ),
    "attributes": Field(
        LIST, items=OBJECT, max_items=10, on_update=READ_ONLY, note=_ATTRIBUTES_NOTE
    ),
    "attributes.0.attribute_id": Field(INT, on_update=READ_ONLY, note=_ATTRIBUTES_NOTE),
    "attributes.0.attribute_value": _text(255, on_update=READ_ONLY, note=_ATTRIBUTES_NOTE),
    **_address("addresses.0."),
    "registration_ip_address": _text(
        30, on_create=READ_ONLY, on_update=READ_ONLY, note=SET_BY_BIGCOMMERCE
    ),
    "date_created": _STAMP,
    "date_modified": _STAMP,
}

_SIZE = {"minimum": 0, "maximum": 9999999999}
_PRICE = {"minimum": 0}
_STOCK = {"minimum": 0, "maximum": 2147483647}
PRODUCT = {
    "id": _ID,
    "name": _text(250, 1, on_create=REQUIRED),
    "type": _enum("physical", "digital", on_create=REQUIRED),
    "sku": _text(255),
    "description": _text(),
    "weight": Field(NUMBER, on_create=REQUIRED, **_SIZE),
    "width": Field(NUMBER, **_SIZE),
    "depth": Field(NUMBER, **_SIZE),
    "height": Field(NUMBER, **_SIZE),
    "price": Field(NUMBER, on_create=REQUIRED, **_PRICE),
    "cost_price": Field(NUMBER, **_PRICE),
    "retail_price": Field(NUMBER, **_PRICE),
    "sale_price": Field(NUMBER, **_PRICE),
    "map_price": Field(NUMBER),
    "tax_class_id": Field(NUMBER, minimum=0, maximum=255),
    "product_tax_code": _text(255),
    "categories": Field(LIST, items=INT, max_items=1000),
    "brand_id": Field(INT, minimum=0, maximum=1000000000),
    "brand_name": _text(),
    "inventory_level": Field(INT, **_STOCK),
    "inventory_warning_level": Field(INT, **_STOCK),
    "inventory_tracking": _enum("none", "product", "variant"),
    "fixed_cost_shipping_price": Field(NUMBER, **_PRICE),
    "is_free_shipping": Field(BOOL),
    "is_visible": Field(BOOL),
    "is_featured": Field(BOOL),
    "related_products": Field(LIST, items=INT),
    "warranty": _text(65535),
    "bin_picking_number": _text(255),
    "layout_file": _text(500),
    "upc": _text(14),
    "search_keywords": _text(65535),
    "availability_description": _text(255),
    "availability": _enum("available", "disabled", "preorder"),
    "gift_wrapping_options_type": _enum("any", "none", "list"),
    "gift_wrapping_options_list": Field(LIST, items=INT),
    "sort_order": Field(INT, minimum=-2147483648, maximum=2147483647),
    "condition": _enum("New", "Used", "Refurbished"),
    "is_condition_shown": Field(BOOL),
    "order_quantity_minimum": Field(INT, minimum=0, maximum=1000000000),
    "order_quantity_maximum": Field(INT, minimum=0, maximum=1000000000),
    "page_title": _text(255),
    "meta_keywords": Field(LIST, items=STRING),
    "meta_description": _text(65535),
    "view_count": Field(INT, minimum=0, maximum=1000000000),
    "preorder_release_date": Field(DATETIME, nullable=True),
    "preorder_message": _text(255),
    "is_preorder_only": Field(BOOL),
    "is_price_hidden": Field(BOOL),
    "price_hidden_label": _text(200),
    "custom_url": Field(OBJECT),
    "custom_url.url": _text(255, 1, on_create=REQUIRED, on_update=REQUIRED),
    "custom_url.is_customized": Field(BOOL, on_create=REQUIRED, on_update=REQUIRED),
    "custom_url.create_redirect": Field(BOOL),
    "open_graph_type": _enum(
        "product", "album", "book", "drink", "food", "game", "movie", "song", "tv_show"
    ),
    "open_graph_title": _text(),
    "open_graph_description": _text(),
    "open_graph_use_meta_description": Field(BOOL),
    "open_graph_use_product_name": Field(BOOL),
    "open_graph_use_image": Field(BOOL),
    "gtin": _text(14),
    "mpn": _text(),
    "date_last_imported": _text(),
    "reviews_rating_sum": Field(INT),
    "reviews_count": Field(INT),
    "total_sold": Field(INT),
    "custom_fields": Field(LIST, items=OBJECT),
    "custom_fields.0.id": Field(INT, minimum=1),
    "custom_fields.0.name": _text(250, 1, on_create=REQUIRED, on_update=REQUIRED),
    "custom_fields.0.value": _text(250, 1, on_create=REQUIRED, on_update=REQUIRED),
    # Given whole; their items are not described here.
    "bulk_pricing_rules": Field(LIST, items=OBJECT),
    "images": Field(LIST, items=OBJECT),
    "videos": Field(LIST, items=OBJECT),
    "variants": Field(
        LIST, items=OBJECT, on_update=READ_ONLY, note="variants change through /catalog/variants"
    ),
    "calculated_price": Field(
        NUMBER, on_create=READ_ONLY, on_update=READ_ONLY, note=SET_BY_BIGCOMMERCE
    ),
    "base_variant_id": Field(
        INT, on_create=READ_ONLY, on_update=READ_ONLY, note=SET_BY_BIGCOMMERCE
    ),
    "date_created": _STAMP,
    "date_modified": _STAMP,
}

_VARIANT_SIZE = {"minimum": 0, "nullable": True}
_OPTIONS_SET = {"on_update": READ_ONLY, "note": "a variant's options are set when it is created"}
_VARIANT_STOCK = {"maximum": 2147483647, "nullable": True}
VARIANT = {
    "id": _ID,
    "product_id": Field(INT, on_create=REQUIRED),
    "sku": _text(255, 1, on_create=REQUIRED),
    "cost_price": Field(NUMBER, **_VARIANT_SIZE),
    "price": Field(NUMBER, **_VARIANT_SIZE),
    "sale_price": Field(NUMBER, **_VARIANT_SIZE),
    "retail_price": Field(NUMBER, **_VARIANT_SIZE),
    "weight": Field(NUMBER, **_VARIANT_SIZE),
    "width": Field(NUMBER, **_VARIANT_SIZE),
    "height": Field(NUMBER, **_VARIANT_SIZE),
    "depth": Field(NUMBER, **_VARIANT_SIZE),
    "is_free_shipping": Field(BOOL),
    "fixed_cost_shipping_price": Field(NUMBER, **_VARIANT_SIZE),
    "purchasing_disabled": Field(BOOL),
    "purchasing_disabled_message": _text(255),
    "upc": _text(14, nullable=True),
    "image_url": _text(),
    "inventory_level": Field(INT, **_VARIANT_STOCK),
    "inventory_warning_level": Field(INT, **_VARIANT_STOCK),
    "bin_picking_number": _text(255, nullable=True),
    "mpn": _text(nullable=True),
    "gtin": _text(14, nullable=True),
    "option_values": Field(LIST, items=OBJECT, on_create=REQUIRED, **_OPTIONS_SET),
    "option_values.0.option_display_name": _text(255, 1, on_create=REQUIRED, **_OPTIONS_SET),
    "option_values.0.label": _text(255, 1, on_create=REQUIRED, **_OPTIONS_SET),
    "option_values.0.id": Field(INT, **_OPTIONS_SET),
    "option_values.0.option_id": Field(INT, **_OPTIONS_SET),
    "calculated_price": Field(
        NUMBER, on_create=READ_ONLY, on_update=READ_ONLY, note=SET_BY_BIGCOMMERCE
    ),
    "calculated_weight": Field(
        NUMBER, on_create=READ_ONLY, on_update=READ_ONLY, note=SET_BY_BIGCOMMERCE
    ),
    "sku_id": Field(INT, on_create=READ_ONLY, on_update=READ_ONLY, note=SET_BY_BIGCOMMERCE),
}

ORDER = {
    "status_id": _enum(*ORDER_STATUSES, labels=ORDER_STATUSES, on_update=REQUIRED),
}

FIELDS: dict[str, dict[str, Field]] = {
    "customer": CUSTOMER,
    "product": PRODUCT,
    "variant": VARIANT,
    "order": ORDER,
}
NOUNS = {
    "customer": "a customer",
    "product": "a product",
    "variant": "a variant",
    "order": "an order",
}


def rule(resource: str, path: str) -> Field | None:
    """The rule of a field path; any list index reads as 0 (`addresses.2.city`)."""
    return FIELDS[resource].get(_generic(path))


def writable(resource: str, *, creating: bool) -> dict[str, Field]:
    """The fields a create (or an update) may write, by path."""
    return {
        path: field for path, field in FIELDS[resource].items() if field.mode(creating) != READ_ONLY
    }


def problems(resource: str, values: Mapping, *, creating: bool) -> dict[str, str]:
    """What BigCommerce would refuse in this payload, by field path, in words an admin can act
    on; empty when nothing is.

    `values` is the payload as it will be sent (nested: {"addresses": [{"city": ...}]}), or the
    same with dotted paths as keys ({"addresses.0.city": ...}); an update's payload carries the
    record's `id`, as the write functions need it (an order's id is in its URL)."""
    fields = FIELDS[resource]
    flat = _flatten(fields, values)
    found = {}
    for path, value in flat.items():
        problem = _problem(resource, path, rule(resource, path), value, creating)
        if problem:
            found[path] = problem
    for path, problem in _missing(resource, fields, flat, creating).items():
        found.setdefault(path, problem)
    return found


# --- the checks -----------------------------------------------------------------------------------
def _problem(resource: str, path: str, field: Field | None, value, creating: bool) -> str | None:
    action = f"{'creating' if creating else 'updating'} {NOUNS[resource]}"
    if field is None:
        return f"{path} is not a field BigCommerce accepts when {action}"
    if field.mode(creating) == READ_ONLY:
        return f"{path} cannot be written when {action}: {field.note or SET_BY_BIGCOMMERCE}"
    if value is None:
        if field.nullable:
            return None
        if field.mode(creating) == REQUIRED:
            return f"{path} is required when {action} and has no value"
        return f"{path} has no value, which BigCommerce does not accept for it (leave it out)"
    return _type_problem(path, field, value) or _size_problem(path, field, value, creating)


EXPECTED = {
    STRING: "text",
    INT: "a whole number",
    NUMBER: "a number",
    BOOL: "true or false",
    LIST: "a list",
    OBJECT: "an object",
    DATETIME: "a date and time (ISO 8601)",
}
PLURALS = {STRING: "texts", INT: "whole numbers", NUMBER: "numbers", OBJECT: "objects"}


def _type_problem(path: str, field: Field, value) -> str | None:
    if field.type == ENUM:
        return None if _is_choice(field, value) else _choice_problem(path, field, value)
    if field.type != ANY and not _is_type(field.type, value):
        return f"{path} must be {EXPECTED[field.type]}, not {value!r}"
    if field.type == LIST and field.items:
        wrong = [item for item in value if not _is_type(field.items, item)]
        if wrong:
            return f"{path} must hold only {PLURALS[field.items]}, not {wrong[0]!r}"
    return None


def _is_type(kind: str, value) -> bool:
    if kind == STRING:
        return isinstance(value, str)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == NUMBER:
        return (
            isinstance(value, int | float | Decimal)
            and not isinstance(value, bool)
            and (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value))
        )
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == LIST:
        return isinstance(value, list)
    if kind == OBJECT:
        return isinstance(value, dict)
    if kind == DATETIME:
        return isinstance(value, str) and _is_datetime(value)
    return True


def _is_datetime(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_choice(field: Field, value) -> bool:
    return not isinstance(value, bool) and value in field.choices


def _choice_problem(path: str, field: Field, value) -> str:
    if field.labels:
        allowed = ", ".join(f"{key} ({name})" for key, name in field.labels.items())
    else:
        allowed = ", ".join(str(choice) for choice in field.choices)
    return f"{path} is {value!r}, which BigCommerce does not accept: it must be one of {allowed}"


def _size_problem(path: str, field: Field, value, creating: bool) -> str | None:
    if field.type == STRING:
        limit = field.length_limit(creating)
        if limit is not None and len(value) > limit:
            return f"{path} is longer than {limit} characters (the limit BigCommerce sets)"
        if len(value) < field.min_length:
            return _too_short(path, field)
    if field.type in (INT, NUMBER):
        if field.minimum is not None and value < field.minimum:
            return f"{path} is {value}, below {field.minimum} (the minimum BigCommerce sets)"
        if field.maximum is not None and value > field.maximum:
            return f"{path} is {value}, above {field.maximum} (the maximum BigCommerce sets)"
    if field.type == LIST and field.max_items is not None and len(value) > field.max_items:
        return f"{path} has {len(value)} items, more than the {field.max_items} BigCommerce allows"
    return None


def _too_short(path: str, field: Field) -> str:
    if field.min_length == 1:
        return f"{path} is empty, which BigCommerce does not accept"
    if field.min_length == field.max_length:
        return f"{path} must be exactly {field.min_length} characters (BigCommerce's rule)"
    return f"{path} is shorter than {field.min_length} characters (the minimum BigCommerce sets)"


def _missing(resource: str, fields: dict, flat: dict, creating: bool) -> dict[str, str]:
    """Required fields the payload leaves out: top-level ones always, and those under an object
    or a list item for each such object it gives."""
    action = f"{'creating' if creating else 'updating'} {NOUNS[resource]}"
    missing = {}
    for path, field in fields.items():
        if field.mode(creating) != REQUIRED:
            continue
        parent, _, name = path.rpartition(".")
        for owner in _owners(parent, flat) if parent else [""]:
            concrete = f"{owner}.{name}" if owner else path
            if concrete not in flat:
                missing[concrete] = f"{concrete} is required when {action}"
    return missing


def _owners(parent: str, flat: dict) -> list[str]:
    """The objects of the payload that a generic parent path (`addresses.0`, `custom_url`)
    stands for: those given whole, list items, and those whose fields are given."""
    owners = {p for p, value in flat.items() if _generic(p) == parent and isinstance(value, dict)}
    if parent.endswith(".0"):
        for path, value in flat.items():
            if _generic(path) == parent[:-2] and isinstance(value, list):
                owners.update(f"{path}.{index}" for index in range(len(value)))
    depth = parent.count(".") + 1
    for path in flat:
        head = ".".join(path.split(".")[:depth])
        if path.count(".") >= depth and _generic(head) == parent:
            owners.add(head)
    return sorted(owners)


# --- payload shapes -------------------------------------------------------------------------------
def _generic(path: str) -> str:
    return ".".join("0" if part.isdigit() else part for part in path.split("."))


def _flatten(fields: dict, values: Mapping, prefix: str = "") -> dict:
    """Dotted paths to values. Objects and lists of objects that hold described fields are
    kept (for their own checks) and entered; anything else is a value."""
    flat = {}
    for key, value in values.items():
        path = f"{prefix}{key}"
        flat[path] = value
        if not _has_children(fields, path):
            continue
        if isinstance(value, dict):
            flat.update(_flatten(fields, value, f"{path}."))
        elif isinstance(value, list) and all(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                flat.update(_flatten(fields, item, f"{path}.{index}."))
    return flat


def _has_children(fields: dict, path: str) -> bool:
    generic = _generic(path)
    return any(name.startswith(f"{generic}.") for name in fields)
