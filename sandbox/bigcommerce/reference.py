"""Fixed reference data of the platform: order statuses and the countries the emulator knows."""

# id: (name, description, display order), as GET /v2/order_statuses lists them.
ORDER_STATUSES = {
    0: (
        "Incomplete",
        "An incomplete order happens when a shopper reached the payment page, but did not "
        "complete the transaction.",
        0,
    ),
    1: ("Pending", "Customer started the checkout process, but did not complete it.", 1),
    2: (
        "Shipped",
        "Order has been shipped, but receipt has not been confirmed; seller has used the Ship "
        "Items action.",
        8,
    ),
    3: (
        "Partially Shipped",
        "Only some items in the order have been shipped, due to some products being pre-order "
        "only or other reasons.",
        6,
    ),
    4: ("Refunded", "Seller has used the Refund action.", 11),
    5: (
        "Cancelled",
        "Seller has cancelled an order, due to a stock inconsistency or other reasons.",
        9,
    ),
    6: (
        "Declined",
        "Seller has marked the order as declined for lack of manual payment, or other reasons.",
        10,
    ),
    7: (
        "Awaiting Payment",
        "Customer has completed checkout process, but payment has yet to be confirmed.",
        2,
    ),
    8: (
        "Awaiting Pickup",
        "Order has been pulled, and is awaiting customer pickup from a seller-specified location.",
        5,
    ),
    9: (
        "Awaiting Shipment",
        "Order has been pulled and packaged, and is awaiting collection from a shipping provider.",
        4,
    ),
    10: (
        "Completed",
        "Client has paid for their digital product and their file(s) are available for download.",
        7,
    ),
    11: (
        "Awaiting Fulfillment",
        "Customer has completed the checkout process and payment has been confirmed.",
        3,
    ),
    12: (
        "Manual Verification Required",
        "Order is on hold while some aspect needs to be manually confirmed.",
        13,
    ),
    13: (
        "Disputed",
        "Customer has initiated a dispute resolution process for the PayPal transaction that paid "
        "for the order.",
        12,
    ),
    14: ("Partially Refunded", "Seller has partially refunded the order.", 14),
}

REFUNDED, PARTIALLY_REFUNDED, SHIPPED = 4, 14, 2
SHIPPED_STATUSES = {2, 10}

# What the payment of an order in each status looks like (payment_status).
PAYMENT_STATUS = {
    0: "",
    1: "pending",
    2: "captured",
    3: "captured",
    4: "refunded",
    5: "void",
    6: "declined",
    7: "pending",
    8: "captured",
    9: "captured",
    10: "captured",
    11: "captured",
    12: "held for review",
    13: "captured",
    14: "partially refunded",
}

COUNTRIES = {
    "US": "United States",
    "CA": "Canada",
    "GB": "United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "AU": "Australia",
    "NL": "Netherlands",
    "IE": "Ireland",
}


def status_name(status_id: int) -> str:
    return ORDER_STATUSES[status_id][0]


def country_name(code: str) -> str:
    return COUNTRIES.get(code.upper(), code.upper())


def render_status(status_id: int) -> dict:
    name, description, order = ORDER_STATUSES[status_id]
    return {
        "id": status_id,
        "name": name,
        "system_label": name,
        "custom_label": name,
        "system_description": description,
        "order": order,
    }
