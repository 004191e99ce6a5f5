"""Links keep the name of their BigCommerce record, as the pipeline last read it."""

import pytest

from sync.models import IdentityLink
from tests.sync.conftest import bigcommerce, import_now

pytestmark = pytest.mark.django_db(transaction=True)


def labels(source_type: str, target_object: str) -> dict[str, str]:
    links = IdentityLink.objects.filter(source_type=source_type, target_object=target_object)
    return dict(links.values_list("source_id", "label"))


def test_imported_records_are_named_on_their_links(demo):
    for source in ("customer", "category", "product", "order", "refund"):
        assert import_now(demo.store, source).failed == 0, source
    bc = bigcommerce(demo.store)

    customer = bc.get("v3/customers", limit=1)["data"][0]
    name = f"{customer['first_name']} {customer['last_name']} ({customer['email']})"
    assert labels("customer", "Contact")[str(customer["id"])] == name
    assert labels("customer", "Account")[str(customer["id"])] == name
    product = bc.get("v3/catalog/products", limit=1)["data"][0]
    assert (
        labels("product", "Product2")[str(product["id"])] == f"{product['name']} ({product['sku']})"
    )
    category = bc.get("v3/catalog/trees/categories", limit=1)["data"][0]
    assert (
        labels("category", "BigCommerce_Category__c")[str(category["category_id"])]
        == category["name"]
    )
    order = bc.get("v2/orders", limit=1)[0]
    buyer = f"{order['billing_address']['first_name']} {order['billing_address']['last_name']}"
    assert labels("order", "Order")[str(order["id"])] == f"Order #{order['id']} · {buyer}"
    refunds = labels("refund", "Case")
    assert refunds and all(label.startswith("Refund of order #") for label in refunds.values())
    assert set(labels("order_item", "OrderItem").values()) == {""}  # lines are not listed


def test_a_second_import_keeps_the_names(demo):
    import_now(demo.store, "customer")
    before = labels("customer", "Contact")
    import_now(demo.store, "customer")  # unchanged: nothing written, names stay
    assert labels("customer", "Contact") == before
    assert all(before.values())
