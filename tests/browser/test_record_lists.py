import re

import pytest
from playwright.sync_api import expect

from stores.models import Role
from sync.models import IdentityLink, Outcome, SavedListView, SyncLogEntry, SyncRun
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_console import PASSWORD, log_in
from tests.conftest import make_org, make_store, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def store(transactional_db):
    user = make_user("opal")
    user.set_password(PASSWORD)
    user.save()
    org = make_org("Gear org")
    org.instance_url = "https://gear.my.salesforce.com"
    org.save()
    store = make_store("Gear store", members=[(user, Role.OPERATOR)], salesforce_org=org)
    for number, outcome in ((1, Outcome.FAILED), (2, Outcome.CREATED), (3, None)):
        IdentityLink.objects.create(
            store=store,
            org=org,
            source_type="order",
            source_id=str(number),
            target_object="Order",
            target_id=f"801000000000000{number:03d}",
            label=f"Order #{number} · Buyer with a rather long name {number}",
        )
        if outcome:
            SyncLogEntry.objects.create(
                store=store, source="order", source_id=str(number), outcome=outcome
            )
    return store


def test_an_operator_filters_chooses_columns_saves_a_view_and_imports_a_row(page, store):
    log_in(page, "opal")
    page.goto(f"/stores/{store.pk}/")
    page.locator("#store-records").get_by_role("link", name="Orders").click()
    table = page.locator("#record-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("Order #1 · Buyer")

    page.get_by_label("Last outcome").select_option("failed")
    page.get_by_role("button", name="Filter").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr")).to_contain_text("Failed")

    page.get_by_text("⚙ Columns and search").click()
    page.locator("#list-choices").get_by_label("When").uncheck()
    page.locator("#list-choices").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Columns and search saved for this list.")).to_be_visible()
    expect(table.locator("thead")).not_to_contain_text("When")
    expect(table.locator("tbody tr")).to_have_count(1)  # the filter stayed

    page.get_by_text("Save view", exact=True).first.click()
    page.locator("#save-view").get_by_label("Name").fill("Failing orders")
    page.locator("#save-view").get_by_role("button", name="Save view").click()
    expect(page.get_by_text("View “Failing orders” saved")).to_be_visible()
    expect(page.get_by_label("Saved view")).to_have_value(str(SavedListView.objects.get().pk))

    page.get_by_role("button", name="Import order 1").click()
    expect(page.get_by_text("Selected records of orders queued.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/stores/{store.pk}/runs/\d+/$"))
    run = SyncRun.objects.get()
    assert (run.source, run.kind, run.source_ids) == ("order", "records", ["1"])


def test_the_orders_list_fits_a_phone(browser, live_server, store):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 800})
    page = context.new_page()
    log_in(page, "opal")
    page.goto(f"/stores/{store.pk}/records/orders/")
    expect(page.locator("#record-table")).to_be_visible()
    page.get_by_text("⚙ Columns and search").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for selector in ("#record-filters", "#mass-actions", "#list-choices", ".object-tabs"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "object_list.png"), full_page=True)
    context.close()
