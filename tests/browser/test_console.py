import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from stores.models import Role, SalesforceOrg, Store
from tests.conftest import make_store, make_user

pytestmark = pytest.mark.browser

PASSWORD = "console-pass-4821"
STORE_TOKEN = "bcstoretoken0000000000TK42"
ORG_SECRET = "sfconsumersecret000000SC77"


@pytest.fixture
def admin_user(transactional_db):
    return get_user_model().objects.create_superuser("admin", "admin@example.com", PASSWORD)


def log_in(page, username, password=PASSWORD):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def go_to(page, section):
    page.locator("#nav").get_by_role("link", name=section).click()


def test_an_admin_connects_an_org_and_a_store_and_sees_secrets_masked(page, admin_user, screenshot):
    log_in(page, "admin")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    screenshot("dashboard-empty")

    go_to(page, "Settings")
    page.get_by_role("link", name="Add an org").click()
    page.get_by_label("Name", exact=True).fill("Acme production")
    page.get_by_label("Consumer key").fill("3MVG9-acme-consumer-key")
    page.get_by_label("Consumer secret").fill(ORG_SECRET)
    screenshot("org-form")
    page.get_by_role("button", name="Add org").click()
    expect(page.get_by_text("Salesforce org Acme production added.")).to_be_visible()
    expect(page.locator("dd code.secret")).to_have_text("••••SC77")

    go_to(page, "Stores")
    page.get_by_role("link", name="Add a store").click()
    page.get_by_label("Name", exact=True).fill("Outdoor Gear")
    page.get_by_label("Store hash").fill("https://api.bigcommerce.com/stores/og42x/v3/")
    page.get_by_label("Access token").fill(STORE_TOKEN)
    page.get_by_label("Salesforce org").select_option(label="Acme production")
    page.get_by_role("button", name="Add store").click()
    expect(page.get_by_text("Store Outdoor Gear added. You are its admin.")).to_be_visible()

    go_to(page, "Stores")
    row = page.locator("#store-table tbody tr", has_text="Outdoor Gear")
    expect(row).to_contain_text("og42x")
    expect(row).to_contain_text("••••TK42")
    expect(row).to_contain_text("Acme production")
    screenshot("store-list")
    assert STORE_TOKEN not in page.content()

    go_to(page, "Settings")
    expect(page.locator("#org-table")).to_contain_text("••••SC77")
    assert ORG_SECRET not in page.content()
    screenshot("settings")

    store = Store.objects.get(store_hash="og42x")
    assert store.access_token == STORE_TOKEN
    assert store.salesforce_org == SalesforceOrg.objects.get(name="Acme production")


def test_a_form_error_is_shown_next_to_its_field(page, admin_user, screenshot):
    log_in(page, "admin")
    page.goto("/stores/new/")
    page.get_by_label("Name", exact=True).fill("Bad store")
    page.get_by_label("Store hash").fill("no spaces allowed")
    page.get_by_role("button", name="Add store").click()
    expect(page.locator("#field-store_hash .error")).to_contain_text("lowercase letters and digits")
    expect(page.locator("#field-access_token .error")).to_contain_text("required")
    screenshot("store-form-errors")
    assert not Store.objects.exists()


def test_the_org_form_shows_only_the_chosen_flows_credentials(page, admin_user):
    log_in(page, "admin")
    page.goto("/orgs/new/")
    expect(page.locator("#field-client_secret")).to_be_visible()
    expect(page.locator("#field-private_key")).to_be_hidden()
    page.get_by_label("JWT bearer (certificate)").check()
    expect(page.locator("#field-private_key")).to_be_visible()
    expect(page.locator("#field-username")).to_be_visible()
    expect(page.locator("#field-client_secret")).to_be_hidden()


def test_a_viewer_sees_their_store_read_only(page, transactional_db, screenshot):
    viewer = make_user("vera")
    viewer.set_password(PASSWORD)
    viewer.save()
    make_store("Visible store", members=[(viewer, Role.VIEWER)])
    make_store("Hidden store")

    log_in(page, "vera")
    go_to(page, "Stores")
    expect(page.locator("#store-table")).to_contain_text("Visible store")
    expect(page.locator("#store-table")).not_to_contain_text("Hidden store")
    expect(page.get_by_role("link", name="Add a store")).to_have_count(0)
    page.get_by_role("link", name="Visible store").click()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    screenshot("viewer-store")


def test_the_console_fits_a_phone(browser, live_server, admin_user):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 800})
    page = context.new_page()
    log_in(page, "admin")
    nav = page.locator("#nav")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(nav).to_be_visible()
    go_to(page, "Stores")
    expect(page.get_by_role("heading", name="Stores")).to_be_visible()
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390
    context.close()
