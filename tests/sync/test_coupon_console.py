"""Coupon revenue's console page: admins edit the coupon table and the settings, everyone sees
the codes the last run found no Campaign for."""

import pytest
from django.urls import reverse
from django.utils import timezone

from mappings.defaults import apply_default_template
from mappings.models import CouponCampaign, ObjectSetting
from sync.models import ImportSchedule, Outcome, SyncLogEntry, SyncRun

pytestmark = pytest.mark.django_db

SOURCE = "coupon_revenue"
CAMPAIGN_15 = "701Hn000001aBcD"
CAMPAIGN_18 = "701Hn000001aBcDIAU"


@pytest.fixture
def setting(store_a) -> ObjectSetting:
    apply_default_template(store_a)
    return ObjectSetting.objects.get(store=store_a, source=SOURCE)


def url(name, store, *args) -> str:
    return reverse(name, args=[store.pk, *args])


def add(client, store, **data):
    fields = {"code": "summer10 ", "campaign_id": CAMPAIGN_15, "note": "", **data}
    return client.post(url("coupon_create", store), fields)


def test_the_mappings_object_page_of_coupon_revenue_is_its_coupon_page(
    client_for, victor, store_a, setting
):
    client = client_for(victor)
    response = client.get(reverse("store_mappings_object", args=[store_a.pk, SOURCE]))
    assert response.status_code == 302 and response.url == url("coupon_list", store_a)
    overview = client.get(reverse("store_mappings", args=[store_a.pk])).content.decode()
    assert "Coupon revenue (to Campaigns)" in overview


def test_an_admin_adds_edits_and_deletes_a_code(client_for, alice, store_a, setting):
    client = client_for(alice)
    assert add(client, store_a).status_code == 302
    row = CouponCampaign.objects.get(setting=setting)
    assert (row.code, row.campaign_id) == ("SUMMER10", CAMPAIGN_18)

    page = client.get(url("coupon_list", store_a)).content.decode()
    assert "SUMMER10" in page and CAMPAIGN_18 in page and "Add a code" in page

    edited = client.post(
        url("coupon_edit", store_a, row.pk),
        {"code": "SUMMER10", "campaign_id": CAMPAIGN_18.lower(), "note": "Summer 2026"},
    )
    assert edited.status_code == 302
    row.refresh_from_db()
    assert (row.campaign_id, row.note) == (CAMPAIGN_18, "Summer 2026")

    assert client.post(url("coupon_delete", store_a, row.pk)).status_code == 302
    assert not CouponCampaign.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"campaign_id": "not-an-id"}, "is not a Salesforce Id"),
        ({"campaign_id": "001Hn000001aBcD"}, "a Campaign&#x27;s Id starts with 701"),
        ({"code": "SUMMER10"}, "The code SUMMER10 already has a Campaign."),
        ({"code": "OTHER"}, "This Campaign already takes the revenue of SUMMER10"),
        ({"code": "  "}, "This field is required."),
    ],
)
def test_the_form_refuses_what_could_never_work(client_for, alice, store_a, setting, data, error):
    client = client_for(alice)
    add(client, store_a)
    response = add(client, store_a, **data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert CouponCampaign.objects.count() == 1


def test_turning_coupon_revenue_on_schedules_it_and_checks_the_field_name(
    client_for, alice, store_a, setting
):
    client = client_for(alice)
    refused = client.post(url("coupon_list", store_a), {"enabled": "on", "campaign_field": "a b"})
    assert refused.status_code == 200 and "is not a Salesforce API name" in refused.content.decode()
    saved = client.post(
        url("coupon_list", store_a), {"enabled": "on", "campaign_field": "ExpectedRevenue"}
    )
    assert saved.status_code == 302
    setting.refresh_from_db()
    assert (setting.enabled, setting.campaign_field) == (True, "ExpectedRevenue")
    assert ImportSchedule.objects.get(store=store_a, source=SOURCE).every_minutes == 1440
    page = client.get(url("coupon_list", store_a)).content.decode()
    assert "Scheduled: full import every 1440 min" in page


def test_the_page_lists_the_codes_the_last_run_found_no_campaign_for(
    client_for, victor, alice, store_a, setting
):
    CouponCampaign.objects.create(setting=setting, code="SUMMER10", campaign_id=CAMPAIGN_18)
    run = SyncRun.objects.create(
        store=store_a, source=SOURCE, kind="full", status="succeeded", finished_at=timezone.now()
    )
    for code in ("SUMMER10", "WELCOME5"):
        SyncLogEntry.objects.create(
            store=store_a,
            run=run,
            source=SOURCE,
            source_id=f"2026-12-01:{code}",
            outcome=Outcome.SKIPPED,
            error_message=f"No Campaign is mapped to coupon code {code}; add it to the table.",
        )
    page = client_for(victor).get(url("coupon_list", store_a)).content.decode()
    assert "WELCOME5" in page and "coupon code SUMMER10" not in page  # mapped since
    assert "Add a code" not in page and "Save settings" not in page
    admin_page = client_for(alice).get(url("coupon_list", store_a)).content.decode()
    assert f"{url('coupon_create', store_a)}?code=WELCOME5" in admin_page
    prefilled = client_for(alice).get(f"{url('coupon_create', store_a)}?code=WELCOME5")
    assert 'value="WELCOME5"' in prefilled.content.decode()


def test_an_operator_starts_coupon_revenue_from_the_runs_page(
    client_for, oscar, store_a, setting, django_capture_on_commit_callbacks
):
    client = client_for(oscar)
    assert "Coupon revenue (to Campaigns)" in client.get(url("run_list", store_a)).content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url("run_start", store_a), {"source": SOURCE, "kind": "full"})
    assert response.status_code == 302
    assert SyncRun.objects.get(store=store_a).source == SOURCE
