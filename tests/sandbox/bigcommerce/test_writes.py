"""Writing through the emulated API: what the platform keeps, computes and refuses."""

from decimal import Decimal

from sandbox.bigcommerce.models import Metafield

ADDRESS = {
    "first_name": "Ada",
    "last_name": "Adler",
    "address1": "1 Station Lane",
    "city": "Dublin",
    "state_or_province": "Dublin",
    "postal_code": "D02 X285",
    "country_code": "IE",
}


def test_a_customer_is_created_with_addresses_and_an_identical_address_is_not_added(seeded_api):
    person = {
        "email": "Ada@Example.com",
        "first_name": "Ada",
        "last_name": "Adler",
        "addresses": [ADDRESS],
    }
    created = seeded_api.post("v3/customers", json=[person]).json()["data"][0]
    assert created["email"] == "ada@example.com" and created["address_count"] == 1
    assert created["addresses"][0]["country"] == "Ireland"
    again = seeded_api.post(
        "v3/customers/addresses", json=[{**ADDRESS, "customer_id": created["id"]}]
    )
    assert again.status_code == 200 and again.json()["data"] == []
    taken = seeded_api.put("v3/customers", json=[{"id": 1, "email": "ada@example.com"}])
    assert taken.status_code == 422 and "0.email" in taken.json()["errors"]


def test_a_product_is_created_with_variants_and_custom_fields(seeded_api):
    product = {
        "name": "Field Lantern",
        "type": "physical",
        "weight": 2,
        "price": 40,
        "categories": [1],
        "custom_fields": [{"name": "Fuel", "value": "Kerosene"}],
        "variants": [
            {"sku": "FL-RED", "option_values": [{"option_display_name": "Colour", "label": "Red"}]},
            {
                "sku": "FL-BLUE",
                "price": 45,
                "option_values": [{"option_display_name": "Colour", "label": "Blue"}],
            },
        ],
    }
    created = seeded_api.post("v3/catalog/products", json=product).json()["data"]
    assert [v["sku"] for v in created["variants"]] == ["FL-RED", "FL-BLUE"]
    assert [v["calculated_price"] for v in created["variants"]] == [40, 45]
    assert (
        created["variants"][0]["option_values"][0]["option_id"]
        == created["variants"][1]["option_values"][0]["option_id"]
    )
    assert created["custom_fields"][0]["name"] == "Fuel"
    assert created["base_variant_id"] == created["variants"][0]["id"]
    unknown_category = seeded_api.post(
        "v3/catalog/products", json={**product, "name": "Other", "categories": [999]}
    )
    assert unknown_category.status_code == 409 and set(unknown_category.json()["errors"]) == {
        "categories"
    }
    same_skus = seeded_api.post("v3/catalog/products", json={**product, "name": "Other"})
    assert same_skus.status_code == 409 and same_skus.json()["errors"] == {"sku": "error.duplicate"}


def test_deleting_a_product_deletes_its_variants_and_metafields(seeded_api):
    assert Metafield.objects.filter(resource_type="product", resource_id=1).exists()
    assert seeded_api.delete("v3/catalog/products/1").status_code == 204
    assert seeded_api.get("v3/catalog/products/1").status_code == 404
    assert not Metafield.objects.filter(resource_type="product", resource_id=1).exists()
    assert seeded_api.get("v3/catalog/variants?product_id:in=1").json()["data"] == []


def test_an_order_is_created_with_its_totals_and_archived_out_of_the_list(seeded_api):
    billing = {
        "first_name": "Guest",
        "last_name": "Buyer",
        "street_1": "2 Oak Avenue",
        "city": "Austin",
        "zip": "78701",
        "country_iso2": "US",
        "email": "",
    }
    order = {
        "billing_address": billing,
        "products": [{"product_id": 5, "quantity": 2}],
        "status_id": 11,
    }
    created = seeded_api.post("v2/orders", json=order).json()
    assert created["customer_id"] == 0 and created["billing_address"]["country"] == "United States"
    lines = seeded_api.get(f"v2/orders/{created['id']}/products").json()
    assert len(lines) == 1 and lines[0]["quantity"] == 2
    assert Decimal(created["subtotal_ex_tax"]) == Decimal(lines[0]["price_ex_tax"]) * 2
    assert Decimal(created["total_inc_tax"]) == Decimal(created["subtotal_inc_tax"]) + Decimal(
        created["shipping_cost_inc_tax"]
    )
    assert seeded_api.delete(f"v2/orders/{created['id']}").status_code == 204
    listed = seeded_api.get("v2/orders?limit=250").json()
    assert created["id"] not in {o["id"] for o in listed}
    assert seeded_api.get(f"v2/orders/{created['id']}").json()["is_deleted"] is True


def test_a_refund_may_not_exceed_what_is_left_and_a_full_one_marks_the_order_refunded(seeded_api):
    order = seeded_api.get("v2/orders?status_id=10").json()[0]
    lines = seeded_api.get(f"v2/orders/{order['id']}/products").json()
    total = Decimal(order["total_inc_tax"])
    too_much = {
        "items": [{"item_type": "ORDER", "item_id": order["id"], "amount": float(total + 1)}],
        "payments": [{"provider_id": "cash", "amount": float(total + 1)}],
    }
    assert (
        seeded_api.post(
            f"v3/orders/{order['id']}/payment_actions/refunds", json=too_much
        ).status_code
        == 422
    )
    items = [
        {"item_type": "PRODUCT", "item_id": line["id"], "quantity": line["quantity"]}
        for line in lines
    ]
    whole = {"items": items, "payments": [{"provider_id": "cash", "amount": float(total)}]}
    assert (
        seeded_api.post(f"v3/orders/{order['id']}/payment_actions/refunds", json=whole).status_code
        == 201
    )
    refunded = seeded_api.get(f"v2/orders/{order['id']}").json()
    assert (refunded["status_id"], refunded["payment_status"]) == (4, "refunded")
    assert refunded["refunded_amount"] == order["total_inc_tax"]
    assert all(
        line["is_refunded"] for line in seeded_api.get(f"v2/orders/{order['id']}/products").json()
    )


def test_metafields_are_changed_one_by_one_and_in_batches(seeded_api):
    metafield = {"namespace": "sf", "key": "account", "value": "001", "permission_set": "app_only"}
    one = seeded_api.post("v3/customers/2/metafields", json=metafield).json()["data"]
    changed = seeded_api.put(
        f"v3/customers/2/metafields/{one['id']}", json={"value": "001x"}
    ).json()["data"]
    assert changed["value"] == "001x" and changed["date_modified"] >= one["date_modified"]
    batch = [{**metafield, "key": f"k{n}", "resource_id": n} for n in (3, 4)]
    created = seeded_api.post("v3/customers/metafields", json=batch).json()
    assert created["meta"] == {"total": 2, "success": 2, "failed": 0}
    ids = [m["id"] for m in created["data"]]
    updated = seeded_api.put(
        "v3/customers/metafields", json=[{"id": i, "value": "v"} for i in ids]
    ).json()
    assert {m["value"] for m in updated["data"]} == {"v"}
    deleted = seeded_api.delete("v3/customers/metafields", json=ids).json()
    assert deleted["data"] == ids
    assert seeded_api.delete(f"v3/customers/2/metafields/{one['id']}").status_code == 204
    unknown = seeded_api.post("v3/customers/metafields", json=[{**metafield, "resource_id": 999}])
    assert unknown.status_code == 422


def test_a_category_that_would_orphan_products_is_kept(seeded_api):
    categories = seeded_api.get("v3/catalog/categories?limit=250").json()["data"]
    parent = next(c for c in categories if any(o["parent_id"] == c["id"] for o in categories))
    assert seeded_api.delete(f"v3/catalog/categories/{parent['id']}").status_code == 409
    created = seeded_api.post(
        "v3/catalog/categories", json={"name": "Empty", "parent_id": 0}
    ).json()["data"]
    assert seeded_api.delete(f"v3/catalog/categories/{created['id']}").status_code == 204


def test_customer_groups_are_created_changed_and_deleted(seeded_api):
    created = seeded_api.post("v2/customer_groups", json={"name": "Trade"})
    assert created.status_code == 201
    group = created.json()
    assert seeded_api.post("v2/customer_groups", json={"name": "Trade"}).status_code == 409
    renamed = seeded_api.put(
        f"v2/customer_groups/{group['id']}", json={"name": "Trade partners"}
    ).json()
    assert renamed["name"] == "Trade partners"
    assert seeded_api.get("v2/customer_groups/count").json() == {"count": 4}
    assert seeded_api.delete(f"v2/customer_groups/{group['id']}").status_code == 204
    assert seeded_api.get(f"v2/customer_groups/{group['id']}").status_code == 404


def test_customer_writes_are_refused_as_the_spec_says(seeded_api):
    person = {"email": "b" * 240 + "@example.com", "first_name": "Bo", "last_name": "Berg"}
    too_long = seeded_api.post("v3/customers", json=[person])  # 252: customer_Post allows 250
    assert too_long.status_code == 422 and set(too_long.json()["errors"]) == {"0.email"}
    eleven = {**person, "email": "bo@example.com", "addresses": [{**ADDRESS, "country_code": "X"}]}
    eleven["addresses"] *= 11
    refused = seeded_api.post("v3/customers", json=[eleven]).json()["errors"]
    assert {"0.addresses", "0.addresses.0.country_code", "0.addresses.10.country_code"} <= set(
        refused
    )
    updates = [
        {"id": 1, "first_name": ""},
        {"id": 2, "email": "same@example.com"},
        {"id": 3, "email": "same@example.com", "phone": "5" * 51},
    ]
    errors = seeded_api.put("v3/customers", json=updates).json()["errors"]
    assert set(errors) == {"0.first_name", "1.email", "2.email", "2.phone"}
    longest = {"id": 1, "email": "c" * 243 + "@example.com"}  # 255: customer_Put allows it
    assert seeded_api.put("v3/customers", json=[longest]).status_code == 200


def test_a_product_batch_names_every_refused_item_and_field(seeded_api):
    batch = [
        {"id": 1, "name": "N" * 251},
        {"id": 2, "price": 3},
        {"id": 3, "availability": "soon", "inventory_level": -1, "is_visible": "yes"},
    ]
    answer = seeded_api.put("v3/catalog/products", json=batch)
    assert answer.status_code == 422
    assert set(answer.json()["errors"]) == {
        "0.name",
        "2.availability",
        "2.inventory_level",
        "2.is_visible",
    }
    assert seeded_api.get("v3/catalog/products/2").json()["data"]["price"] != 3  # nothing written
    name = seeded_api.get("v3/catalog/products/1").json()["data"]["name"]
    clash = seeded_api.put(
        "v3/catalog/products", json=[{"id": 2, "price": 3}, {"id": 3, "name": name}]
    )
    assert clash.status_code == 409 and set(clash.json()["errors"]) == {"1.name"}


def test_a_variant_batch_is_refused_in_the_batch_errors_shape(seeded_api):
    variants = seeded_api.get("v3/catalog/variants?limit=3").json()["data"]
    batch = [
        {"id": variants[0]["id"], "upc": "1" * 15},
        {"id": variants[1]["id"], "price": 2},
        {"id": variants[2]["id"], "sku": variants[1]["sku"]},
    ]
    answer = seeded_api.put("v3/catalog/variants", json=batch)
    assert answer.status_code == 422
    errors = [error["errors"] for error in answer.json()["batch_errors"]]
    assert errors == [
        {"0.upc": "error.type.string (at most 14 characters)"},
        {"2.sku": f"Sku {variants[1]['sku']} is not unique."},
    ]


def test_an_order_update_refuses_unknown_statuses_and_fields_in_the_v2_format(seeded_api):
    order = seeded_api.get("v2/orders?limit=1").json()[0]
    path = f"v2/orders/{order['id']}"
    for body, message in (
        ({"status_id": 15}, "The field 'status_id' is invalid."),
        ({"status_id": True}, "The field 'status_id' is invalid."),
        ({"status_id": "10"}, "The field 'status_id' is invalid."),
        ({"custom_status": "Done"}, "The field 'custom_status' is not supported by this resource."),
        (
            {"id": order["id"], "status_id": 10},
            "The field 'id' cannot be written to. Please remove it from your request before "
            "trying again.",
        ),
    ):
        answer = seeded_api.put(path, json=body)
        assert answer.status_code == 400
        assert answer.json() == [{"status": 400, "message": message}]
    assert seeded_api.get(path).json()["status_id"] == order["status_id"]
