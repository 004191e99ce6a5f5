import pytest

from mappings.defaults import TEMPLATE, apply_default_template
from mappings.models import ObjectSetting
from mappings.services import export_problems, target_sections
from mappings.transform import Rule
from mappings.validation import check, sample_warnings, source_problems
from sandbox.salesforce.custom_schema import load_schema
from sandbox.salesforce.describe import describe_object
from sandbox.salesforce.services import provision_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def describe():
    """The describe of an object in the demo org of the Salesforce emulator."""
    org = provision_org(name="Validation org").org
    schema = load_schema(org)
    return lambda name: describe_object(org, schema, schema.get(name), "62.0")


def test_the_default_template_fits_the_demo_org(store_b, describe):
    apply_default_template(store_b)
    for setting in ObjectSetting.objects.filter(store=store_b):
        for target in TEMPLATE[setting.source]:
            problems = check(
                target,
                setting.rules_for(target),
                describe(target),
                external_id_field=setting.external_id_field,
            )
            assert problems == [], (setting.source, target, problems)


def test_an_unknown_field_is_named(describe):
    problems = check("Contact", [Rule("Loyalty__c", source="x")], describe("Contact"))
    assert [p.message for p in problems if p.field == "Loyalty__c"] == [
        "Contact.Loyalty__c does not exist in this org."
    ]


def test_a_read_only_field_is_named(describe):
    problems = check(
        "Contact",
        [Rule("CreatedDate", source="date_created", convert="datetime")],
        describe("Contact"),
    )
    assert problems[0].message == "Contact.CreatedDate is read-only in Salesforce."


def test_a_conversion_that_does_not_fit_the_field_type(describe):
    problems = check(
        "Contact", [Rule("Email", source="total", convert="money")], describe("Contact")
    )
    assert problems[0].message == "Contact.Email is a email field; a money value does not fit it."


def test_a_missing_required_field_is_named(describe):
    problems = check("Contact", [Rule("Email", source="email")], describe("Contact"))
    assert [p.field for p in problems] == ["LastName"]
    assert "required by Salesforce and no mapping fills it" in problems[0].message


def test_lookup_values_the_picklist_lacks_are_named(describe):
    rule = Rule(
        "StageName",
        kind="lookup",
        source="status_id",
        lookup={"10": "Closed Won", "2": "Shipped"},
        default="Prospecting",
    )
    problems = check("Opportunity", [rule], describe("Opportunity"))
    assert [p.message for p in problems if p.field == "StageName"] == [
        "Opportunity.StageName has no picklist value 'Shipped'."
    ]


def test_no_source_path_of_the_default_templates_is_unknown(db):
    for source, targets in TEMPLATE.items():
        for target, rows in targets.items():
            rules = [Rule(field, kind, path, **extra) for field, kind, path, extra in rows]
            assert source_problems(source, target, rules) == [], (source, target)


def test_a_source_path_that_names_nothing_the_object_has_is_a_problem(db):
    rules = [
        Rule("LastName", "field", "no_such_field", required=True),
        Rule("Description", "template", "{first_name} {nick.name}"),
        Rule("Email", "field", "email"),
        Rule("Shoe_Size__c", "field", "form_fields.shoe_size"),  # the store's own field
    ]
    problems = source_problems("customer", "Contact", rules)
    assert [p.message for p in problems] == [
        "Contact.LastName: 'no_such_field' names nothing that BigCommerce customers have.",
        "Contact.Description: 'nick.name' names nothing that BigCommerce customers have.",
    ]


def test_order_lines_are_checked_against_an_order_lines_fields(db):
    rules = [Rule("Quantity", "field", "quantity"), Rule("UnitPrice", "field", "subtotal_ex_tax")]
    problems = source_problems("order", "OrderItem", rules)
    assert [p.field for p in problems] == ["UnitPrice"]


def test_paths_to_a_stores_own_fields_are_checked_against_the_sampled_records(db):
    rules = [
        Rule("Quantity", "field", "quantity"),
        Rule("Description", "template", "{name} ({metafields.ns.key})"),
        Rule("Shelf__c", "field", "order.metafields.ns.key"),  # not below a store's own field
    ]
    line = {"id": 1, "name": "Jar", "quantity": 2, "order": {"metafields": {"ns": {"key": 1}}}}
    (warning,) = sample_warnings("OrderItem", rules, [line, line], "order lines")
    assert warning.is_warning and warning.field == "Description"
    assert warning.message == (
        "OrderItem.Description: 'metafields.ns.key' is in none of the 2 latest order lines: "
        "the connector reads them without metafields."
    )
    assert (
        sample_warnings("OrderItem", rules, [{**line, "metafields": {"ns": {"key": 0}}}], "") == []
    )


def test_the_template_orders_export_note_is_a_warning_on_its_mapping(store_b):
    apply_default_template(store_b)
    setting = ObjectSetting.objects.get(store=store_b, source="order")
    assert export_problems(setting) == []  # imports only: nothing goes back
    setting.direction = "both"
    warnings = {w.field: w for w in export_problems(setting) if w.target_object == "Order"}
    assert warnings["Status"].is_warning
    assert warnings["Status"].message == "Order.Status on export: Activated exports as 2 (not 10)."
    # The template's other Order mappings are imported only: they say nothing on export.
    assert set(warnings) == {"Status"}
    rows = dict(target_sections(setting, list(warnings.values()))[0].mapping_rows)
    status = next(row for row in rows if row.target_field == "Status")
    assert rows[status] == [warnings["Status"]]


def test_products_imported_as_variants_export_what_a_variant_takes(store_b):
    apply_default_template(store_b)
    setting = ObjectSetting.objects.get(store=store_b, source="product")
    setting.direction, setting.variants_as_products = "export", True
    warnings = {w.field: w.message for w in export_problems(setting)}
    assert set(warnings) == {"Name", "Description", "IsActive"}
    assert "does not take name in a write" in warnings["Name"]


def test_the_template_exports_people_and_products_without_a_warning(store_b):
    apply_default_template(store_b)
    for source in ("customer", "product"):
        setting = ObjectSetting.objects.get(store=store_b, source=source)
        setting.direction = "both"
        assert export_problems(setting) == [], source
