"""An admin opens a customer's record page: the webhook that touched it, the runs, their calls,
and both systems' values, on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from sync.runs import import_records
from tests.browser.test_console import log_in
from tests.webhooks.conftest import Callbacks, payload
from webhooks import drain
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.browser

SECRET = "record-page-browser-secret-0123456789"


@pytest.fixture
def touched_customer(demo, live_server, settings, monkeypatch):
    """Customer 3 of the demo store, imported, then changed and imported by its webhook."""
    from webhooks import tasks

    monkeypatch.setattr(tasks.drain_inbox, "delay", lambda store_id: None)
    store = demo.store
    store.webhook_secret = SECRET
    store.save()
    import_records(store, "customer", ["3"], trigger="manual")
    sent = payload("store/customer/updated", {"type": "customer", "id": 3})
    callbacks = Callbacks(live_server.url, settings.WEBHOOK_SECRET_HEADER)
    assert callbacks.post(store.pk, sent, secret=SECRET).status_code == 200
    drain.drain(store.pk)
    return WebhookEvent.objects.get(store=store, source_id="3")


def test_a_record_page_shows_the_webhook_the_runs_and_the_calls_and_fits_a_phone(
    page, touched_customer, screenshot
):
    event = touched_customer
    page.goto("/")
    log_in(page, "owner", "pw")
    page.goto(f"/stores/{event.store_id}/records/customer/3/view/")

    expect(page.get_by_role("heading", name="Customer 3")).to_be_visible()
    timeline = page.locator("#record-timeline")
    expect(timeline).to_contain_text("store/customer/updated")
    expect(timeline.get_by_role("link", name=f"Event #{event.pk}")).to_be_visible()
    expect(timeline.get_by_role("link", name=f"Run #{event.run_id}")).to_be_visible()
    timeline.locator("details.calls summary").first.click()
    first_call = timeline.locator("details.call summary").first
    expect(first_call).to_be_visible()
    expect(first_call).to_contain_text("GET /sandbox/bigcommerce/stores/")
    expect(first_call.locator(".badge")).to_have_text("200")
    live = page.locator("#live-values")
    expect(live.locator("#live-contact")).to_contain_text("LastName")
    expect(live.locator("#live-contact .badge").first).to_have_text("Same")
    expect(page.get_by_role("button", name="Import from BigCommerce")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    cut = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(el => el.closest('.scroll-x, .table, pre') === null)
            .filter(el => el.getBoundingClientRect().width > 0)
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map(el => el.tagName + '.' + el.className)"""
    )
    assert cut == [], f"cut off at 390 px: {cut[:5]}"
    screenshot("record_page")
