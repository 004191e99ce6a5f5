from collections import Counter

from integrations.bigcommerce.client import BigCommerceClient
from integrations.retry import RetryPolicy
from sandbox.salesforce.models import Org
from sandbox.salesforce.records import all_records
from sandbox.services import DEMO_ORG_NAME
from sync.models import SyncRun
from sync.pipeline import runner


def import_now(store, source, kind=SyncRun.Kind.FULL, **fields) -> SyncRun:
    """A run executed in this process, without back-off sleeps."""
    run = SyncRun.objects.create(store=store, source=source, kind=kind, status="running", **fields)
    return runner.execute(run, sleep=lambda seconds: None)


def bigcommerce(store) -> BigCommerceClient:
    return BigCommerceClient.for_store(store, retry=RetryPolicy(base_delay=0.01))


def sandbox_org():
    return Org.objects.get(name=DEMO_ORG_NAME)


def salesforce(object_name: str) -> list[dict]:
    return all_records(sandbox_org(), object_name)


def external_ids(object_name: str) -> Counter:
    return Counter(r.get("BigCommerce_ID__c") for r in salesforce(object_name))
