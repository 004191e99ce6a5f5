"""In the browser, against the emulators: edit a field mapping with the pickers, then preview
it on one of the store's real records."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from mappings.models import FieldMapping
from sandbox.bigcommerce.models import Metafield
from sandbox.services import ensure_demo_environment
from stores.services import connect_org
from tests.browser.test_console import PASSWORD, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db, live_server):
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", PASSWORD)
    environment = ensure_demo_environment(admin, live_server.url)
    connect_org(environment.org)
    return environment


def test_a_mapping_edited_with_the_pickers_previews_on_a_real_record(page, demo, screenshot):
    segment = Metafield.objects.filter(resource_type="customer", namespace="crm").first()
    phone = FieldMapping.objects.get(
        setting__store=demo.store,
        setting__source="customer",
        target_object="Contact",
        target_field="Phone",
    )
    log_in(page, "admin")
    page.goto(f"/stores/{demo.store.pk}/mappings/customer/")
    page.locator(f"#mapping-{phone.pk}").get_by_role("link", name="Edit").click()

    target = page.get_by_label("Target field")
    expect(target).to_have_attribute("list", "target-field-options")
    department = page.locator('#target-field-options option[value="Department"]')
    expect(department).to_have_text("Department · Department · string(80)")
    segment_option = page.locator('#source-field-options option[value="metafields.crm.segment"]')
    expect(segment_option).to_contain_text("Metafield “crm.segment” · e.g.")
    target.fill("Department")
    page.get_by_label("Source", exact=True).fill("metafields.crm.segment")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Field mapping saved.")).to_be_visible()

    page.get_by_role("link", name="Preview a record").click()
    page.get_by_label("BigCommerce id").fill(str(segment.resource_id))
    page.get_by_role("button", name="Preview from the store").click()
    record = page.locator(f"#record-{segment.resource_id}")
    expect(record).to_contain_text("would sync")
    row = record.locator("tr", has=page.locator("code", has_text="Department"))
    expect(row).to_contain_text(segment.body["value"])
    expect(record).to_contain_text("No Contact matches: the import would create one")
    screenshot("mapping_editor")
