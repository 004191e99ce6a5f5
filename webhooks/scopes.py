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
# Record ids are positive integers; the largest a signed 64-bit column holds.
MAX_RECORD_ID = 2**63 - 1


class BadRecordId(ValueError):
    """The payload has a record id that is not a positive integer."""


@dataclass(frozen=True)
class Route:
    source: str
    action: str = UPSERT
    id_path: tuple[str, ...] = ("id",)

    @property
    def id_field(self) -> str:
        return ".".join(("data", *self.id_path))

    def record_id(self, data: dict) -> str:
        """The record's id in decimal digits; "" when the payload has none. BadRecordId when
        it has one that is not a positive integer (or a part on the way is not an object)."""
        value = data
        for key in self.id_path:
            if not isinstance(value, dict):
                raise BadRecordId(f"{self.id_field} is not a positive integer.")
            if key not in value:
                return ""
            value = value[key]
        record_id = canonical_id(value)
        if record_id is None:
            raise BadRecordId(f"{self.id_field} is not a positive integer.")
        return record_id


def canonical_id(value) -> str | None:
    """A positive integer id (a JSON number or a string of ASCII digits) as decimal digits,
    or None for anything else: other types, signs, spaces, other digits, out of range."""
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit()):
            return None
        value = value.lstrip("0")
        if len(value) > len(str(MAX_RECORD_ID)):
            return None
        value = int(value or "0")
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return str(value) if 0 < value <= MAX_RECORD_ID else None


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
    # Sent with store/order/updated on a status change; data.status holds the two status ids.
    "store/order/statusUpdated": Route(ORDER),
    # Archiving is how an order is deleted in BigCommerce (DELETE /v2/orders/{id}).
    "store/order/archived": Route(ORDER, DELETE),
    **_parts(ORDER, "store/order/metafield", ("resource_id",), CHANGES),
    "store/order/refund/created": Route(REFUND, UPSERT, ("refund", "refund_id")),
}


# The source objects that events point at.
SOURCES = frozenset(route.source for route in ROUTES.values())


def route_for(scope: str) -> Route | None:
    return ROUTES.get(scope)


def scopes_for(sources) -> list[str]:
    """The scopes to subscribe to for these source objects, in a stable order."""
    wanted = set(sources)
    return sorted(scope for scope, route in ROUTES.items() if route.source in wanted)
