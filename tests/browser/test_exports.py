"""An admin turns on the export of customers and queues one from the Runs page."""

import re

import pytest
from playwright.sync_api import expect

from mappings.models import ObjectSetting
from stores.models import Role
from sync.models import SyncRun
from tests.browser.test_console import PASSWORD, go_to, log_in
from tests.conftest import make_store, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def admin(transactional_db):
    user = make_user("ada")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_an_admin_sets_customers_to_both_ways_and_queues_an_incremental_export(
    page, admin, screenshot
):
    store = make_store("Outdoor Gear", members=[(admin, Role.ADMIN)])
    log_in(page, "ada")
    go_to(page, "Stores")
    page.get_by_role("link", name="Outdoor Gear").click()
    page.get_by_role("link", name="Runs").click()
    expect(page.get_by_label("Kind of export of Customers")).to_have_count(0)

    go_to(page, "Stores")
    page.get_by_role("link", name="Outdoor Gear").click()
    page.get_by_role("link", name="Mappings").click()
    page.locator("#object-table").get_by_role("link", name="Customers", exact=True).click()
    page.get_by_label("Direction", exact=True).select_option(label="Both ways")
    export = page.locator("#export-settings")
    expect(export).to_contain_text("Export (Salesforce → BigCommerce)")
    export.get_by_label("When both sides changed a field").select_option(label="Salesforce wins")
    screenshot("mappings-export-settings")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Customers: settings saved.")).to_be_visible()
    setting = ObjectSetting.objects.get(store=store, source="customer")
    assert (setting.direction, setting.conflict_rule) == ("both", "salesforce")

    page.get_by_role("link", name="Outdoor Gear").click()
    page.get_by_role("link", name="Runs").click()
    customers = page.locator("#import-objects li", has=page.get_by_text("Customers", exact=True))
    expect(customers.get_by_label("Kind of export of Customers")).to_have_value("incremental")
    expect(page.get_by_label("Kind of export of Products")).to_have_count(0)
    expect(page.locator("#export-record")).to_contain_text("Export a record by Salesforce Id")
    screenshot("runs-export-form")
    customers.get_by_role("button", name="Export").click()

    expect(page.get_by_text("Incremental export of customers queued.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/stores/{store.pk}/runs/\d+/$"))
    expect(page.locator("#run-status")).to_have_text("Queued")
    screenshot("run-export-queued")
    run = SyncRun.objects.get(direction="export")
    assert (run.source, run.kind, run.requested_by) == ("customer", "incremental", admin)
