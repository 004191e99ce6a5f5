"""BigCommerce records as the connector reads them: pages of the largest size, with includes.

A v3 read reports the collection's total from its first answer (`on_total`), which is a run's
expected count; v2 orders have no total, so their runs show progress without one.

Orders come with their line items embedded (`include=consignments.line_items`: one call per 250
orders); customers with their addresses; products with variants and custom fields. Metafields
are read in one batched call per page, and only when a mapping uses them.

Records are also read by id, and, for matching records of Salesforce to them, by email
(customers) and by SKU (products, variants). A day's orders are read by creation date, and
their coupons one order at a time (coupon revenue).

`sample` reads one page of an object's latest records the same way, for checking mappings
against what a store's records hold.
"""

from collections.abc import Iterator
from datetime import datetime
from urllib.parse import quote

from integrations.bigcommerce import dates
from integrations.bigcommerce.client import MAX_PAGE_SIZE

ORDER_INCLUDES = {"include": "consignments.line_items", "consignment_structure": "object"}
CUSTOMER_INCLUDES = {"include": "addresses,attributes"}
PRODUCT_INCLUDES = {"include": "variants,custom_fields"}
ID_CHUNK = 250  # ids per `id:in` filter: a full page, in a URL of a few kilobytes
# The longest value of a text filter (`email:in`, `sku:in`) once URL-encoded, so that its URL
# stays as short as one of ID_CHUNK ids; a chunk also holds at most ID_CHUNK values.
FILTER_CHARS = 2000
SEPARATOR = quote(",", safe="")


# --- customers ------------------------------------------------------------------------------------
def customer_pages(bc, since: datetime | None = None, on_total=None) -> Iterator[list[dict]]:
    params = {**CUSTOMER_INCLUDES, "sort": "date_modified:asc"}
    if since:
        params["date_modified:min"] = dates.v3(since)
    return bc.iter_v3_pages("v3/customers", params, on_total=on_total)


def customers_by_id(bc, ids) -> list[dict]:
    return _by_ids(bc, "v3/customers", "id:in", ids, CUSTOMER_INCLUDES)


def customers_by_email(bc, emails) -> list[dict]:
    """Customers with one of these emails, with their addresses (`email:in`, in chunks that keep
    the URL short). An address with a comma cannot be asked for: the filter splits on commas."""
    wanted = [email for email in _distinct(emails) if "," not in email]
    found = []
    for chunk in _chunks_within(wanted, FILTER_CHARS):
        params = {**CUSTOMER_INCLUDES, "email:in": ",".join(chunk)}
        found += bc.iter_v3("v3/customers", params)
    return found


def customer_group_names(bc) -> dict[int, str]:
    return {group["id"]: group["name"] for group in bc.iter_v2("v2/customer_groups")}


# --- catalog --------------------------------------------------------------------------------------
def product_pages(bc, since: datetime | None = None, on_total=None) -> Iterator[list[dict]]:
    params = {**PRODUCT_INCLUDES, "sort": "date_modified", "direction": "asc"}
    if since:
        params["date_modified:min"] = dates.v3(since)
    return bc.iter_v3_pages("v3/catalog/products", params, on_total=on_total)


def products_by_id(bc, ids) -> list[dict]:
    return _by_ids(bc, "v3/catalog/products", "id:in", ids, PRODUCT_INCLUDES)


def products_by_sku(bc, skus) -> list[dict]:
    """Products whose own SKU (the base variant's) is one of these, with variants and custom
    fields. `sku:in` splits on commas: a SKU holding one is asked for alone with `sku`."""
    wanted = _distinct(skus)
    found = []
    for chunk in _chunks_within([s for s in wanted if "," not in s], FILTER_CHARS):
        params = {**PRODUCT_INCLUDES, "sku:in": ",".join(chunk)}
        found += bc.iter_v3("v3/catalog/products", params)
    for sku in (s for s in wanted if "," in s):
        found += bc.iter_v3("v3/catalog/products", {**PRODUCT_INCLUDES, "sku": sku})
    return found


def variants_by_sku(bc, skus) -> list[dict]:
    """Variants with one of these SKUs, one call per SKU: GET /v3/catalog/variants documents a
    `sku` filter but no `sku:in` (product-variants_catalog.v3.yml). SKUs are unique in a store,
    whatever their case, so each call answers one variant at most."""
    found = []
    for sku in _distinct(skus):
        found += (bc.get("v3/catalog/variants", sku=sku) or {}).get("data") or []
    return found


def category_pages(bc, since: datetime | None = None, on_total=None) -> Iterator[list[dict]]:
    """Categories have no date filter (FACTS.md §3): an import reads them all."""
    return bc.iter_v3_pages("v3/catalog/trees/categories", on_total=on_total)


def categories_by_id(bc, ids) -> list[dict]:
    return _by_ids(bc, "v3/catalog/trees/categories", "category_id:in", ids)


# --- orders and refunds ---------------------------------------------------------------------------
def order_pages(bc, since: datetime | None = None, **filters) -> Iterator[list[dict]]:
    params = {**ORDER_INCLUDES, "sort": "date_modified:asc", **filters}
    if since:
        params["min_date_modified"] = dates.v2(since)
    return bc.iter_v2_pages("v2/orders", params)


def orders_by_id(bc, ids) -> list[dict]:
    """Orders by id: one call per run of ids that fit in one page (`min_id`/`max_id`)."""
    wanted = {int(i) for i in ids}
    found = []
    for low, high in _id_ranges(sorted(wanted)):
        params = {**ORDER_INCLUDES, "min_id": low, "max_id": high, "sort": "id:asc"}
        page = bc.get("v2/orders", limit=MAX_PAGE_SIZE, **params) or []
        found += [order for order in page if order["id"] in wanted]
    return found


def latest_guest_order(bc, email: str) -> list[dict]:
    params = {**ORDER_INCLUDES, "email": email, "customer_id": 0, "sort": "date_modified:desc"}
    return (bc.get("v2/orders", limit=1, **params) or [])[:1]


def _id_ranges(ids: list[int]) -> list[tuple[int, int]]:
    """Group sorted ids into ranges no wider than a page, so each range is one call."""
    ranges = []
    for value in ids:
        if ranges and value - ranges[-1][0] < MAX_PAGE_SIZE:
            ranges[-1] = (ranges[-1][0], value)
        else:
            ranges.append((value, value))
    return ranges


def orders_created_between(bc, start: datetime, end: datetime) -> Iterator[list[dict]]:
    """Orders created from `start` to `end`, oldest first, in pages of 250, without their lines:
    their totals and `coupon_discount` are the order's own fields."""
    params = {
        "min_date_created": dates.v2(start),
        "max_date_created": dates.v2(end),
        "sort": "date_created:asc",
    }
    return bc.iter_v2_pages("v2/orders", params)


def order_coupons(bc, order_id) -> list[dict]:
    """The coupons applied to one order. A v2 order only links to them (`coupons.resource`):
    no include and no filter of the order list embeds them, so one call per order is the only
    way; callers ask only for orders whose `coupon_discount` is above zero."""
    return list(bc.iter_v2(f"v2/orders/{int(order_id)}/coupons"))


def line_items(order: dict) -> list[dict]:
    """The order's products, from its consignments (shipping, pickups, downloads)."""
    consignments = order.get("consignments") or {}
    if isinstance(consignments, list):  # the array structure: one object per consignment
        groups = [group for consignment in consignments for group in consignment.values()]
    else:
        groups = list(consignments.values())
    items = []
    for group in groups:
        for consignment in group if isinstance(group, list) else []:
            items += [i for i in consignment.get("line_items") or [] if isinstance(i, dict)]
    return sorted({item["id"]: item for item in items}.values(), key=lambda item: item["id"])


def refund_pages(bc, since: datetime | None = None, on_total=None) -> Iterator[list[dict]]:
    params = {"created:min": dates.v3(since)} if since else {}
    return bc.iter_v3_pages("v3/orders/payment_actions/refunds", params, on_total=on_total)


def refunds_by_id(bc, ids) -> list[dict]:
    return _by_ids(bc, "v3/orders/payment_actions/refunds", "id:in", ids)


# --- a sample of the latest records ---------------------------------------------------------------
# Where each object's records are read as the pipeline reads them: (API version, path, params).
# Categories and refunds cannot be sorted by modification: their sample is the API's first page.
SAMPLE_READS = {
    "customer": ("v3", "v3/customers", {**CUSTOMER_INCLUDES, "sort": "date_modified:desc"}),
    "guest": (
        "v2",
        "v2/orders",
        {**ORDER_INCLUDES, "customer_id": 0, "sort": "date_modified:desc"},
    ),
    "category": ("v3", "v3/catalog/trees/categories", {}),
    "product": (
        "v3",
        "v3/catalog/products",
        {**PRODUCT_INCLUDES, "sort": "date_modified", "direction": "desc"},
    ),
    "order": ("v2", "v2/orders", {**ORDER_INCLUDES, "sort": "date_modified:desc"}),
    "refund": ("v3", "v3/orders/payment_actions/refunds", {}),
}
SORTED_SAMPLES = {"customer", "guest", "product", "order"}  # the latest modified first


def sample(bc, source: str, limit: int) -> list[dict]:
    """One call: at most `limit` records of `source`, with the pipeline's includes."""
    return page_of(bc, source, 1, limit)


def page_of(bc, source: str, page: int, limit: int) -> list[dict]:
    """One call: page `page` (from 1) of `source`'s records, `limit` to a page, ordered as
    its sample is (the latest modified first where the API sorts so)."""
    version, path, params = SAMPLE_READS[source]
    if version == "v2":
        return bc.get(path, **params, limit=limit, page=page) or []
    return (bc.get(path, **params, limit=limit, page=page) or {}).get("data") or []


# --- metafields -----------------------------------------------------------------------------------
METAFIELD_PATHS = {
    "customer": "v3/customers/metafields",
    "guest": None,
    "product": "v3/catalog/products/metafields",
    "category": "v3/catalog/categories/metafields",
    "order": "v3/orders/metafields",
    "refund": None,
}


# The field that holds a record's id, where it is not `id` (the category trees API).
ID_FIELDS = {"category": "category_id"}


def attach_metafields(bc, source: str, records: list[dict]) -> None:
    """Add `metafields: {namespace: {key: value}}` to each record, in one call per page."""
    path = METAFIELD_PATHS.get(source)
    if not path or not records:
        return
    id_field = ID_FIELDS.get(source, "id")
    by_id = {record[id_field]: record for record in records}
    for record in records:
        record["metafields"] = {}
    for chunk in _chunks(list(by_id), ID_CHUNK):
        params = {"resource_id:in": ",".join(map(str, chunk))}
        for field in bc.iter_v3(path, params):
            owner = by_id.get(field.get("resource_id"))
            if owner is not None:
                owner["metafields"].setdefault(field["namespace"], {})[field["key"]] = field[
                    "value"
                ]


def _by_ids(bc, path: str, filter_name: str, ids, extra=None) -> list[dict]:
    found = []
    for chunk in _chunks(sorted({int(i) for i in ids}), ID_CHUNK):
        params = {**(extra or {}), filter_name: ",".join(map(str, chunk))}
        found += bc.iter_v3(path, params)
    return found


def _distinct(values) -> list[str]:
    return list(dict.fromkeys(str(v).strip() for v in values if v is not None and str(v).strip()))


def _chunks_within(values: list[str], budget: int) -> Iterator[list[str]]:
    """Chunks of at most ID_CHUNK values whose URL-encoded, comma-joined length fits `budget`;
    a value longer than the budget alone goes alone."""
    chunk, used = [], 0
    for value in values:
        cost = len(quote(value, safe="")) + (len(SEPARATOR) if chunk else 0)
        if chunk and (used + cost > budget or len(chunk) == ID_CHUNK):
            yield chunk
            chunk, used = [], 0
            cost = len(quote(value, safe=""))
        chunk.append(value)
        used += cost
    if chunk:
        yield chunk


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
