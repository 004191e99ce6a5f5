"""An admin edits a store's mappings in the browser and previews a record."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from mappings.models import FieldMapping
from tests.browser.test_console import PASSWORD, go_to, log_in
from tests.conftest import make_store

pytestmark = pytest.mark.browser


@pytest.fixture
def store(transactional_db):
    admin = get_user_model().objects.create_user("ada", "ada@example.com", PASSWORD)
    return make_store("Outdoor Gear", members=[(admin, "admin")])


def test_an_admin_changes_a_field_mapping_and_previews_a_customer(page, store, screenshot):
    log_in(page, "ada")
    go_to(page, "Stores")
    page.get_by_role("link", name="Outdoor Gear").click()
    page.get_by_role("link", name="Mappings").click()
    screenshot("mappings-overview")
    page.locator("#object-table").get_by_role("link", name="Customers", exact=True).click()

    page.locator("#fields-Account").get_by_role("link", name="Edit Name").click()
    page.get_by_label("Source").fill("{company} ({email})")
    page.get_by_label("Filled from").select_option("template")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Field mapping saved.")).to_be_visible()
    name_row = page.locator("#fields-Account tr", has_text="Name")
    expect(name_row.first).to_contain_text("Template: {company} ({email})")
    screenshot("mappings-object")

    page.get_by_role("link", name="Preview a record").click()
    page.get_by_role("button", name="Preview", exact=True).click()
    result = page.locator("#preview-result")
    expect(result).to_contain_text("Acme Corp (jane.smith@example.com)")
    screenshot("mappings-preview")

    mapping = FieldMapping.objects.get(
        setting__store=store,
        setting__source="customer",
        target_object="Account",
        target_field="Name",
    )
    assert (mapping.kind, mapping.source) == ("template", "{company} ({email})")
