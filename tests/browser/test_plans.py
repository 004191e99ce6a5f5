import pytest
from playwright.sync_api import expect

from mappings.services import mappings_version
from stores.models import Role
from sync.models import PlanRecord, SyncPlan, SyncRun
from tests.browser.conftest import cut_off
from tests.browser.test_console import PASSWORD, log_in
from tests.conftest import make_org, make_store, make_user

pytestmark = pytest.mark.browser


def test_a_plan_reads_on_a_phone_and_its_counts_list_their_records(
    page, transactional_db, screenshot
):
    user = make_user("opal")
    user.set_password(PASSWORD)
    user.save()
    store = make_store(
        "Gear store", members=[(user, Role.OPERATOR)], salesforce_org=make_org("Org")
    )
    plan = SyncPlan.objects.create(
        store=store,
        kind=SyncRun.Kind.FULL,
        sources=["customer"],
        status=SyncPlan.Status.READY,
        mappings_version=mappings_version(store),
        created_by=user,
    )
    PlanRecord.objects.bulk_create(
        [
            PlanRecord(plan=plan, source="customer", source_id="1", decision="created"),
            PlanRecord(
                plan=plan,
                source="customer",
                source_id="2",
                decision="updated",
                matched_by="rule",
                match_reason="Email = 'a.very.long.address.of.someone@example.com'.",
                target_object="Contact",
                target_id="003000000000002AAA",
            ),
            PlanRecord(
                plan=plan,
                source="customer",
                source_id="3",
                decision="failed",
                message="Contact.FirstName takes 40 characters; this value has 60.",
            ),
        ]
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "opal")
    page.goto(f"/stores/{store.pk}/runs/")
    assert cut_off(page) == []
    page.goto(f"/stores/{store.pk}/plans/{plan.pk}/")
    expect(page.get_by_role("button", name="Apply")).to_be_visible()
    assert cut_off(page) == []
    screenshot("plan-phone")
    page.locator("#plan-counts a", has_text="1").nth(2).click()  # Would fail
    expect(page.locator("#plan-records tbody tr")).to_have_count(1)
    expect(page.locator("#plan-records tbody")).to_contain_text("takes 40 characters")
    assert cut_off(page) == []
