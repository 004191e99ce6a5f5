"""The writes the export to BigCommerce makes: one result per item, in the order given.

Each answers a `BatchResult` per item (per id for deletes): the record as BigCommerce answered
it, or the error of that item alone (see `BigCommerceClient.write_batch` for how refused and
partly written batches are split). Batch limits are the documented ones (FACTS.md §7).
"""

from collections.abc import Iterable

from integrations import errors
from integrations.bigcommerce.client import REFUSED_ITEMS, BatchResult, BigCommerceClient

# DELETE /v3/catalog/products: "The maximum number of products you can delete at one time is
# 250" (products_catalog.v3.yml). DELETE /v3/customers documents no limit: the same 250 keeps
# its URL to a few kilobytes.
DELETE_LIMIT = 250


# --- customers ------------------------------------------------------------------------------------
def create_customers(bc: BigCommerceClient, items: list[dict]) -> list[BatchResult]:
    return bc.write_batch("POST", "v3/customers", items)


def update_customers(bc: BigCommerceClient, items: list[dict]) -> list[BatchResult]:
    """Items carry the customer's `id`. Addresses are not changed by this endpoint."""
    return bc.write_batch("PUT", "v3/customers", items)


def delete_customers(bc: BigCommerceClient, ids: Iterable[int]) -> list[BatchResult]:
    return _delete(bc, "v3/customers", ids)


def create_addresses(bc: BigCommerceClient, items: list[dict]) -> list[BatchResult]:
    """Items carry their `customer_id`; BigCommerce leaves an address identical to one the
    customer has out of its answer, so results pair with items by position only."""
    return bc.write_batch("POST", "v3/customers/addresses", items)


def update_addresses(bc: BigCommerceClient, items: list[dict]) -> list[BatchResult]:
    """Items carry the address's `id`."""
    return bc.write_batch("PUT", "v3/customers/addresses", items)


# --- catalog --------------------------------------------------------------------------------------
def create_products(bc: BigCommerceClient, items: list[dict]) -> list[BatchResult]:
    """One call per product: POST /v3/catalog/products creates one."""
    return bc.write_batch("POST", "v3/catalog/products", items)


def update_products(bc: BigCommerceClient, items: list[dict]) -> list[BatchResult]:
    return bc.write_batch("PUT", "v3/catalog/products", items)


def delete_products(bc: BigCommerceClient, ids: Iterable[int]) -> list[BatchResult]:
    return _delete(bc, "v3/catalog/products", ids)


def update_variants(bc: BigCommerceClient, items: list[dict]) -> list[BatchResult]:
    """Items carry the variant's `id`; variants of several products may share a call."""
    return bc.write_batch("PUT", "v3/catalog/variants", items)


# --- orders ---------------------------------------------------------------------------------------
def update_order_statuses(
    bc: BigCommerceClient, changes: Iterable[tuple[int, int]]
) -> list[BatchResult]:
    """Set each order's status: PUT /v2/orders/{id} with {"status_id": n}, one call per order
    (the v2 API has no batch update). Each result's item is {"id", "status_id"} and its data the
    order as answered."""
    results = []
    limited = None
    for order_id, status_id in changes:
        item = {"id": order_id, "status_id": status_id}
        if limited is not None:
            results.append(BatchResult(item, error=limited))
            continue
        try:
            order = bc.call("PUT", f"v2/orders/{order_id}", json={"status_id": status_id})
        except errors.RateLimited as exc:
            limited = exc
            results.append(BatchResult(item, error=exc))
        except errors.APIError as exc:
            results.append(BatchResult(item, error=exc))
        else:
            results.append(BatchResult(item, data=order))
    return results


# --- deletes by id --------------------------------------------------------------------------------
def _delete(bc: BigCommerceClient, path: str, ids: Iterable[int]) -> list[BatchResult]:
    """DELETE `path?id:in=...` in chunks; one result per id, with no data (the answer is 204).

    A chunk refused for its data is deleted again id by id, so only the id at fault fails."""
    ids = [int(i) for i in ids]
    results: list[BatchResult] = []
    for start in range(0, len(ids), DELETE_LIMIT):
        results += _delete_chunk(bc, path, ids[start : start + DELETE_LIMIT])
    return results


def _delete_chunk(bc: BigCommerceClient, path: str, ids: list[int]) -> list[BatchResult]:
    try:
        bc.call("DELETE", path, params={"id:in": ",".join(map(str, ids))})
    except errors.APIError as exc:
        if exc.retryable or len(ids) == 1 or exc.status not in REFUSED_ITEMS:
            return [BatchResult({"id": i}, error=exc) for i in ids]
        return [result for i in ids for result in _delete_chunk(bc, path, [i])]
    return [BatchResult({"id": i}) for i in ids]
