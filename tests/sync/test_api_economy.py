"""API calls of runs against the demo store and org, over real HTTP: what a run reads and asks."""

import pytest

from integrations.recording import recording
from sandbox.bigcommerce.models import Order as SandboxOrder
from sync.models import SyncRun
from sync.pipeline import runner
from tests.sync.conftest import bigcommerce, import_now, salesforce

pytestmark = pytest.mark.django_db(transaction=True)

PROBE = "+%3D+null+LIMIT+1"  # `WHERE <external id> = null LIMIT 1`, as the query URL has it


def gets(calls, path: str, *, without: str = "") -> list:
    """The BigCommerce GETs of `path` (before its query), leaving out those naming `without`."""
    return [
        call
        for call in calls
        if call.system == "BigCommerce"
        and call.method == "GET"
        and call.path.split("?")[0].endswith(path)
        and not (without and without in call.path)
    ]


def probes(calls) -> list:
    return [call for call in calls if call.system == "Salesforce" and PROBE in call.path]


def test_a_full_import_of_customers_reads_their_one_page_and_counts_from_it(demo):
    with recording() as calls:
        run = import_now(demo.store, "customer")
    assert run.status == "succeeded" and run.created == 25
    assert len(gets(calls, "/v3/customers")) == 1  # no count call beside the page
    assert run.expected == 25 and run.seen == 25


def test_a_full_import_of_60_orders_reads_them_in_one_call(demo):
    """v2 orders carry no total: the run shows progress without one rather than pay a count
    call each time (an empty page costs one call only when the total is a multiple of 250)."""
    with recording() as calls:
        run = import_now(demo.store, "order")
    assert run.status == "succeeded" and run.created == 60
    assert not gets(calls, "/v2/orders/count")
    assert len(gets(calls, "/v2/orders", without="customer_id")) == 1
    assert run.expected is None and run.seen == 60


def test_refunds_after_their_orders_in_one_chain_read_no_order(demo):
    refunds = SyncRun.objects.create(store=demo.store, source="refund", kind="full")
    import_now(demo.store, "order", next_run=refunds)
    refunds.status = "running"
    refunds.save()
    with recording() as calls:
        run = runner.execute(refunds, sleep=lambda seconds: None)
    assert run.status == "succeeded" and run.created > 0
    assert not gets(calls, "/v2/orders")
    assert run.bigcommerce_calls == 1  # the page of refunds
    assert {case["ContactId"] for case in salesforce("Case")} <= {
        contact["Id"] for contact in salesforce("Contact")
    }


def test_refunds_on_their_own_read_their_orders(demo):
    with recording() as calls:
        run = import_now(demo.store, "refund")
    assert run.status == "succeeded" and run.created > 0
    assert gets(calls, "/v2/orders")


def test_a_second_import_makes_no_matching_probe(demo):
    with recording() as first:
        import_now(demo.store, "customer")
    assert {call.path.split("/query")[0] for call in probes(first)}  # asked once per sObject
    assert len(probes(first)) == 2  # Account and Contact
    bigcommerce(demo.store).call(
        "POST",
        "v3/customers",
        json=[{"first_name": "New", "last_name": "Buyer", "email": "new.buyer@example.com"}],
    )
    with recording() as second:
        run = import_now(demo.store, "customer")
    assert run.created == 1
    assert probes(second) == []


def test_objects_without_matching_rules_make_no_probe(demo):
    import_now(demo.store, "customer")
    import_now(demo.store, "product")
    with recording() as calls:
        run = import_now(demo.store, "order")
    assert run.created == 60
    assert not [call for call in probes(calls) if "FROM+Order+" in call.path]


def test_an_activated_order_whose_items_did_not_change_gets_its_status_in_its_update(demo):
    import_now(demo.store, "order")
    order = next(o for o in salesforce("Order") if o["Status"] == "Draft")
    order_id = order["BigCommerce_ID__c"].split(":")[1]
    bigcommerce(demo.store).call("PUT", f"v2/orders/{order_id}", json={"status_id": 10})
    with recording() as calls:
        again = import_now(demo.store, "order")
    assert again.updated == 1
    writes = [c for c in calls if c.system == "Salesforce" and c.method in ("PATCH", "POST")]
    assert len(writes) == 1  # the upsert of the Order carries its status
    updated = next(o for o in salesforce("Order") if o["Id"] == order["Id"])
    assert updated["Status"] == "Activated"


def test_a_run_counts_the_read_that_found_nothing_more(demo):
    """The empty answer that ends a read (no order at all here; after a last page of exactly
    250 orders too) is one of the run's calls."""
    SandboxOrder.objects.filter(store__store_hash=demo.store.store_hash).update(is_deleted=True)
    with recording() as calls:
        run = import_now(demo.store, "order")
    assert run.status == "succeeded" and run.seen == 0
    assert len(gets(calls, "/v2/orders")) == 1
    assert run.bigcommerce_calls == 1
