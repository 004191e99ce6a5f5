"""Every emulator answer for the covered endpoints validates against the official OpenAPI specs."""

import re

import pytest

from tests.sandbox.bigcommerce.spec import reference_available, validate

RFC_2822 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$")


@pytest.fixture(autouse=True)
def specs_present():
    reference_available()


def check(api, path: str, spec: str, status: int = 200, method: str = "GET", **kwargs):
    response = api.request(method, path, **kwargs)
    assert response.status_code == status, response.text[:500]
    validate(response, spec)
    return response.json() if response.content else None


def first_id(api, path: str) -> int:
    return api.get(path).json()["data"][0]["id"]


def test_customers_and_their_sub_resources_conform(seeded_api):
    spec = "customers.v3.yml"
    body = check(
        seeded_api, "v3/customers?include=addresses,attributes,formfields,storecredit", spec
    )
    assert body["data"][0]["addresses"] and body["data"][0]["attributes"]
    assert "form_fields" in body["data"][0]
    check(seeded_api, "v3/customers?id:in=1,2&sort=date_modified:desc", spec)
    check(seeded_api, "v3/customers?limit=5&after=eyJpZCI6NX0", spec)
    check(seeded_api, "v3/customers/addresses?include=formfields", spec)
    check(seeded_api, "v3/customers/attributes", spec)
    owner = next(m["resource_id"] for m in seeded_api.get("v3/customers/metafields").json()["data"])
    check(seeded_api, f"v3/customers/{owner}/metafields", spec)
    metafield = first_id(seeded_api, f"v3/customers/{owner}/metafields")
    check(seeded_api, f"v3/customers/{owner}/metafields/{metafield}", spec)
    check(seeded_api, "v3/customers/metafields", spec)


def test_customer_writes_and_their_errors_conform(seeded_api):
    spec = "customers.v3.yml"
    new = [{"email": "new.person@example.com", "first_name": "New", "last_name": "Person"}]
    created = check(seeded_api, "v3/customers", spec, method="POST", json=new)
    customer_id = created["data"][0]["id"]
    update = [{"id": customer_id, "company": "Person & Co"}]
    check(seeded_api, "v3/customers", spec, method="PUT", json=update)
    invalid = [{"email": "no-names@example.com"}]
    errors = check(seeded_api, "v3/customers", spec, 422, method="POST", json=invalid)
    assert errors["errors"] == {
        "0.first_name": "error.path.missing",
        "0.last_name": "error.path.missing",
    }
    existing = seeded_api.get("v3/customers?id:in=1").json()["data"][0]["email"]
    taken = [{"id": customer_id, "email": existing}, {"id": 1, "last_name": ""}]
    errors = check(seeded_api, "v3/customers", spec, 422, method="PUT", json=taken)
    assert set(errors["errors"]) == {"0.email", "1.last_name"}
    check(seeded_api, "v3/customers", spec, 413, method="POST", json=new * 11)
    address = [
        {
            "customer_id": customer_id,
            "first_name": "New",
            "last_name": "Person",
            "address1": "1 Main Street",
            "city": "Austin",
            "state_or_province": "Texas",
            "postal_code": "78701",
            "country_code": "US",
        }
    ]
    check(seeded_api, "v3/customers/addresses", spec, method="POST", json=address)
    metafield = {"namespace": "crm", "key": "sf_id", "value": "003xx", "permission_set": "app_only"}
    check(seeded_api, f"v3/customers/{customer_id}/metafields", spec, method="POST", json=metafield)
    check(
        seeded_api,
        f"v3/customers/{customer_id}/metafields",
        spec,
        409,
        method="POST",
        json=metafield,
    )
    check(seeded_api, f"v3/customers?id:in={customer_id}", spec, 204, method="DELETE")


def test_customer_groups_conform(seeded_api):
    spec = "customers.v2.yml"
    groups = check(seeded_api, "v2/customer_groups", spec)
    assert {"Retail", "Wholesale"} <= {group["name"] for group in groups}
    assert all(RFC_2822.match(group["date_modified"]) for group in groups)
    check(seeded_api, f"v2/customer_groups/{groups[0]['id']}", spec)
    check(seeded_api, "v2/customer_groups/count", spec)


def test_products_conform(seeded_api):
    spec = "products_catalog.v3.yml"
    body = check(seeded_api, "v3/catalog/products?include=variants,custom_fields", spec)
    product = body["data"][0]
    assert product["variants"] and product["custom_fields"]
    pid = product["id"]
    check(
        seeded_api, f"v3/catalog/products/{pid}?include=variants,custom_fields,options,images", spec
    )
    check(
        seeded_api,
        "v3/catalog/products?date_modified:min=2024-01-01T00:00:00Z&sort=date_modified",
        spec,
    )
    check(seeded_api, f"v3/catalog/products/{pid}/custom-fields", spec)
    field = product["custom_fields"][0]["id"]
    check(seeded_api, f"v3/catalog/products/{pid}/custom-fields/{field}", spec)
    check(seeded_api, f"v3/catalog/products/{pid}/metafields", spec)
    metafield = first_id(seeded_api, f"v3/catalog/products/{pid}/metafields")
    check(seeded_api, f"v3/catalog/products/{pid}/metafields/{metafield}", spec)
    check(seeded_api, "v3/catalog/products/metafields", spec)
    check(seeded_api, "v3/catalog/products/999999", spec, 404)


def test_product_writes_and_their_errors_conform(seeded_api):
    spec = "products_catalog.v3.yml"
    new = {"name": "Spec Kettle", "type": "physical", "weight": 1, "price": 30, "sku": "SPEC-1"}
    created = check(seeded_api, "v3/catalog/products", spec, method="POST", json=new)["data"]
    batch = [{"id": created["id"], "price": 32.5}]
    check(seeded_api, "v3/catalog/products", spec, method="PUT", json=batch)
    too_many = [{"id": created["id"], "price": 1}] * 11
    check(seeded_api, "v3/catalog/products", spec, 413, method="PUT", json=too_many)
    check(seeded_api, "v3/catalog/products", spec, 422, method="POST", json={"name": "Half"})
    check(seeded_api, "v3/catalog/products", spec, 409, method="POST", json=new)
    refused = [{"id": created["id"], "name": "N" * 251}, {"id": 1, "condition": "Mint"}]
    errors = check(seeded_api, "v3/catalog/products", spec, 422, method="PUT", json=refused)
    assert set(errors["errors"]) == {"0.name", "1.condition"}
    clash = [{"id": 1, "price": 2}, {"id": 2, "sku": "SPEC-1"}]
    errors = check(seeded_api, "v3/catalog/products", spec, 409, method="PUT", json=clash)
    assert set(errors["errors"]) == {"1.sku"}
    check(
        seeded_api, f"v3/catalog/products/{created['id']}", spec, method="PUT", json={"price": 31}
    )
    metafield = {"namespace": "sf", "key": "id", "value": "01t", "permission_set": "write"}
    check(
        seeded_api,
        f"v3/catalog/products/{created['id']}/metafields",
        spec,
        method="POST",
        json=metafield,
    )
    check(
        seeded_api,
        f"v3/catalog/products/{created['id']}/metafields",
        spec,
        409,
        method="POST",
        json=metafield,
    )


def test_variants_conform(seeded_api):
    spec = "product-variants_catalog.v3.yml"
    variants = check(seeded_api, "v3/catalog/variants?limit=250", spec)["data"]
    with_options = next(v for v in variants if v["option_values"])
    pid, vid = with_options["product_id"], with_options["id"]
    check(seeded_api, f"v3/catalog/products/{pid}/variants", spec)
    check(seeded_api, f"v3/catalog/products/{pid}/variants/{vid}", spec)
    check(
        seeded_api,
        f"v3/catalog/products/{pid}/variants/{vid}",
        spec,
        method="PUT",
        json={"price": 99.5},
    )
    check(
        seeded_api,
        "v3/catalog/variants",
        spec,
        method="PUT",
        json=[{"id": vid, "inventory_level": 3}],
    )
    refused = [{"id": vid, "inventory_level": 2**31}, {"id": 999999, "price": 1}]
    errors = check(seeded_api, "v3/catalog/variants", spec, 422, method="PUT", json=refused)
    assert [set(e["errors"]) for e in errors["batch_errors"]] == [
        {"0.inventory_level"},
        {"1.id"},
    ]
    check(seeded_api, "v3/catalog/variants", spec, 413, method="PUT", json=[{"id": vid}] * 51)
    metafield = {"namespace": "wms", "key": "bin", "value": "A-1", "permission_set": "read"}
    check(
        seeded_api,
        f"v3/catalog/products/{pid}/variants/{vid}/metafields",
        spec,
        method="POST",
        json=metafield,
    )
    check(seeded_api, f"v3/catalog/products/{pid}/variants/{vid}/metafields", spec)


def test_categories_trees_and_brands_conform(seeded_api):
    check(seeded_api, "v3/catalog/categories", "categories_catalog.v3.yml")
    category = first_id(seeded_api, "v3/catalog/categories")
    check(seeded_api, f"v3/catalog/categories/{category}", "categories_catalog.v3.yml")
    check(seeded_api, f"v3/catalog/categories/{category}/metafields", "categories_catalog.v3.yml")
    spec = "category-trees_catalog.v3.yml"
    check(seeded_api, "v3/catalog/trees", spec)
    flat = check(seeded_api, "v3/catalog/trees/categories?tree_id:in=1", spec)["data"]
    assert any(c["parent_id"] for c in flat) and any(not c["parent_id"] for c in flat)
    nested = check(seeded_api, "v3/catalog/trees/1/categories", spec)["data"]
    assert any(child["children"] for root in nested for child in root["children"])
    created = [{"name": "Gifts", "parent_id": 0, "tree_id": 1}]
    check(seeded_api, "v3/catalog/trees/categories", spec, 201, method="POST", json=created)
    check(seeded_api, "v3/catalog/brands", "brands_catalog.v3.yml")
    brand = first_id(seeded_api, "v3/catalog/brands")
    check(seeded_api, f"v3/catalog/brands/{brand}", "brands_catalog.v3.yml")


def test_orders_conform(seeded_api):
    spec = "orders.v2.oas2.yml"
    include = "include=consignments.line_items&consignment_structure=object"
    orders = check(seeded_api, f"v2/orders?limit=250&sort=date_modified:asc&{include}", spec)
    assert all(RFC_2822.match(order["date_modified"]) for order in orders)
    assert all(order["consignments"]["shipping"][0]["line_items"] for order in orders)
    check(seeded_api, "v2/orders?include=consignments&consignment_structure=object", spec)
    order_id = orders[0]["id"]
    check(seeded_api, f"v2/orders/{order_id}", spec)
    check(seeded_api, f"v2/orders/{order_id}?{include}", spec)
    line = check(seeded_api, f"v2/orders/{order_id}/products", spec)[0]
    check(seeded_api, f"v2/orders/{order_id}/products/{line['id']}", spec)
    consignments = check(seeded_api, f"v2/orders/{order_id}/consignments", spec)
    assert consignments["shipping"][0]["line_items"][0]["resource"].endswith(
        f"/products/{line['id']}"
    )
    check(seeded_api, f"v2/orders/{order_id}/shipping_addresses", spec)
    address = seeded_api.get(f"v2/orders/{order_id}/shipping_addresses").json()[0]["id"]
    check(seeded_api, f"v2/orders/{order_id}/shipping_addresses/{address}", spec)
    check(seeded_api, "v2/order_statuses", spec)
    check(seeded_api, "v2/order_statuses/11", spec)
    check(seeded_api, "v2/orders/count", spec)
    check(seeded_api, f"v2/orders/{order_id}", spec, method="PUT", json={"status_id": 10})


def test_refunds_and_order_metafields_conform(seeded_api):
    spec = "orders.v3.yml"
    refunds = check(
        seeded_api, "v3/orders/payment_actions/refunds?created:min=2024-01-01T00:00:00Z", spec
    )["data"]
    check(seeded_api, f"v3/orders/payment_actions/refunds/{refunds[0]['id']}", spec)
    check(seeded_api, f"v3/orders/{refunds[0]['order_id']}/payment_actions/refunds", spec)
    shipped = seeded_api.get("v2/orders?status_id=10").json()[0]
    line = seeded_api.get(f"v2/orders/{shipped['id']}/products").json()[0]
    refund = {
        "items": [{"item_type": "PRODUCT", "item_id": line["id"], "quantity": 1}],
        "payments": [
            {"provider_id": "storecredit", "amount": float(line["price_inc_tax"]), "offline": True}
        ],
    }
    check(
        seeded_api,
        f"v3/orders/{shipped['id']}/payment_actions/refunds",
        spec,
        201,
        method="POST",
        json=refund,
    )
    metafield = {
        "namespace": "sf",
        "key": "order_id",
        "value": "801xx",
        "permission_set": "app_only",
    }
    check(seeded_api, f"v3/orders/{shipped['id']}/metafields", spec, method="POST", json=metafield)
    check(seeded_api, f"v3/orders/{shipped['id']}/metafields", spec)


def test_hooks_conform(api):
    spec = "webhooks.v3.yml"
    hook = {
        "scope": "store/order/*",
        "destination": "https://example.com/hooks",
        "headers": {"X-Secret": "s"},
    }
    created = check(api, "v3/hooks", spec, method="POST", json=hook)["data"]
    check(api, "v3/hooks", spec)
    check(api, f"v3/hooks/{created['id']}", spec)
    check(api, f"v3/hooks/{created['id']}", spec, method="PUT", json={"is_active": False})
    check(api, "v3/hooks", spec, 422, method="POST", json={"scope": "store/order/*"})
    check(api, f"v3/hooks/{created['id']}", spec, method="DELETE")
    check(api, f"v3/hooks/{created['id']}", spec, 404)


def test_store_information_and_time_conform(api):
    information = check(api, "v2/store", "store_information.v2.yml")
    assert information["id"] == api.root.rsplit("/", 1)[1]
    check(api, "v2/time", "store_information.v2.yml")


def test_v2_customers_conform(seeded_api):
    spec = "customers.v2.yml"
    customers = check(seeded_api, "v2/customers?limit=250", spec)
    assert all(RFC_2822.match(customer["date_modified"]) for customer in customers)
    check(seeded_api, "v2/customers?page=2&limit=5&min_date_modified=2020-01-01T00:00:00Z", spec)
    check(seeded_api, f"v2/customers?email={customers[0]['email']}&min_id=1", spec)
    check(seeded_api, f"v2/customers/{customers[0]['id']}", spec)
    assert check(seeded_api, "v2/customers/count", spec) == {"count": len(customers)}
