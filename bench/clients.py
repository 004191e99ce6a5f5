"""How many API calls the clients spend, against the floor, through the emulators.

    python bench/clients.py [--records 10000]

Reads N BigCommerce customers (v3, cursor paging at the maximum page size) and upserts N
Salesforce Contacts by external ID (sObject Collections of 200, then Bulk API 2.0), all over
real HTTP. Prints the calls made against the floor (ceil(N/250) reads, ceil(N/200) writes),
the wall time and the records per second.
"""

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    harness.setup_django()
    base_url = harness.serve()
    read_bigcommerce(base_url, args.records)
    for label, threshold in (("sObject Collections", args.records + 1), ("Bulk API 2.0", 1)):
        upsert_salesforce(base_url, args.records, label, threshold)


def read_bigcommerce(base_url: str, count: int) -> None:
    from integrations.bigcommerce.client import BigCommerceClient
    from integrations.recording import recording
    from sandbox.bigcommerce.demo import generate_demo_data
    from sandbox.bigcommerce.services import provision_store
    from stores.models import Store

    sandbox = provision_store("benchclients", "bench-token")
    generate_demo_data(sandbox, customers=count, products=5, orders=0, seed=3)
    store = Store.objects.create(
        name="Bench store",
        store_hash="benchclients",
        access_token="bench-token",
        api_base_url=f"{base_url}/sandbox/bigcommerce",
    )
    client = BigCommerceClient.for_store(store)
    started = time.perf_counter()
    with recording() as calls:
        customers = sum(1 for _ in client.iter_v3("v3/customers", {"include": "addresses"}))
    report(
        "BigCommerce read, v3 customers",
        customers,
        len(calls),
        math.ceil(count / 250),
        time.perf_counter() - started,
    )


def upsert_salesforce(base_url: str, count: int, label: str, bulk_threshold: int) -> None:
    from integrations.recording import recording
    from integrations.salesforce import auth
    from integrations.salesforce.client import SalesforceClient
    from sandbox.salesforce.services import provision_org
    from stores.models import AuthFlow, SalesforceOrg

    credentials = provision_org(name=f"Bench org {label}")
    org = SalesforceOrg.objects.create(
        name=f"Bench org {label}",
        login_url=base_url,
        auth_flow=AuthFlow.JWT_BEARER,
        client_id=credentials.client_id,
        username=credentials.username,
        private_key=credentials.private_key_pem,
    )
    org = auth.renew_token(org)
    client = SalesforceClient.for_org(org, bulk_threshold=bulk_threshold)
    records = [
        {
            "BigCommerce_ID__c": f"bench:{n}",
            "LastName": f"Contact {n}",
            "Email": f"contact{n}@example.com",
        }
        for n in range(count)
    ]
    started = time.perf_counter()
    with recording() as calls:
        results = client.upsert_many("Contact", "BigCommerce_ID__c", records)
    failed = sum(1 for r in results if not r.ok)
    if failed:
        raise SystemExit(f"{failed} records failed: {results[0].error}")
    report(
        f"Salesforce upsert, Contacts ({label})",
        count,
        len(calls),
        math.ceil(count / 200),
        time.perf_counter() - started,
    )


def report(what: str, records: int, calls: int, floor: int, seconds: float) -> None:
    print(
        f"{what:<48} {records:>7,} records  {calls:>4} calls  floor {floor:>4}  "
        f"{seconds:6.1f} s  {records / seconds:8,.0f} records/s"
    )


if __name__ == "__main__":
    main()
