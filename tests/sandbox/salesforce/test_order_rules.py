import pytest

from sandbox.salesforce import records
from sandbox.salesforce.services import create_records


@pytest.fixture
def catalog(org):
    """A product with an active standard price and a custom price book with its own price."""
    [product] = create_records(
        org, "Product2", [{"Name": "Shirt", "ProductCode": "SH-1", "IsActive": True}]
    )
    [standard_entry] = create_records(
        org,
        "PricebookEntry",
        [
            {
                "Pricebook2Id": org.standard_pricebook_id,
                "Product2Id": product,
                "UnitPrice": 20,
                "IsActive": True,
            }
        ],
    )
    [custom_book] = create_records(org, "Pricebook2", [{"Name": "Web", "IsActive": True}])
    [custom_entry] = create_records(
        org,
        "PricebookEntry",
        [{"Pricebook2Id": custom_book, "Product2Id": product, "UnitPrice": 18, "IsActive": True}],
    )
    [account] = create_records(org, "Account", [{"Name": "Buyer"}])
    return {
        "product": product,
        "standard_entry": standard_entry,
        "custom_book": custom_book,
        "custom_entry": custom_entry,
        "account": account,
    }


def new_order(api, catalog, **fields):
    body = {
        "AccountId": catalog["account"],
        "EffectiveDate": "2024-05-01",
        "Pricebook2Id": catalog["custom_book"],
        **fields,
    }
    response = api.post("sobjects/Order/", body)
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def add_item(api, order, entry, **fields):
    body = {"OrderId": order, "PricebookEntryId": entry, "Quantity": 2, "UnitPrice": 18, **fields}
    return api.post("sobjects/OrderItem/", body)


def first_error(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()[0]


def test_a_price_book_entry_takes_the_products_name_and_code(api, catalog):
    entry = api.get(f"sobjects/PricebookEntry/{catalog['custom_entry']}").json()
    assert (entry["Name"], entry["ProductCode"]) == ("Shirt", "SH-1")


def test_a_custom_price_needs_an_active_standard_price_first(api, org, catalog):
    [product] = create_records(org, "Product2", [{"Name": "Hat"}])
    body = {"Pricebook2Id": catalog["custom_book"], "Product2Id": product, "UnitPrice": 5}
    assert (
        first_error(api.post("sobjects/PricebookEntry/", body))["errorCode"]
        == "STANDARD_PRICE_NOT_DEFINED"
    )
    standard = {**body, "Pricebook2Id": org.standard_pricebook_id, "IsActive": True}
    assert api.post("sobjects/PricebookEntry/", standard).status_code == 201
    assert api.post("sobjects/PricebookEntry/", body).status_code == 201


def test_a_product_has_one_entry_per_price_book(api, org, catalog):
    body = {
        "Pricebook2Id": catalog["custom_book"],
        "Product2Id": catalog["product"],
        "UnitPrice": 1,
    }
    assert first_error(api.post("sobjects/PricebookEntry/", body))["errorCode"] == "DUPLICATE_VALUE"


def test_an_entrys_product_and_price_book_are_fixed(api, catalog):
    response = api.patch(
        f"sobjects/PricebookEntry/{catalog['custom_entry']}", {"Product2Id": catalog["product"]}
    )
    assert first_error(response)["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_an_order_needs_an_account_and_a_start_date(api):
    error = first_error(api.post("sobjects/Order/", {"Status": "Draft"}))
    assert error["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert error["fields"] == ["AccountId", "EffectiveDate"]


def test_a_new_order_is_a_draft(api, catalog):
    order = api.get(f"sobjects/Order/{new_order(api, catalog)}").json()
    assert (order["Status"], order["StatusCode"], order["TotalAmount"]) == ("Draft", "Draft", 0.0)
    assert order["OrderNumber"].isdigit()


def test_items_total_up_on_the_order(api, catalog):
    order = new_order(api, catalog)
    item = add_item(api, order, catalog["custom_entry"], Quantity=3, UnitPrice=17.5)
    assert item.status_code == 201
    stored = api.get(f"sobjects/OrderItem/{item.json()['id']}").json()
    assert stored["Product2Id"] == catalog["product"]
    assert (stored["ListPrice"], stored["TotalPrice"]) == (18.0, 52.5)
    add_item(api, order, catalog["custom_entry"], Quantity=1, UnitPrice=10)
    assert api.get(f"sobjects/Order/{order}").json()["TotalAmount"] == 62.5
    api.delete(f"sobjects/OrderItem/{item.json()['id']}")
    assert api.get(f"sobjects/Order/{order}").json()["TotalAmount"] == 10.0


def test_items_need_the_orders_price_book(api, catalog):
    without_book = new_order(api, catalog, Pricebook2Id=None)
    error = first_error(add_item(api, without_book, catalog["custom_entry"]))
    assert error["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert "Order has null pricebook" in error["message"]
    order = new_order(api, catalog)
    error = first_error(add_item(api, order, catalog["standard_entry"]))
    assert "different pricebook" in error["message"]


def test_items_need_an_active_entry(api, catalog):
    api.patch(f"sobjects/PricebookEntry/{catalog['custom_entry']}", {"IsActive": False})
    error = first_error(add_item(api, new_order(api, catalog), catalog["custom_entry"]))
    assert "pricebook entry is inactive" in error["message"]


def test_items_change_only_while_the_order_is_a_draft(api, catalog):
    order = new_order(api, catalog)
    item = add_item(api, order, catalog["custom_entry"]).json()["id"]
    assert api.patch(f"sobjects/Order/{order}", {"Status": "Activated"}).status_code == 204
    activated = api.get(f"sobjects/Order/{order}").json()
    assert activated["StatusCode"] == "Activated" and activated["ActivatedDate"]
    for response in (
        add_item(api, order, catalog["custom_entry"]),
        api.patch(f"sobjects/OrderItem/{item}", {"Quantity": 5}),
        api.delete(f"sobjects/OrderItem/{item}"),
    ):
        assert first_error(response)["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert api.patch(f"sobjects/Order/{order}", {"Status": "Draft"}).status_code == 204
    assert api.patch(f"sobjects/OrderItem/{item}", {"Quantity": 5}).status_code == 204


def test_an_order_without_items_cannot_be_activated(api, catalog):
    order = new_order(api, catalog)
    error = first_error(api.patch(f"sobjects/Order/{order}", {"Status": "Activated"}))
    assert error["fields"] == ["Status"]


def test_the_price_book_of_an_order_with_items_is_fixed(api, org, catalog):
    order = new_order(api, catalog)
    add_item(api, order, catalog["custom_entry"])
    response = api.patch(f"sobjects/Order/{order}", {"Pricebook2Id": org.standard_pricebook_id})
    assert first_error(response)["fields"] == ["Pricebook2Id"]


def test_deleting_an_order_deletes_its_items(api, org, catalog):
    order = new_order(api, catalog)
    add_item(api, order, catalog["custom_entry"])
    assert api.delete(f"sobjects/Order/{order}").status_code == 204
    assert records.count(org, "OrderItem") == 0


def test_opportunity_products_set_the_price_book_and_the_amount(api, catalog):
    opportunity = api.post(
        "sobjects/Opportunity/",
        {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2024-06-30"},
    ).json()["id"]
    line = api.post(
        "sobjects/OpportunityLineItem/",
        {
            "OpportunityId": opportunity,
            "PricebookEntryId": catalog["custom_entry"],
            "Quantity": 4,
            "TotalPrice": 60,
        },
    )
    assert line.status_code == 201, line.json()
    stored = api.get(f"sobjects/OpportunityLineItem/{line.json()['id']}").json()
    assert (stored["UnitPrice"], stored["Name"]) == (15.0, "Deal Shirt")
    deal = api.get(f"sobjects/Opportunity/{opportunity}").json()
    assert (deal["Pricebook2Id"], deal["Amount"]) == (catalog["custom_book"], 60.0)
    other_book = api.post(
        "sobjects/OpportunityLineItem/",
        {
            "OpportunityId": opportunity,
            "PricebookEntryId": catalog["standard_entry"],
            "Quantity": 1,
            "UnitPrice": 1,
        },
    )
    assert "different pricebook" in first_error(other_book)["message"]
