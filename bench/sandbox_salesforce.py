"""Benchmark of the Salesforce emulator over real HTTP.

    python bench/sandbox_salesforce.py                  # in-process server, temporary database
    python bench/sandbox_salesforce.py --base-url http://127.0.0.1:8000 \\
        --client-id ... --client-secret ...             # a running server, an existing org

It loads a few thousand Accounts through sObject Collections, then times a 200-record
Collections upsert (by external ID) and the query pages of 2,000 records, and prints the
minimum, median and 95th percentile in milliseconds. In-process, it uses a temporary SQLite
database and var directory, so it never touches a developer's data.
"""

import argparse
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness

API_VERSION = "62.0"
EXTERNAL_ID = "BigCommerce_ID__c"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="a running server; default: start one in-process")
    parser.add_argument("--client-id", help="consumer key of an org of that server")
    parser.add_argument("--client-secret", help="consumer secret of that org")
    parser.add_argument("--records", type=int, default=4000, help="Accounts to load first")
    parser.add_argument("--repeat", type=int, default=20, help="timed repetitions of each call")
    args = parser.parse_args()
    if args.base_url and not (args.client_id and args.client_secret):
        parser.error("--base-url needs --client-id and --client-secret")
    return args


def start_in_process() -> tuple[str, str, str]:
    """Serve the app in-process on a temporary database; returns (url, key, secret)."""
    harness.setup_django()
    from sandbox.salesforce.services import provision_org

    credentials = provision_org(name="Benchmark org")
    return harness.serve(), credentials.client_id, credentials.client_secret


def token(base_url: str, client_id: str, client_secret: str) -> str:
    response = requests.post(
        f"{base_url}/services/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, client_secret),
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access_token"]


def upsert_batch(http, data_url: str, start: int, run: int):
    records = [
        {
            "attributes": {"type": "Account"},
            EXTERNAL_ID: f"bench:{number}",
            "Name": f"Account {number} run {run}",
            "BillingCity": "Lisbon",
        }
        for number in range(start, start + 200)
    ]
    response = http.patch(
        f"{data_url}/composite/sobjects/Account/{EXTERNAL_ID}",
        json={"allOrNone": False, "records": records},
        timeout=60,
    )
    response.raise_for_status()
    failed = [item for item in response.json() if not item["success"]]
    if failed:
        raise SystemExit(f"upsert failed: {failed[:3]}")


def load(http, data_url: str, count: int) -> None:
    for start in range(0, count, 200):
        upsert_batch(http, data_url, start, run=0)


def query_pages(http, base_url: str, data_url: str) -> tuple[float, float]:
    soql = f"SELECT Id, Name, {EXTERNAL_ID}, BillingCity, LastModifiedDate FROM Account"
    started = time.perf_counter()
    first = http.get(f"{data_url}/query/", params={"q": soql}, timeout=60)
    first_ms = (time.perf_counter() - started) * 1000
    first.raise_for_status()
    page = first.json()
    if len(page["records"]) != 2000 or page["done"]:
        raise SystemExit("the first page should hold 2,000 records and more to come")
    next_ms = harness.timed(
        lambda: http.get(f"{base_url}{page['nextRecordsUrl']}", timeout=60).raise_for_status()
    )
    return first_ms, next_ms


def main() -> None:
    args = parse_args()
    if args.base_url:
        base_url, client_id, client_secret = (
            args.base_url.rstrip("/"),
            args.client_id,
            args.client_secret,
        )
    else:
        base_url, client_id, client_secret = start_in_process()
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token(base_url, client_id, client_secret)}"
    data_url = f"{base_url}/services/data/v{API_VERSION}"
    records = max(args.records, 2200)
    print(f"Loading {records} Accounts into {base_url} ...")
    load(http, data_url, records)
    upserts, first_pages, next_pages = [], [], []
    for run in range(1, args.repeat + 1):
        start = (run * 200) % (records - 200)
        upserts.append(
            harness.timed(lambda start=start, run=run: upsert_batch(http, data_url, start, run))
        )
        first_ms, next_ms = query_pages(http, base_url, data_url)
        first_pages.append(first_ms)
        next_pages.append(next_ms)
    print(harness.summary("Collections upsert, 200 records (updates)", upserts))
    print(harness.summary(f"Query, first page of 2,000 (of {records})", first_pages))
    print(harness.summary("Query, nextRecordsUrl page of 2,000", next_pages))


if __name__ == "__main__":
    main()
