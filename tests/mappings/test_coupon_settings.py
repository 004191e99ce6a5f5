"""The coupon revenue object's settings: off by default, its Campaign field checked against the
org, its coupon table unique per code whatever the case."""

import pytest
from django.db import IntegrityError, transaction

from mappings.defaults import apply_default_template, ensure_default_mappings
from mappings.models import CouponCampaign, ObjectSetting, SourceObject
from mappings.services import problems_for, store_problems
from mappings.validation import campaign_field_problems
from sandbox.salesforce.custom_schema import load_schema
from sandbox.salesforce.describe import describe_object
from sandbox.salesforce.services import provision_org
from webhooks.scopes import scopes_for

pytestmark = pytest.mark.django_db

CAMPAIGN = "701000000000001AAA"


@pytest.fixture
def campaign():
    """The Campaign describe of an org of the Salesforce emulator."""
    org = provision_org(name="Coupon org").org
    schema = load_schema(org)
    return describe_object(org, schema, schema.get("Campaign"), "62.0")


def coupon_setting(store) -> ObjectSetting:
    return ObjectSetting.objects.get(store=store, source=SourceObject.COUPON_REVENUE)


def test_coupon_revenue_starts_off_with_no_mappings(store_b):
    apply_default_template(store_b)
    setting = coupon_setting(store_b)
    assert (setting.enabled, setting.realtime) == (False, False)
    assert setting.field_mappings.count() == 0
    assert setting.target_objects() == ["Campaign"]
    assert setting.campaign_field == "BigCommerce_Coupon_Revenue__c"
    assert scopes_for([SourceObject.COUPON_REVENUE]) == []  # no webhook feeds it


def test_a_store_made_before_coupon_revenue_gets_it_and_keeps_its_other_settings(store_b):
    apply_default_template(store_b)
    coupon_setting(store_b).delete()
    ObjectSetting.objects.filter(store=store_b, source="order").update(enabled=False)

    ensure_default_mappings(store_b)

    assert not coupon_setting(store_b).enabled
    assert not ObjectSetting.objects.get(store=store_b, source="order").enabled


def test_the_default_campaign_field_fits_the_demo_org(campaign):
    assert campaign_field_problems("BigCommerce_Coupon_Revenue__c", campaign) == []
    assert campaign_field_problems("ExpectedRevenue", campaign) == []


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (
            "Missing__c",
            "Campaign.Missing__c does not exist in this org: add it in Salesforce, or choose "
            "another Campaign field for coupon revenue.",
        ),
        (
            "CreatedDate",
            "Campaign.CreatedDate is read-only in Salesforce; coupon revenue cannot be written "
            "to it.",
        ),
        (
            "Description",
            "Campaign.Description is a textarea field; a revenue amount does not fit it.",
        ),
    ],
)
def test_a_campaign_field_that_cannot_take_revenue_is_named(campaign, field, message):
    assert [p.message for p in campaign_field_problems(field, campaign)] == [message]


def test_the_setting_is_checked_by_its_campaign_field_alone(store_b, campaign):
    """Campaign.Name is required, but Campaigns are only updated: no mapping needs to fill it."""
    apply_default_template(store_b)
    setting = coupon_setting(store_b)
    assert problems_for(setting, lambda name: campaign) == []
    setting.campaign_field = "Missing__c"
    assert [p.field for p in problems_for(setting, lambda name: campaign)] == ["Missing__c"]


def test_a_code_is_mapped_once_whatever_its_case_and_a_campaign_takes_one_code(store_b):
    apply_default_template(store_b)
    setting = coupon_setting(store_b)
    CouponCampaign.objects.create(setting=setting, code="SUMMER10", campaign_id=CAMPAIGN)
    with pytest.raises(IntegrityError), transaction.atomic():
        CouponCampaign.objects.create(
            setting=setting, code="summer10", campaign_id="701" + "1" * 15
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CouponCampaign.objects.create(setting=setting, code="WELCOME5", campaign_id=CAMPAIGN)


def test_validating_a_store_checks_coupon_revenue_once_it_is_on(store_b, campaign):
    class Org:
        def describe(self, name):
            return campaign

        def forget_schema(self):
            pass

    apply_default_template(store_b)
    ObjectSetting.objects.exclude(source=SourceObject.COUPON_REVENUE).update(enabled=False)
    assert store_problems(store_b, Org()) == {}
    ObjectSetting.objects.filter(source=SourceObject.COUPON_REVENUE).update(
        enabled=True, campaign_field="Missing__c"
    )
    found = store_problems(store_b, Org())
    assert [p.field for p in found[SourceObject.COUPON_REVENUE]] == ["Missing__c"]
