"""Benchmark of the BigCommerce emulator: bulk demo data, and order pages over real HTTP.

    python bench/sandbox_bigcommerce.py [--orders 100000] [--repeat 5]

Generates a store of N orders (with customers, products, line items, addresses, refunds),
then times a v2 page of 250 orders with their line items (`include=consignments.line_items`,
`min_date_modified`, `sort=date_modified:asc`) at the first, middle and last page. Prints
generation time and per-page min/median/p95 in milliseconds (until the answer's headers).
BENCH_DATABASE_URL runs it on PostgreSQL.
"""

import argparse
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import harness

TOKEN = "bench-token"
PAGE = {
    "min_date_modified": "Mon, 01 Jul 2024 00:00:00 +0000",
    "sort": "date_modified:asc",
    "include": "consignments.line_items",
    "consignment_structure": "object",
    "limit": 250,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    harness.setup_django()
    from django.db import connection

    from sandbox.bigcommerce.demo import generate_demo_data
    from sandbox.bigcommerce.services import provision_store

    store = provision_store("bench", TOKEN)
    started = time.perf_counter()
    counts = generate_demo_data(store, customers=2000, products=200, orders=args.orders, seed=11)
    generation = time.perf_counter() - started
    print(f"Database: {connection.vendor}")
    print(
        f"Generated {counts['orders']:,} orders, {counts['order_products']:,} line items "
        f"and {counts['refunds']:,} refunds in {generation:.1f} s "
        f"({counts['orders'] / generation:,.0f} orders/s)"
    )

    base = f"{harness.serve()}/sandbox/bigcommerce/stores/bench/v2/orders"
    http = requests.Session()
    http.headers["X-Auth-Token"] = TOKEN
    last = -(-args.orders // 250)
    for page in sorted({1, max(1, last // 2), last}):
        samples = [_page_ms(http, base, page) for _ in range(args.repeat)]
        print(harness.summary(f"v2 orders page {page} of {last} (250, with lines)", samples))


def _page_ms(http: requests.Session, url: str, page: int) -> float:
    response = http.get(url, params={**PAGE, "page": page}, timeout=60)
    response.raise_for_status()
    return response.elapsed.total_seconds() * 1000


if __name__ == "__main__":
    main()
