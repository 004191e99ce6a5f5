"""Test a store's connection: the token, the store's information, and each scope we need."""

from integrations import errors
from integrations.bigcommerce.client import BigCommerceClient
from integrations.reports import ConnectionReport
from integrations.retry import RetryPolicy

# scope (as named in the BigCommerce control panel) -> a cheap read that needs it
SCOPE_PROBES = {
    "Orders": "v2/orders",
    "Customers": "v3/customers",
    "Products": "v3/catalog/products",
    "Order transactions (refunds)": "v3/orders/payment_actions/refunds",
    "Webhooks": "v3/hooks",
}


def check_store(store) -> ConnectionReport:
    client = BigCommerceClient.for_store(
        store, retry=RetryPolicy(max_attempts=1, max_rate_limit_wait=10)
    )
    report = ConnectionReport()
    try:
        info = client.get("v2/store")
    except errors.APIError as exc:
        report.add("Access token and store information", False, str(exc))
        return report
    report.add("Access token and store information", True, info.get("name", ""))
    report.facts = {
        k: info.get(k)
        for k in ("name", "domain", "secure_url", "currency", "plan_name")
        if info.get(k)
    }
    time_zone = info.get("timezone")
    if isinstance(time_zone, dict) and time_zone.get("name"):
        report.facts["time_zone"] = time_zone["name"]
    for scope, path in SCOPE_PROBES.items():
        report.add(f"Scope: {scope}", *_probe(client, path))
    return report


def _probe(client: BigCommerceClient, path: str) -> tuple[bool, str]:
    try:
        client.get(path, limit=1)
    except errors.AuthError:
        return False, "not granted to this API account"
    except errors.APIError as exc:
        return False, str(exc)
    return True, "read access granted"
