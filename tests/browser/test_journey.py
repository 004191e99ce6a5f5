"""A new admin's first hour, clicked through in Chromium against the emulators and a real worker.

Only the first admin is made in the database. BigCommerce and Salesforce are the emulators: the
test gives itself what their control panels would (a store's API account, a connected app's
consumer key and secret) and changes a customer through BigCommerce's API, since the emulator
has no control panel. Every main page is also checked on a 390 px wide screen and saved to
`var/screenshots/journey-<step>.png`.
"""

import re
import signal
import time

import pytest
import requests
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from sandbox.bigcommerce import demo as bc_demo
from sandbox.bigcommerce import services as bc_services
from sandbox.bigcommerce import webhooks as emulator_webhooks
from sandbox.bigcommerce.models import Customer as SandboxCustomer
from sandbox.salesforce.services import provision_org
from tests.browser.conftest import SCREENSHOTS, cut_off
from tests.browser.test_console import PASSWORD, go_to, log_in

pytestmark = [pytest.mark.browser, pytest.mark.worker]

STORE_HASH = "journey42"
STORE_TOKEN = "journeystoretoken0000000000TK42"
PHONE = {"width": 390, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
WHOLE_JOURNEY_SECONDS = 600


@pytest.fixture
def whole_journey_deadline():
    """The journey fails, instead of hanging CI, if it takes far longer than it should."""

    def too_long(signum, frame):
        raise TimeoutError(f"the journey took more than {WHOLE_JOURNEY_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(WHOLE_JOURNEY_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def outside_world(transactional_db, live_server):
    """What BigCommerce and Salesforce hand a new admin: a store with its API account, filled
    with demo records, and an org with a connected app."""
    sandbox_store = bc_services.provision_store(STORE_HASH, STORE_TOKEN, name="Journey store")
    bc_demo.generate_demo_data(sandbox_store)
    return provision_org(name="Journey org")


@pytest.fixture
def admin(transactional_db):
    return get_user_model().objects.create_superuser("jo", "jo@example.com", PASSWORD)


@pytest.fixture
def webhooks_delivered(live_server, settings):
    """The emulated store sends its webhooks to this live server, as BigCommerce would."""
    settings.SANDBOX_WEBHOOK_THREAD = True
    settings.CONNECTOR_PUBLIC_URL = live_server.url
    yield
    emulator_webhooks.dispatcher.stop()


def fits_a_phone(page, step: str) -> None:
    """The page as it is now, on a 390 px screen: nothing sticks out; saved as a screenshot."""
    page.set_viewport_size(PHONE)
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")  # else the sticky top bar lands mid-picture
        page.screenshot(path=str(SCREENSHOTS / f"journey-{step}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (step, page.url, width, wider_than_the_screen(page))
        assert cut_off(page) == [], (step, page.url, cut_off(page)[:5])
    finally:
        page.set_viewport_size(DESKTOP)


def wider_than_the_screen(page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.closest('.scroll-x, .table, .table-container, pre') === null)
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 8)
            .map(el => el.tagName + '.' + el.className + ' '
                 + (el.textContent || '').trim().slice(0, 40))"""
    )


def test_a_new_admin_connects_maps_imports_exports_repairs_and_shares_a_store(
    page, live_server, outside_world, admin, live_worker, webhooks_delivered, whole_journey_deadline
):
    page.set_viewport_size(DESKTOP)
    store_id = create_and_test_the_store(page, live_server.url)
    connect_the_org(page, live_server.url, outside_world, store_id)
    customer = map_a_field_and_preview_it(page, store_id)
    import_everything(page, store_id)
    choose_a_view_of_the_orders(page, store_id)
    import_and_export_a_customer(page, store_id, customer)
    see_a_webhook_in_the_record_timeline(page, live_server.url, store_id, customer)
    repair_a_broken_mapping_from_the_logs(page, store_id, customer)
    share_the_store_with_a_viewer(page, store_id, customer)


def create_and_test_the_store(page, base_url: str) -> int:
    log_in(page, "jo")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    fits_a_phone(page, "01-dashboard-empty")
    go_to(page, "Stores")
    page.get_by_role("link", name="Add a store").click()
    page.get_by_label("Name", exact=True).fill("Journey store")
    page.get_by_label("Store hash").fill(f"{base_url}/sandbox/bigcommerce/stores/{STORE_HASH}/v3/")
    page.get_by_label("API base URL").fill(f"{base_url}/sandbox/bigcommerce")
    page.get_by_label("Access token").fill(STORE_TOKEN)
    fits_a_phone(page, "01-store-form")
    page.get_by_role("button", name="Add store").click()
    expect(page.get_by_text("Store Journey store added. You are its admin.")).to_be_visible()
    store_id = int(re.search(r"/stores/(\d+)/", page.url).group(1))
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_text("Connection to Journey store: every check passed.")).to_be_visible()
    fits_a_phone(page, "01-store")
    return store_id


def connect_the_org(page, base_url: str, org, store_id: int) -> None:
    go_to(page, "Settings")
    page.get_by_role("link", name="Add an org").click()
    page.get_by_label("Name", exact=True).fill("Journey org")
    page.get_by_label("Login URL").fill(base_url)
    page.get_by_label("Consumer key").fill(org.client_id)
    page.get_by_label("Consumer secret").fill(org.client_secret)
    page.get_by_role("button", name="Add org").click()
    expect(page.get_by_text("Salesforce org Journey org added.")).to_be_visible()
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("button", name="Allow")).to_be_visible()
    fits_a_phone(page, "02-consent")
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_text("Connecting Journey org: every check passed.")).to_be_visible()
    fits_a_phone(page, "02-org")

    page.goto(f"/stores/{store_id}/edit/")
    page.get_by_label("Salesforce org").select_option(label="Journey org")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("dl.details").first).to_contain_text("Journey org")


def map_a_field_and_preview_it(page, store_id: int) -> None:
    customer = SandboxCustomer.objects.filter(store__store_hash=STORE_HASH).exclude(company="")
    customer = customer.order_by("bc_id").first()
    page.goto(f"/stores/{store_id}/")
    page.get_by_role("link", name="Mappings").click()
    fits_a_phone(page, "03-mappings")
    page.locator("#object-table").get_by_role("link", name="Customers", exact=True).click()
    fits_a_phone(page, "03-customer-mappings")
    page.locator("#fields-Contact").get_by_role("link", name="Add a field mapping").click()
    target = page.get_by_label("Target field")
    expect(target).to_have_attribute("list", "target-field-options")
    expect(page.locator('#target-field-options option[value="Department"]')).to_contain_text(
        "string(80)"
    )
    expect(page.locator('#source-field-options option[value="company"]')).to_have_count(1)
    target.fill("Department")
    page.get_by_label("Source", exact=True).fill("company")
    fits_a_phone(page, "03-mapping-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Field mapping saved.")).to_be_visible()

    page.get_by_role("link", name="Preview a record").click()
    page.get_by_label("BigCommerce id").fill(str(customer.bc_id))
    page.get_by_role("button", name="Preview from the store").click()
    record = page.locator(f"#record-{customer.bc_id}")
    expect(record).to_contain_text("would sync")
    department = record.locator("tr", has=page.locator("code", has_text="Department"))
    expect(department).to_contain_text(customer.company)
    fits_a_phone(page, "03-preview")
    return customer


def import_everything(page, store_id: int) -> None:
    page.goto(f"/stores/{store_id}/runs/")
    fits_a_phone(page, "04-runs")
    page.locator("#import-everything").get_by_label("Kind of import of every object").select_option(
        label="Full import"
    )
    page.get_by_role("button", name="Import everything").click()
    queued = page.locator(".message", has_text="one run per object")
    expect(queued).to_be_visible()
    orders_run = re.search(r"orders \(run #(\d+)\)", queued.inner_text()).group(1)
    page.goto(f"/stores/{store_id}/runs/{orders_run}/")
    expect(page.locator("#run-status")).to_have_text(re.compile("Queued|Running"))
    progress = page.locator("#run-progress progress")
    expect(progress).to_have_attribute("value", "100", timeout=120_000)
    expect(page.locator("#run-status")).to_have_text("Succeeded")
    expect(page.locator("#run-progress")).to_contain_text("100%")
    fits_a_phone(page, "04-run")


def choose_a_view_of_the_orders(page, store_id: int) -> None:
    page.goto(f"/stores/{store_id}/")
    page.locator("#store-records").get_by_role("link", name="Orders").click()
    table = page.locator("#record-table")
    expect(table.locator("tbody tr").first).to_contain_text("Order #")
    fits_a_phone(page, "05-orders")
    buyer = table.locator("tbody tr").first.locator("td", has_text="Order #").inner_text()
    buyer = buyer.split("·")[-1].strip()
    page.get_by_label("Search").fill(buyer)
    page.get_by_label("Last outcome").select_option(label="Created")
    page.get_by_role("button", name="Filter").click()
    rows = table.locator("tbody tr")
    expect(rows.first).to_contain_text(buyer)
    for row in rows.all():
        expect(row).to_contain_text(buyer)
        expect(row).to_contain_text("Created")

    page.get_by_text("⚙ Columns and search").click()
    page.locator("#list-choices").get_by_label("When").uncheck()
    page.locator("#list-choices").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Columns and search saved for this list.")).to_be_visible()
    expect(table.locator("thead")).not_to_contain_text("When")

    page.get_by_text("Save view", exact=True).first.click()
    page.locator("#save-view").get_by_label("Name").fill("Orders of one buyer")
    page.locator("#save-view").get_by_role("button", name="Save view").click()
    expect(page.get_by_text("View “Orders of one buyer” saved")).to_be_visible()

    page.goto(f"/stores/{store_id}/records/orders/")
    expect(page.get_by_label("Search")).to_have_value("")
    page.get_by_label("Saved view").select_option(label="Orders of one buyer")
    page.locator("#saved-views").get_by_role("button", name="Show").click()
    expect(page.get_by_label("Search")).to_have_value(buyer)
    expect(page.get_by_label("Saved view")).to_have_value(re.compile(r"\d+"))
    for row in table.locator("tbody tr").all():
        expect(row).to_contain_text(buyer)
    expect(table.locator("thead")).not_to_contain_text("When")
    fits_a_phone(page, "05-orders-view")


def import_and_export_a_customer(page, store_id: int, customer) -> None:
    page.goto(f"/stores/{store_id}/mappings/")
    page.locator("#object-table").get_by_role("link", name="Customers", exact=True).click()
    page.get_by_label("Direction", exact=True).select_option(label="Both ways")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Customers: settings saved.")).to_be_visible()

    page.goto(f"/stores/{store_id}/records/customers/")
    page.get_by_role("button", name=f"Import customer {customer.bc_id}", exact=True).click()
    expect(page.get_by_text("Selected records of customers queued.")).to_be_visible()
    expect(page.locator("#run-status")).to_have_text("Succeeded", timeout=60_000)
    fits_a_phone(page, "06-import-run")

    page.goto(f"/stores/{store_id}/records/customers/")
    fits_a_phone(page, "06-customers")
    page.get_by_role("button", name=f"Export customer {customer.bc_id}", exact=True).click()
    expect(page.locator(".message.success")).to_contain_text("queued")
    expect(page.locator("#run-status")).to_have_text("Succeeded", timeout=60_000)
    expect(page.locator("h1")).to_contain_text("export")
    fits_a_phone(page, "06-export-run")


def see_a_webhook_in_the_record_timeline(page, base_url: str, store_id: int, customer) -> None:
    page.goto(f"/stores/{store_id}/webhooks/")
    page.get_by_role("button", name="Register webhooks").click()
    expect(page.locator(".message.success")).to_be_visible()
    fits_a_phone(page, "07-webhooks")

    # Someone edits the customer in BigCommerce.
    answer = requests.put(
        f"{base_url}/sandbox/bigcommerce/stores/{STORE_HASH}/v3/customers",
        json=[{"id": customer.bc_id, "last_name": "Webhooked"}],
        headers={"X-Auth-Token": STORE_TOKEN, "Accept": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text

    page.goto(f"/stores/{store_id}/records/customer/{customer.bc_id}/view/")
    timeline = page.locator("#record-timeline")
    reload_until(page, timeline, "store/customer/updated")
    expect(timeline.get_by_role("link", name=re.compile(r"Event #\d+"))).to_be_visible()
    expect(timeline.get_by_role("link", name=re.compile(r"Run #\d+")).first).to_be_visible()
    timeline.locator("details.calls summary").first.click()
    expect(timeline.locator("details.call summary").first).to_contain_text("GET ")
    reload_until(page, page.locator("#live-values"), "Webhooked")
    fits_a_phone(page, "07-record")


def reload_until(page, locator, text: str, seconds: float = 60) -> None:
    """Reload the page, as a user waiting for news would, until `locator` shows `text`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            expect(locator).to_contain_text(text, timeout=2_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.reload()


def edit_contact_mapping(page, store_id: int, field: str, source: str) -> None:
    page.goto(f"/stores/{store_id}/mappings/customer/")
    contact = page.locator("#fields-Contact")
    contact.get_by_role("link", name=f"Edit {field}", exact=True).click()
    page.get_by_label("Source", exact=True).fill(source)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Field mapping saved.")).to_be_visible()


def repair_a_broken_mapping_from_the_logs(page, store_id: int, customer) -> None:
    edit_contact_mapping(page, store_id, "Email", "first_name")
    page.goto(f"/stores/{store_id}/records/customers/")
    page.get_by_role("button", name=f"Import customer {customer.bc_id}", exact=True).click()
    finished = re.compile("Succeeded|[Ff]ailed|failures")
    expect(page.locator("#run-status")).to_have_text(finished, timeout=60_000)

    page.locator("#nav").get_by_role("link", name="Logs").click()
    page.get_by_label("Outcome").select_option("failed")
    page.get_by_role("button", name="Filter", exact=True).click()
    fits_a_phone(page, "08-logs-failed")
    row = page.locator("#log-table tbody tr", has_text=str(customer.bc_id)).first
    row.get_by_role("link", name="Details").click()
    expect(page.locator("#log-error")).to_contain_text("INVALID_EMAIL_ADDRESS")
    failed_row = page.url
    fits_a_phone(page, "08-log-row")

    edit_contact_mapping(page, store_id, "Email", "email")
    page.goto(failed_row)
    page.get_by_role("button", name="Retry this failed attempt").click()
    expect(page.locator(".message.success")).to_contain_text("queued")
    expect(page.locator("#run-status")).to_have_text("Succeeded", timeout=60_000)
    fits_a_phone(page, "08-resync-run")


def share_the_store_with_a_viewer(page, store_id: int, customer) -> None:
    page.goto("/admin/auth/user/add/")
    page.locator("#id_username").fill("vic")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("vic")

    page.goto(f"/stores/{store_id}/members/")
    page.get_by_label("Username or email").fill("vic")
    page.get_by_label("Role", exact=True).select_option(label="Viewer")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text("vic added to Journey store.")).to_be_visible()
    fits_a_phone(page, "09-members")
    page.get_by_role("button", name="Log out").click()

    log_in(page, "vic")
    main = page.locator("main")
    page.goto(f"/stores/{store_id}/runs/")
    expect(page.locator("#run-table tbody tr").first).to_be_visible()
    for name in ("Import", "Import everything", "Export", "Cancel", "Re-sync failed records"):
        expect(main.get_by_role("button", name=name, exact=True)).to_have_count(0)
    fits_a_phone(page, "09-viewer-runs")

    page.goto(f"/stores/{store_id}/records/customers/")
    expect(page.locator("#record-table tbody tr").first).to_be_visible()
    expect(main.get_by_role("button", name=re.compile("^(Import|Export)"))).to_have_count(0)
    expect(main.get_by_role("link", name=re.compile("^Delete"))).to_have_count(0)
    expect(page.locator("#mass-actions button")).to_have_count(0)
    fits_a_phone(page, "09-viewer-list")

    page.goto(f"/stores/{store_id}/records/customer/{customer.bc_id}/view/")
    expect(page.locator("#record-timeline")).to_be_visible()
    for name in ("Import from BigCommerce", "Export to BigCommerce", "Re-sync"):
        expect(main.get_by_role("button", name=name)).to_have_count(0)
    fits_a_phone(page, "09-viewer-record")

    page.locator("#nav").get_by_role("link", name="Logs").click()
    page.locator("#log-table tbody tr").first.get_by_role("link", name="Details").click()
    expect(page.locator("h1")).to_be_visible()
    expect(main.get_by_role("button")).to_have_count(0)
    fits_a_phone(page, "09-viewer-log-row")
