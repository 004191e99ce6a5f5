from datetime import timedelta

import pytest
from playwright.sync_api import expect

from integrations.bigcommerce.client import BigCommerceClient
from integrations.salesforce.client import remember_api_usage
from stores.models import Role
from sync.models import ImportSchedule, Outcome, SyncRun
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_console import PASSWORD, log_in
from tests.conftest import make_org, make_store, make_user
from tests.console.test_dashboard import at_noon, log_rows
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.browser


def test_the_dashboard_fits_a_phone(browser, live_server, transactional_db):
    user = make_user("dana")
    user.set_password(PASSWORD)
    user.save()
    org = make_org("Acme production org")
    store = make_store(
        "Outdoor Gear and Camping Supplies", members=[(user, Role.VIEWER)], salesforce_org=org
    )
    for day in range(30):
        log_rows(store, day % 7 + 1, Outcome.CREATED, at_noon(day))
        log_rows(store, day % 3, Outcome.UPDATED, at_noon(day), source="order")
        log_rows(store, day % 4, Outcome.FAILED, at_noon(day), error_code="FIELD_CUSTOM_VALIDATION")
    run = SyncRun.objects.create(store=store, source="order", kind="incremental", status="partial")
    ImportSchedule.objects.create(store=store, source="order", last_run=run)
    WebhookEvent.objects.create(
        store=store, scope="store/order/updated", received_at=at_noon(0) - timedelta(hours=1)
    )
    remember_api_usage(org.pk, 41_250, 100_000)
    BigCommerceClient.for_store(store).limiter.update(left=95, reset_in_ms=25_000, quota=150)

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, "dana")
    expect(page.get_by_role("heading", name="Records synced per day")).to_be_visible()
    expect(page.locator("#dash-failures")).to_contain_text("FIELD_CUSTOM_VALIDATION")
    expect(page.locator("#dash-salesforce meter")).to_be_visible()
    expect(page.locator("#dash-bigcommerce")).to_contain_text("95 of 150 requests left")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "dashboard-wide.png"), full_page=True)
    context.close()
