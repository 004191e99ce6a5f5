import copy
import re

import pytest
import yaml

from integrations.bigcommerce import fields
from integrations.bigcommerce.fields import problems
from tests.conftest import require
from tests.examples import bigcommerce_example, reference_dir

PERSON = {"email": "ada@example.com", "first_name": "Ada", "last_name": "Adler"}
ADDRESS = {"first_name": "Ada", "last_name": "Adler", "address1": "1 Lane", "city": "Cork"}


# --- official request examples pass -----------------------------------------------------------
def test_the_official_customer_create_example_passes():
    for customer in bigcommerce_example("v3_customers_post_request.json"):
        assert problems("customer", customer, creating=True) == {}


def test_the_official_customer_update_example_passes_but_for_what_its_notes_call_read_only():
    (customer,) = bigcommerce_example("v3_customers_put_request.json")
    found = problems("customer", customer, creating=False)
    assert set(found) == {"registration_ip_address", "origin_channel_id"}
    assert found["origin_channel_id"] == (
        "origin_channel_id cannot be written when updating a customer: "
        "it is the channel the customer was created in"
    )


def test_the_official_product_update_example_passes_and_creates_without_its_id():
    (product,) = bigcommerce_example("v3_catalog_products_put_request.json")
    assert problems("product", product, creating=False) == {}
    new = {name: value for name, value in product.items() if name != "id"}
    assert problems("product", new, creating=True) == {}
    assert problems("product", product, creating=True) == {
        "id": "id cannot be written when creating a product: BigCommerce gives the id"
    }


# --- what is refused, in words -------------------------------------------------------------------
def test_a_name_over_the_limit_is_named_with_the_limit():
    product = {"name": "N" * 251, "type": "physical", "weight": 1, "price": 5}
    assert problems("product", product, creating=True) == {
        "name": "name is longer than 250 characters (the limit BigCommerce sets)"
    }
    assert problems("product", {**product, "name": "N" * 250}, creating=True) == {}


def test_a_create_names_each_required_field_it_lacks():
    assert problems("product", {"name": "Lamp"}, creating=True) == {
        "type": "type is required when creating a product",
        "weight": "weight is required when creating a product",
        "price": "price is required when creating a product",
    }
    assert set(problems("customer", {"email": "a@b.co"}, creating=True)) == {
        "first_name",
        "last_name",
    }


def test_an_update_needs_the_id_and_nothing_else():
    assert problems("customer", {"company": "Acme"}, creating=False) == {
        "id": "id is required when updating a customer"
    }
    assert problems("customer", {"id": 4, "company": "Acme"}, creating=False) == {}


def test_the_create_limit_of_an_email_is_shorter_than_the_update_one():
    email = "a" * 240 + "@example.com"  # 252 characters
    assert problems("customer", {**PERSON, "email": email}, creating=True) == {
        "email": "email is longer than 250 characters (the limit BigCommerce sets)"
    }
    assert problems("customer", {"id": 1, "email": email}, creating=False) == {}


def test_values_outside_an_enum_list_the_allowed_ones():
    found = problems("product", {"id": 1, "availability": "soon"}, creating=False)
    assert found == {
        "availability": "availability is 'soon', which BigCommerce does not accept: "
        "it must be one of available, disabled, preorder"
    }


def test_an_order_status_must_be_one_of_the_fifteen_with_their_names():
    assert problems("order", {"status_id": 10}, creating=False) == {}
    message = problems("order", {"status_id": 15}, creating=False)["status_id"]
    assert "0 (Incomplete)" in message and "14 (Partially Refunded)" in message
    assert "status_id" in problems("order", {"status_id": True}, creating=False)
    assert "status_id" in problems("order", {"status_id": "10"}, creating=False)
    assert fields.ORDER_STATUSES[11] == "Awaiting Fulfillment"


def test_each_given_address_needs_its_required_fields_and_updates_cannot_carry_one():
    customer = {**PERSON, "addresses": [{**ADDRESS, "country_code": "IE"}, {"city": "Cork"}]}
    found = problems("customer", customer, creating=True)
    assert set(found) == {
        "addresses.1.first_name",
        "addresses.1.last_name",
        "addresses.1.address1",
        "addresses.1.country_code",
    }
    update = problems("customer", {"id": 3, "addresses.0.city": "Cork"}, creating=False)
    assert update == {
        "addresses.0.city": "addresses.0.city cannot be written when updating a customer: "
        "BigCommerce does not change a customer's addresses through a customer update"
    }


def test_dotted_paths_are_checked_like_the_nested_payload():
    nested = {**PERSON, "addresses": [{**ADDRESS, "country_code": "Ireland"}]}
    dotted = {**PERSON, **{f"addresses.0.{k}": v for k, v in nested["addresses"][0].items()}}
    expected = {
        "addresses.0.country_code": "addresses.0.country_code is longer than 2 characters "
        "(the limit BigCommerce sets)"
    }
    assert problems("customer", nested, creating=True) == expected
    assert problems("customer", dotted, creating=True) == expected
    assert fields.rule("customer", "addresses.7.city") is fields.CUSTOMER["addresses.0.city"]


def test_types_bounds_and_list_sizes_are_checked():
    product = {
        "id": 1,
        "price": "12.50",
        "weight": -1,
        "is_visible": "yes",
        "inventory_level": 2**31,
        "categories": [3, "4"],
        "preorder_release_date": "next week",
    }
    found = problems("product", product, creating=False)
    assert found == {
        "price": "price must be a number, not '12.50'",
        "weight": "weight is -1, below 0 (the minimum BigCommerce sets)",
        "is_visible": "is_visible must be true or false, not 'yes'",
        "inventory_level": "inventory_level is 2147483648, above 2147483647 "
        "(the maximum BigCommerce sets)",
        "categories": "categories must hold only whole numbers, not '4'",
        "preorder_release_date": "preorder_release_date must be a date and time (ISO 8601), "
        "not 'next week'",
    }
    eleven = {**PERSON, "addresses": [{**ADDRESS, "country_code": "IE"}] * 11}
    assert problems("customer", eleven, creating=True) == {
        "addresses": "addresses has 11 items, more than the 10 BigCommerce allows"
    }


def test_empty_and_null_values():
    assert problems("customer", {"id": 1, "first_name": ""}, creating=False) == {
        "first_name": "first_name is empty, which BigCommerce does not accept"
    }
    assert problems("variant", {"id": 1, "price": None, "upc": None}, creating=False) == {}
    assert problems("product", {"id": 1, "price": None}, creating=False) == {
        "price": "price has no value, which BigCommerce does not accept for it (leave it out)"
    }


def test_unknown_and_read_only_fields_are_named():
    found = problems("variant", {"id": 1, "colour": "red", "sku_id": 4}, creating=False)
    assert found == {
        "colour": "colour is not a field BigCommerce accepts when updating a variant",
        "sku_id": "sku_id cannot be written when updating a variant: BigCommerce sets it",
    }


def test_writable_fields_leave_out_read_only_ones():
    on_update = fields.writable("customer", creating=False)
    assert "email" in on_update and "id" in on_update
    assert not {"addresses.0.city", "origin_channel_id", "date_created"} & set(on_update)
    assert "addresses.0.city" in fields.writable("customer", creating=True)


# --- the rules are the official specs' -----------------------------------------------------------
SPECS = reference_dir() / "bigcommerce" / "specs"
# (resource, creating): the request bodies whose schemas describe it, as (spec, path, method).
SOURCES = {
    ("customer", True): [("customers.v3.yml", "/customers", "post")],
    ("customer", False): [("customers.v3.yml", "/customers", "put")],
    ("product", True): [("products_catalog.v3.yml", "/catalog/products", "post")],
    ("product", False): [("products_catalog.v3.yml", "/catalog/products", "put")],
    ("variant", True): [
        ("product-variants_catalog.v3.yml", "/catalog/products/{product_id}/variants", "post")
    ],
    ("variant", False): [
        ("product-variants_catalog.v3.yml", "/catalog/variants", "put"),
        (
            "product-variants_catalog.v3.yml",
            "/catalog/products/{product_id}/variants/{variant_id}",
            "put",
        ),
    ],
    ("order", False): [("orders.v2.oas2.yml", "/orders/{order_id}", "put")],
}
# Fields a schema lists that its operation's notes call read-only (customers.v3.yml, PUT).
READ_ONLY_BY_NOTES = {("customer", False): {"registration_ip_address", "origin_channel_id"}}
# A status write sends the status and nothing else: the spec's order_Put has no required field.
# Its values are the table of GET /order_statuses (an integer in order_Put).
STATUS = ("order", "status_id")
# Lists given whole: their items are not described.
WHOLE = ("bulk_pricing_rules.", "images.", "videos.", "variants.")
TYPES = {"integer": fields.INT, "number": fields.NUMBER, "boolean": fields.BOOL}


def _spec(name: str) -> dict:
    require(SPECS.is_dir(), f"the official BigCommerce specs are not at {SPECS}")
    return yaml.safe_load((SPECS / name).read_text())


def _resolved(spec: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].split("/")[1:]:
            target = target[part]
        node = target
    return node


def _spec_fields(spec: dict, node: dict, method: str, prefix: str = "") -> dict:
    """{path: (property schema, required)} of a request body, entering objects and lists."""
    node = _resolved(spec, node)
    if node.get("type") == "array" and not prefix:
        return _spec_fields(spec, node["items"], method)
    parts = node.get("allOf", [node])
    found = {}
    for part in parts:
        part = _resolved(spec, part)
        if "allOf" in part:
            found.update(_spec_fields(spec, part, method, prefix))
            continue
        listed = part.get("required")
        required = set(listed) if isinstance(listed, list) else set()
        for name, prop in (part.get("properties") or {}).items():
            prop = _resolved(spec, prop)
            path = f"{prefix}{name}"
            needed = name in required or method in (prop.get("x-required") or [])
            found[path] = (prop, needed)
            items = _resolved(spec, prop.get("items") or {})
            if prop.get("type") == "array" and (items.get("properties") or items.get("allOf")):
                found.update(_spec_fields(spec, items, method, f"{path}.0."))
            elif prop.get("properties"):
                found.update(_spec_fields(spec, prop, method, f"{path}."))
    return found


def _described(resource: str, creating: bool) -> dict:
    found = {}
    for name, path, method in SOURCES[(resource, creating)]:
        spec = _spec(name)
        body = spec["paths"][path][method]["requestBody"]["content"]["application/json"]
        found.update(_spec_fields(spec, body["schema"], method))
    return found


@pytest.mark.parametrize(("resource", "creating"), sorted(SOURCES))
def test_every_rule_is_the_specs_own(resource, creating):
    described = _described(resource, creating)
    rules = fields.FIELDS[resource]
    notes = READ_ONLY_BY_NOTES.get((resource, creating), set())
    for path, (prop, needed) in described.items():
        if path.startswith(WHOLE) or (resource == "order" and path != "status_id"):
            continue
        field = rules.get(path)
        assert field is not None, f"{resource}: {path} is in the spec but not described"
        if path in notes:
            assert field.mode(creating) == fields.READ_ONLY, path
            continue
        required = field.mode(creating) == fields.REQUIRED
        if (resource, path) == STATUS:
            continue
        assert required == needed, path
        _same_shape(path, field, prop, creating)
    for path, field in rules.items():
        if field.mode(creating) != fields.READ_ONLY:
            assert path in described, f"{resource}: {path} is writable but not in the spec"


def _same_shape(path: str, field: fields.Field, prop: dict, creating: bool) -> None:
    kind = prop.get("type")
    if "enum" in prop:
        assert (field.type, field.choices) == (fields.ENUM, tuple(prop["enum"])), path
    elif kind == "string":
        expected = fields.DATETIME if prop.get("format") == "date-time" else fields.STRING
        assert field.type == expected, path
        assert field.length_limit(creating) == prop.get("maxLength"), path
        assert field.min_length == prop.get("minLength", 0), path
    elif kind in TYPES:
        assert field.type == TYPES[kind], path
        assert (field.minimum, field.maximum) == (prop.get("minimum"), prop.get("maximum")), path
    elif kind == "array":
        assert field.type == fields.LIST, path
    else:
        assert field.type in (fields.OBJECT, fields.ANY), path
    assert field.nullable == bool(prop.get("nullable")), path


def test_the_order_statuses_are_the_specs_table():
    text = _spec("orders.v2.oas2.yml")["paths"]["/order_statuses"]["get"]["description"]
    table = {int(n): name.strip() for n, name in re.findall(r"^\| (\d+) \| ([^|]+)\|", text, re.M)}
    assert table == fields.ORDER_STATUSES
    assert fields.ORDER["status_id"].choices == tuple(range(15))


def test_problems_do_not_change_the_payload():
    (product,) = bigcommerce_example("v3_catalog_products_put_request.json")
    before = copy.deepcopy(product)
    problems("product", product, creating=False)
    assert product == before
