import pytest

from mappings.defaults import TEMPLATE, apply_default_template
from mappings.models import ObjectSetting
from mappings.transform import Rule
from mappings.validation import check
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
