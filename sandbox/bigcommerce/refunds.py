"""Refunds (v3 payment actions): creating one changes its order as the platform does."""

from decimal import Decimal

from django.db.models import QuerySet

from sandbox.bigcommerce import dates
from sandbox.bigcommerce.api import ApiError
from sandbox.bigcommerce.models import Order, Refund, SandboxStore
from sandbox.bigcommerce.order_writes import change_status
from sandbox.bigcommerce.reference import PARTIALLY_REFUNDED, REFUNDED
from sandbox.bigcommerce.services import allocate_ids, next_id
from sandbox.bigcommerce.validation import body_object, money, money_text
from sandbox.bigcommerce.webhooks import emit

AMOUNT_ITEM_TYPES = {"ORDER", "SHIPPING", "HANDLING", "TAX", "FEE"}


def render(refund: Refund) -> dict:
    body = refund.body
    return {
        "id": refund.bc_id,
        "order_id": refund.order.bc_id,
        "user_id": body.get("user_id", 0),
        "created": dates.v3(refund.created),
        "reason": body.get("reason", ""),
        "total_amount": body["total_amount"],
        "total_tax": body.get("total_tax", 0),
        "uses_merchant_override_values": body.get("uses_merchant_override_values", False),
        "payments": body["payments"],
        "items": body["items"],
    }


def refunds(store: SandboxStore) -> QuerySet:
    return Refund.objects.filter(store=store).select_related("order").order_by("bc_id")


def get_refund(store: SandboxStore, refund_id: int) -> Refund:
    refund = refunds(store).filter(bc_id=refund_id).first()
    if refund is None:
        raise ApiError(404, "The requested refund was not found.")
    return refund


def refundable(order: Order) -> Decimal:
    return money(order.body.get("total_inc_tax", 0)) - money(order.body.get("refunded_amount", 0))


def create_refund(order: Order, data) -> Refund:
    data = body_object(data)
    items, payments = data.get("items"), data.get("payments")
    if not isinstance(items, list) or not items or not isinstance(payments, list) or not payments:
        raise ApiError(
            422,
            "JSON data is missing or invalid",
            {"items": "error.path.missing", "payments": "error.path.missing"},
        )
    lines = {line.bc_id: line for line in order.products.all()}
    refund_items = [_refund_item(item, lines, n) for n, item in enumerate(items)]
    total = sum((_payment_amount(p, n) for n, p in enumerate(payments)), Decimal(0))
    if total <= 0 or total > refundable(order):
        raise ApiError(
            422,
            "The refund amount is more than the order can refund.",
            {"payments": f"at most {refundable(order)}"},
        )
    refund = _save(order, data, refund_items, payments, total)
    emit(
        order.store,
        "store/order/refund/created",
        {"type": "order", "id": order.bc_id, "refund": {"refund_id": refund.bc_id}},
    )
    _apply_to_order(order, refund_items, lines, total)  # then the order's own events
    return refund


def _refund_item(item, lines: dict, position: int) -> dict:
    if not isinstance(item, dict) or not item.get("item_type"):
        raise ApiError(
            422, "JSON data is missing or invalid", {f"items.{position}": "error.type.object"}
        )
    kind = item["item_type"]
    if kind == "PRODUCT":
        line = lines.get(item.get("item_id"))
        quantity = item.get("quantity")
        if line is None or not isinstance(quantity, int) or quantity < 1:
            raise ApiError(
                422,
                "The refund names an unknown order product or no quantity.",
                {f"items.{position}": "invalid"},
            )
        left = line.body.get("quantity", 1) - line.body.get("quantity_refunded", 0)
        if quantity > left:
            raise ApiError(
                422,
                f"Only {left} of order product {line.bc_id} can be refunded.",
                {f"items.{position}.quantity": "too many"},
            )
        # Quantity refunds carry `requested_amount: null` (the spec's own example does).
        return {
            "item_type": kind,
            "item_id": line.bc_id,
            "quantity": quantity,
            "requested_amount": None,
        }
    if kind in AMOUNT_ITEM_TYPES:
        try:
            amount = float(money(item.get("amount")))
        except ValueError:
            raise ApiError(
                422,
                "An amount refund needs an amount.",
                {f"items.{position}.amount": "error.path.missing"},
            ) from None
        return {
            "item_type": kind,
            "item_id": item.get("item_id", 0),
            "quantity": 0,
            "requested_amount": amount,
        }
    raise ApiError(
        422, "JSON data is missing or invalid", {f"items.{position}.item_type": "error.enum"}
    )


def _payment_amount(payment, position: int) -> Decimal:
    try:
        return money(payment["amount"])
    except (TypeError, KeyError, ValueError):
        raise ApiError(
            422,
            "Each payment needs an amount.",
            {f"payments.{position}.amount": "error.path.missing"},
        ) from None


def _save(
    order: Order, data: dict, items: list[dict], payments: list[dict], total: Decimal
) -> Refund:
    store = order.store
    payment_ids = allocate_ids(store, "refund_payment", len(payments))
    body = {
        "user_id": 0,
        "reason": str(data.get("reason") or ""),
        "total_amount": float(total),
        "total_tax": 0,
        "uses_merchant_override_values": bool(data.get("merchant_calculated_override")),
        "payments": [
            {
                "id": payment_id,
                "provider_id": str(payment.get("provider_id") or "storecredit"),
                "amount": float(money(payment["amount"])),
                "offline": bool(payment.get("offline", True)),
                "is_declined": False,
                "declined_message": "",
            }
            for payment_id, payment in zip(payment_ids, payments, strict=True)
        ],
        "items": items,
    }
    return Refund.objects.create(
        store=store, order=order, bc_id=next_id(store, "refund"), created=dates.now(), body=body
    )


def _apply_to_order(order: Order, items: list[dict], lines: dict, total: Decimal) -> None:
    for item in items:
        if item["item_type"] != "PRODUCT":
            continue
        line = lines[item["item_id"]]
        refunded = line.body.get("quantity_refunded", 0) + item["quantity"]
        line.body["quantity_refunded"] = refunded
        line.body["is_refunded"] = refunded >= line.body.get("quantity", 1)
        price = money(line.body.get("price_inc_tax", 0))
        line.body["refund_amount"] = money_text(
            money(line.body.get("refund_amount", 0)) + price * item["quantity"]
        )
        line.save(update_fields=["body"])
    order.body["refunded_amount"] = money_text(money(order.body.get("refunded_amount", 0)) + total)
    change_status(order, REFUNDED if refundable(order) <= 0 else PARTIALLY_REFUNDED)
