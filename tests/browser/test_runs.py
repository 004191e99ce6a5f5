import re

import pytest
from playwright.sync_api import expect

from stores.models import Role
from sync.models import Outcome, SyncLogEntry, SyncRun
from tests.browser.conftest import SCREENSHOTS, cut_off
from tests.browser.test_console import PASSWORD, go_to, log_in
from tests.conftest import make_store, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def operator(transactional_db):
    user = make_user("opal")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_an_operator_starts_an_import_and_resyncs_a_failed_record(page, operator, screenshot):
    store = make_store("Gear store", members=[(operator, Role.OPERATOR)])
    earlier = SyncRun.objects.create(
        store=store,
        source="product",
        kind=SyncRun.Kind.FULL,
        status=SyncRun.Status.SUCCEEDED,
        failed=1,
    )
    SyncLogEntry.objects.create(
        store=store,
        run=earlier,
        source="product",
        source_id="4711",
        outcome=Outcome.FAILED,
        target_object="Product2",
        error_code="FIELD_CUSTOM_VALIDATION_EXCEPTION",
        error_message="Product code is required",
        values={"Name": "Trail tent"},
    )

    log_in(page, "opal")
    go_to(page, "Stores")
    page.get_by_role("link", name="Gear store").click()
    page.get_by_role("link", name="Runs").click()
    customers = page.locator("#import-objects li", has=page.get_by_text("Customers", exact=True))
    customers.get_by_label("Kind of import of Customers").select_option(label="Full import")
    customers.get_by_role("button", name="Import").click()

    expect(page.get_by_text("Full import of customers queued.")).to_be_visible()
    expect(page.locator("#run-status")).to_have_text("Queued")
    expect(page.get_by_role("button", name="Cancel")).to_be_visible()
    screenshot("run-queued")
    page.get_by_role("link", name="Runs").click()
    expect(page.locator("#run-table tbody tr").first).to_contain_text("Queued")
    screenshot("run-list")

    go_to(page, "Logs")
    page.get_by_label("Outcome").select_option("failed")
    page.get_by_role("button", name="Filter", exact=True).click()
    screenshot("log-list")
    page.locator("#log-table tr", has_text="4711").get_by_role("link", name="Details").click()
    expect(page.locator("#log-error")).to_contain_text("Product code is required")
    screenshot("log-row-failed")
    page.get_by_role("button", name="Retry this failed attempt").click()

    expect(page.get_by_text("Re-sync of failed records of products queued.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/stores/{store.pk}/runs/\d+/$"))
    expect(page.locator("#run-status")).to_have_text("Queued")
    expect(page.get_by_text("4711")).to_be_visible()
    screenshot("run-resync")
    resync = SyncRun.objects.get(kind=SyncRun.Kind.RESYNC)
    assert (resync.source_ids, resync.requested_by) == (["4711"], operator)


def test_the_runs_and_logs_pages_fit_a_phone_and_filter(browser, live_server, operator):
    store = make_store("Phone store", members=[(operator, Role.OPERATOR)])
    for source, status in (("customer", "succeeded"), ("order", "partial"), ("order", "failed")):
        run = SyncRun.objects.create(
            store=store,
            source=source,
            kind="full",
            status=status,
            failed=int(status != "succeeded"),
        )
        SyncLogEntry.objects.create(
            store=store, run=run, source=source, source_id="12", outcome=Outcome.FAILED,
            error_code="STRING_TOO_LONG",
        )  # fmt: skip
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 800})
    page = context.new_page()
    log_in(page, "opal")
    for path in (f"/stores/{store.pk}/runs/", "/logs/", f"/stores/{store.pk}/", "/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert cut_off(page) == [], (path, cut_off(page)[:5])
    page.goto(f"/stores/{store.pk}/runs/")
    for button in page.locator("#import-objects button").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, button.text_content()
    page.get_by_label("Object", exact=True).select_option(label="Orders")
    page.get_by_label("Outcome").select_option(label="Failed")
    page.get_by_role("button", name="Filter", exact=True).click()
    expect(page.locator("#run-table tbody tr")).to_have_count(1)
    expect(page.locator("#run-table tbody tr")).to_contain_text("Failed")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "runs-phone.png"), full_page=True)
    context.close()
