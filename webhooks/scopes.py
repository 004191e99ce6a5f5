"""Which BigCommerce webhook scopes feed which source object, and where their record id is.

Payloads are light (FACTS.md §6): `data` names the record that changed, not its values. A
change of a part of a record (an address, a variant, a metafield, stock) is an update of the
record it belongs to, so it points at that record's id: `data.address.customer_id`,
`data.sku.product_id`, `data.resource_id`. A refund's record is the refund itself
(`data.refund.refund_id`); `data.id` is its order.
"""

from dataclasses import dataclass

from mappings.models import SourceObject

UPSERT, DELETE = "upsert", "delete"


@dataclass(frozen=True)
class Route:
    source: str
    action: str = UPSERT
    id_path: tuple[str, ...] = ("id",)

    def record_id(self, data: dict) -> str:
        value = data
        for key in self.id_path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, bool) or not isinstance(value, int | str) or str(value) in ("", "0"):
            return ""
        return str(value)


def _family(source: str, prefix: str, *, deleted=DELETE, metafields: bool = True) -> dict:
    routes = {
        f"{prefix}/created": Route(source),
        f"{prefix}/updated": Route(source),
        f"{prefix}/deleted": Route(source, deleted),
    }
    if metafields:
        resource = ("resource_id",)
        for action in ("created", "updated", "deleted"):
            routes[f"{prefix}/metafield/{action}"] = Route(source, UPSERT, resource)
    return routes


def _parts(source: str, prefix: str, id_path: tuple[str, ...], actions) -> dict:
    return {f"{prefix}/{action}": Route(source, UPSERT, id_path) for action in actions}


CUSTOMER, CATEGORY, PRODUCT = SourceObject.CUSTOMER, SourceObject.CATEGORY, SourceObject.PRODUCT
ORDER, REFUND = SourceObject.ORDER, SourceObject.REFUND
CHANGES = ("created", "updated", "deleted")

ROUTES: dict[str, Route] = {
    **_family(CUSTOMER, "store/customer", metafields=False),
    **_parts(CUSTOMER, "store/customer/address", ("address", "customer_id"), CHANGES),
    **_family(CATEGORY, "store/category"),
    **_family(PRODUCT, "store/product"),
    **_parts(PRODUCT, "store/product/inventory", ("id",), ("updated", "order/updated")),
    # A deleted variant changes its product; it does not delete it.
    **_parts(PRODUCT, "store/sku", ("sku", "product_id"), CHANGES),
    "store/order/created": Route(ORDER),
    "store/order/updated": Route(ORDER),
    # Archiving is how an order is deleted in BigCommerce (DELETE /v2/orders/{id}).
    "store/order/archived": Route(ORDER, DELETE),
    **_parts(ORDER, "store/order/metafield", ("resource_id",), CHANGES),
    "store/order/refund/created": Route(REFUND, UPSERT, ("refund", "refund_id")),
}


def route_for(scope: str) -> Route | None:
    return ROUTES.get(scope)


def scopes_for(sources) -> list[str]:
    """The scopes to subscribe to for these source objects, in a stable order."""
    wanted = set(sources)
    return sorted(scope for scope, route in ROUTES.items() if route.source in wanted)
