"""A big store: bulk demo generation, and every order reachable page by page with its lines.

How fast this is belongs to bench/sandbox_bigcommerce.py; here only what it returns is checked.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sandbox.bigcommerce.demo import generate_demo_data
from tests.sandbox.bigcommerce.conftest import TOKEN

ORDERS = 2600
PAGE = {
    "min_date_modified": "Mon, 01 Jul 2024 00:00:00 +0000",
    "sort": "date_modified:asc",
    "include": "consignments.line_items",
    "consignment_structure": "object",
    "limit": 250,
}


def test_a_big_store_serves_every_order_with_its_lines_page_by_page(api, bc_store):
    counts = generate_demo_data(bc_store, customers=200, products=40, orders=ORDERS, seed=11)
    assert counts["orders"] == ORDERS and counts["order_products"] > ORDERS
    seen = []
    page = 1
    while True:
        response = api.get("v2/orders", params={**PAGE, "page": page})
        if response.status_code == 204:
            break
        orders = response.json()
        assert all(o["consignments"]["shipping"][0]["line_items"] for o in orders)
        dates = [o["date_modified"] for o in orders]
        seen.extend(o["id"] for o in orders)
        page += 1
    assert len(seen) == len(set(seen)) == ORDERS
    assert dates  # the last page was not empty


def test_the_order_page_is_found_on_an_index_alone(bc_store):
    if connection.vendor != "sqlite":
        pytest.skip("the plan is read from SQLite's EXPLAIN QUERY PLAN")
    generate_demo_data(bc_store, customers=5, products=3, orders=300, seed=2)
    client = Client(HTTP_X_AUTH_TOKEN=TOKEN)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            f"/sandbox/bigcommerce/stores/{bc_store.store_hash}/v2/orders", {**PAGE, "page": 2}
        )
    assert response.status_code == 200
    paging = next(
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "sandbox_bigcommerce_order"."id" AS "pk"')
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {paging}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "COVERING INDEX" in plan, plan
