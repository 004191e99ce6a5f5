"""The daily API request allocation of each org, the Sforce-Limit-Info header and /limits/.

Salesforce counts requests over a rolling 24 hours; the emulator counts them per UTC day.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sandbox.salesforce.errors import ApiError
from sandbox.salesforce.models import BulkJob, Org

DAILY_BULK_BATCHES = 15_000
# Allocations the emulator reports but never consumes (Developer Edition sizes).
UNUSED_ALLOCATIONS = {
    "ConcurrentAsyncGetReportInstances": 200,
    "ConcurrentSyncReportRuns": 20,
    "DailyAsyncApexExecutions": 250_000,
    "DailyDurableGenericStreamingApiEvents": 10_000,
    "DailyDurableStreamingApiEvents": 10_000,
    "DailyGenericStreamingApiEvents": 10_000,
    "DailyStreamingApiEvents": 10_000,
    "DailyWorkflowEmails": 390,
    "DataStorageMB": 5,
    "DurableStreamingApiConcurrentClients": 20,
    "FileStorageMB": 20,
    "HourlyAsyncReportRuns": 1_200,
    "HourlyDashboardRefreshes": 200,
    "HourlyDashboardResults": 5_000,
    "HourlyDashboardStatuses": 999_999_999,
    "HourlyODataCallout": 10_000,
    "HourlySyncReportRuns": 500,
    "HourlyTimeBasedWorkflow": 50,
    "MassEmail": 10,
    "SingleEmail": 15,
    "StreamingApiConcurrentClients": 20,
}


@dataclass(frozen=True)
class Usage:
    used: int
    limit: int

    @property
    def header(self) -> str:
        return f"api-usage={self.used}/{self.limit}"


class LimitExceeded(ApiError):
    def __init__(self, usage: Usage):
        super().__init__(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        self.usage = usage


def _today():
    return timezone.now().date()


def spend_call(org: Org) -> Usage:
    """Count one API request of the org; raises LimitExceeded when the day's allocation is spent."""
    today = _today()
    with transaction.atomic():
        Org.objects.filter(pk=org.pk).exclude(api_usage_day=today).update(
            api_usage_day=today, api_usage_count=0
        )
        spent = Org.objects.filter(pk=org.pk, api_usage_count__lt=F("daily_api_limit")).update(
            api_usage_count=F("api_usage_count") + 1
        )
        used, limit = Org.objects.values_list("api_usage_count", "daily_api_limit").get(pk=org.pk)
    usage = Usage(used, limit)
    if not spent:
        raise LimitExceeded(usage)
    return usage


def current_usage(org: Org) -> Usage:
    used, limit, day = Org.objects.values_list(
        "api_usage_count", "daily_api_limit", "api_usage_day"
    ).get(pk=org.pk)
    return Usage(used if day == _today() else 0, limit)


def limits_body(org: Org) -> dict:
    usage = current_usage(org)
    bulk_today = BulkJob.objects.filter(org=org, created_at__date=_today()).count()
    body = {name: {"Max": most, "Remaining": most} for name, most in UNUSED_ALLOCATIONS.items()}
    body["DailyApiRequests"] = {"Max": usage.limit, "Remaining": max(0, usage.limit - usage.used)}
    body["DailyBulkApiRequests"] = {
        "Max": DAILY_BULK_BATCHES,
        "Remaining": max(0, DAILY_BULK_BATCHES - bulk_today),
    }
    return dict(sorted(body.items()))


def set_daily_limit(org: Org, limit: int) -> None:
    Org.objects.filter(pk=org.pk).update(daily_api_limit=limit)
    org.daily_api_limit = limit
