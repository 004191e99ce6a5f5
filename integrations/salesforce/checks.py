"""Test an org's connection: token, API limits, and the objects and fields the connector writes."""

from integrations import errors
from integrations.reports import ConnectionReport
from integrations.retry import RetryPolicy
from integrations.salesforce.client import SalesforceClient

OBJECTS = [
    "Account",
    "Contact",
    "Product2",
    "Pricebook2",
    "PricebookEntry",
    "Order",
    "OrderItem",
    "Opportunity",
    "OpportunityLineItem",
    "Case",
]


def check_org(org) -> ConnectionReport:
    client = SalesforceClient.for_org(org, retry=RetryPolicy(max_attempts=1))
    report = ConnectionReport()
    try:
        limits = client.limits()
    except errors.APIError as exc:
        report.add("Access token", False, str(exc))
        return report
    daily = limits.get("DailyApiRequests", {})
    report.add("Access token", True, f"instance {client.org.instance_url}")
    report.facts = {
        "daily_API_requests_allowed": daily.get("Max"),
        "daily_API_requests_remaining": daily.get("Remaining"),
    }
    for sobject in OBJECTS:
        report.add(f"Object: {sobject}", *_object_check(client, sobject))
    return report


def _object_check(client: SalesforceClient, sobject: str) -> tuple[bool, str]:
    try:
        described = client.describe(sobject)
    except errors.APIError as exc:
        return False, f"not available to the integration user ({exc.message})"
    missing = [perm for perm in ("createable", "updateable") if not described.get(perm)]
    if missing:
        return False, f"the integration user lacks {' and '.join(missing)} permission"
    external_ids = [f["name"] for f in described.get("fields", []) if f.get("externalId")]
    if not external_ids:
        return True, "no external ID field: records will be matched by rules, not upserted"
    return True, f"external ID fields: {', '.join(external_ids)}"
