"""A BigCommerce record's name as people know it, kept on its identity links for the record lists:
a customer's name and email, a product's name and SKU, an order's number and buyer."""

MAX_LENGTH = 255


def label(source: str, record: dict | None) -> str:
    """The name of a record of `source` (a SourceObject value), or "" when it has none."""
    if not record:
        return ""
    text = LABELLERS.get(source, _nothing)(record)
    return " ".join(text.split())[:MAX_LENGTH]


def _person(first, last, email) -> str:
    name = " ".join(str(part) for part in (first, last) if part)
    if name and email:
        return f"{name} ({email})"
    return name or str(email or "")


def _customer(record: dict) -> str:
    return _person(record.get("first_name"), record.get("last_name"), record.get("email"))


def _billing(order: dict) -> dict:
    return order.get("billing_address") or {}


def _guest(order: dict) -> str:
    billing = _billing(order)
    return _person(billing.get("first_name"), billing.get("last_name"), billing.get("email"))


def _category(record: dict) -> str:
    return str(record.get("name") or "")


def _product(record: dict) -> str:
    name, sku = record.get("name"), record.get("sku")
    if name and sku:
        return f"{name} ({sku})"
    return str(name or sku or "")


def _order(order: dict) -> str:
    billing = _billing(order)
    buyer = " ".join(str(p) for p in (billing.get("first_name"), billing.get("last_name")) if p)
    number = f"Order #{order['id']}" if order.get("id") is not None else ""
    return " · ".join(part for part in (number, buyer) if part)


def _refund(refund: dict) -> str:
    order = refund.get("order_id")
    return f"Refund of order #{order}" if order else ""


def _nothing(record: dict) -> str:
    return ""


LABELLERS = {
    "customer": _customer,
    "guest": _guest,
    "category": _category,
    "product": _product,
    "order": _order,
    "refund": _refund,
}
