"""In the browser, against the emulators: test a store's connection, and connect an org through
Salesforce's consent page (the web-server flow) and with JWT."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from sandbox.salesforce.services import provision_org
from sandbox.services import ensure_demo_environment
from stores.models import AuthFlow, SalesforceOrg
from tests.browser.test_console import PASSWORD, go_to, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db, live_server):
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", PASSWORD)
    return ensure_demo_environment(admin, live_server.url)


def test_testing_the_demo_store_shows_every_scope_granted(page, demo, screenshot):
    log_in(page, "admin")
    go_to(page, "Stores")
    page.get_by_role("link", name="Demo store").click()
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_text("Connection to Demo store: every check passed.")).to_be_visible()
    expect(page.locator("#connection-test tbody tr")).to_have_count(6)
    expect(page.locator("#connection-test")).to_contain_text("Scope: Orders")
    screenshot("store-connection-test")


def test_the_demo_org_connects_with_jwt(page, demo, screenshot):
    log_in(page, "admin")
    page.goto(f"/orgs/{demo.org.pk}/")
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_text("Connecting Demo org: every check passed.")).to_be_visible()
    expect(page.locator("h1 .badge.ok")).to_have_text("connected")
    screenshot("org-connected")


def test_a_web_server_org_connects_through_the_consent_page(page, demo, live_server, screenshot):
    credentials = provision_org(name="Consent org")
    org = SalesforceOrg.objects.create(
        name="Consent org",
        login_url=live_server.url,
        auth_flow=AuthFlow.WEB_SERVER,
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        created_by=demo.store.memberships.get().user,
    )
    log_in(page, "admin")
    page.goto(f"/orgs/{org.pk}/")
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("button", name="Allow")).to_be_visible()
    screenshot("salesforce-consent-page")
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_text("Connecting Consent org: every check passed.")).to_be_visible()
    org.refresh_from_db()
    assert org.refresh_token and org.is_connected
    go_to(page, "Settings")
    expect(page.locator("#org-table tr", has_text="Consent org")).to_contain_text("connected")
