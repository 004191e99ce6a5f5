from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from integrations.bigcommerce.client import BigCommerceClient
from integrations.salesforce.client import remember_api_usage
from stores.models import Role
from sync.models import ImportSchedule, Outcome, SyncLogEntry, SyncRun
from tests.conftest import make_org, make_store, make_user
from webhooks.models import RegisteredHook, WebhookEvent

pytestmark = pytest.mark.django_db

PLOT_HEIGHT = 200  # console.charts: HEIGHT - TOP - BOTTOM


def at_noon(days_ago: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(12)))


def log_rows(store, count, outcome, when, source="customer", error_code="", direction="import"):
    rows = SyncLogEntry.objects.bulk_create(
        SyncLogEntry(
            store=store,
            source=source,
            source_id=str(n),
            outcome=outcome,
            error_code=error_code,
            direction=direction,
        )
        for n in range(count)
    )
    SyncLogEntry.objects.filter(pk__in=[row.pk for row in rows]).update(created_at=when)


def dashboard(client, **params):
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def bar(page, days_ago):
    day = (timezone.localdate() - timedelta(days=days_ago)).isoformat()
    (group,) = page.xpath(f'//svg//g[@class="bar"][@data-day="{day}"]')
    return {
        rect.get("data-series"): {
            "height": float(rect.get("height")),
            "title": rect.findtext("title"),
            "href": rect.getparent().get("href"),
        }
        for rect in group.xpath(".//rect[@data-series]")
    }


def query(href):
    parts = urlsplit(href)
    return parts.path, {name: values[0] for name, values in parse_qs(parts.query).items()}


def test_each_day_is_a_bar_of_its_rows_stacked_by_outcome(client_for, alice, store_a, store_b):
    log_rows(store_a, 3, Outcome.CREATED, at_noon(2))
    log_rows(store_a, 1, Outcome.FAILED, at_noon(2), error_code="INVALID_EMAIL")
    log_rows(store_a, 2, Outcome.UPDATED, at_noon(0))
    log_rows(store_b, 50, Outcome.CREATED, at_noon(2))  # another store's: not alice's

    page = dashboard(client_for(alice))

    two_days_ago = bar(page, 2)
    assert set(two_days_ago) == {"created", "failed"}
    # The busiest day holds 4 rows, so the y axis goes up to 4.
    assert two_days_ago["created"]["height"] == PLOT_HEIGHT * 3 / 4
    assert two_days_ago["failed"]["height"] == PLOT_HEIGHT * 1 / 4
    assert two_days_ago["created"]["title"].endswith(": 3 created (of 4)")
    assert two_days_ago["failed"]["title"].endswith(": 1 failed (of 4)")
    assert bar(page, 0)["updated"]["height"] == PLOT_HEIGHT * 2 / 4
    assert bar(page, 1) == {}
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    path, params = query(two_days_ago["failed"]["href"])
    assert path == reverse("log_list")
    assert params == {"outcome": "failed", "date_from": day, "date_to": day}
    ticks = [text.text for text in page.xpath('//svg//g[@class="tick"]/text')]
    assert ticks == ["0", "1", "2", "3", "4"]


def test_the_chart_covers_thirty_days_and_labels_its_axis(client_for, alice, store_a):
    log_rows(store_a, 5, Outcome.CREATED, at_noon(29))
    log_rows(store_a, 7, Outcome.CREATED, at_noon(30))  # a day too old

    page = dashboard(client_for(alice))

    assert len(page.xpath('//svg//g[@class="bar"]')) == 30
    assert bar(page, 29)["created"]["title"].endswith(": 5 created (of 5)")
    labels = page.xpath('//svg//text[@class="day"]/text()')
    assert labels[-1] == timezone.localdate().strftime("%-d %b")
    assert len(labels) == 6
    totals = page.get_element_by_id("dash-totals").text_content()
    assert "5" in totals and "12" not in totals


def test_the_object_selector_narrows_the_chart_to_one_object(client_for, alice, store_a):
    log_rows(store_a, 3, Outcome.CREATED, at_noon(1), source="customer")
    log_rows(store_a, 2, Outcome.FAILED, at_noon(1), source="order", error_code="X")

    client = client_for(alice)
    everything = dashboard(client)
    tabs = {a.text.strip(): a.get("href") for a in everything.xpath('//nav[@class="dash-tabs"]/a')}
    assert set(tabs) == {"All objects", "Customers", "Orders"}

    orders = dashboard(client, **query(tabs["Orders"])[1])

    assert set(bar(orders, 1)) == {"failed"}
    assert bar(orders, 1)["failed"]["height"] == PLOT_HEIGHT
    assert query(bar(orders, 1)["failed"]["href"])[1]["source"] == "order"


def test_failures_are_counted_by_error_code_and_link_to_the_filtered_log(
    client_for, alice, store_a
):
    log_rows(store_a, 2, Outcome.FAILED, timezone.now() - timedelta(hours=2), error_code="DUP")
    log_rows(store_a, 3, Outcome.FAILED, at_noon(5), error_code="DUP")
    log_rows(store_a, 1, Outcome.FAILED, at_noon(3), error_code="INVALID_EMAIL")
    log_rows(store_a, 9, Outcome.FAILED, at_noon(40), error_code="OLD_ONE")
    log_rows(store_a, 4, Outcome.CREATED, at_noon(3))

    page = dashboard(client_for(alice), store=store_a.pk)

    table = page.get_element_by_id("dash-failures")
    rows = [
        [cell.text_content().strip() for cell in row.xpath("td")]
        for row in table.xpath(".//tbody/tr")
    ]
    assert rows == [["DUP", "5", "2"], ["INVALID_EMAIL", "1", "0"]]
    window_link, day_link = table.xpath(".//tbody/tr[1]//a/@href")
    path, params = query(window_link)
    assert path == "/logs/"
    first_day = (timezone.localdate() - timedelta(days=29)).isoformat()
    assert params == {
        "store": str(store_a.pk),
        "outcome": "failed",
        "error_code": "DUP",
        "date_from": first_day,
    }
    yesterday = timezone.localdate(timezone.now() - timedelta(hours=24)).isoformat()
    assert query(day_link)[1]["date_from"] == yesterday


def test_a_user_never_sees_another_stores_figures(client_for, alice, store_a, store_b):
    log_rows(store_b, 4, Outcome.FAILED, at_noon(1), error_code="SECRET_CODE")
    client = client_for(alice)

    assert client.get(reverse("dashboard"), {"store": store_b.pk}).status_code == 404
    assert client.get(reverse("dashboard"), {"store": "9999"}).status_code == 404
    assert client.get(reverse("dashboard"), {"store": "nonsense"}).status_code == 404
    page = client.get(reverse("dashboard")).content.decode()
    assert "SECRET_CODE" not in page
    assert "Store B" not in page


def test_the_overall_view_adds_up_the_visible_stores(client_for, alice, store_a):
    second = make_store("Store C", members=[(alice, Role.VIEWER)])
    log_rows(store_a, 2, Outcome.CREATED, at_noon(1))
    log_rows(second, 3, Outcome.CREATED, at_noon(1))
    client = client_for(alice)

    assert bar(dashboard(client), 1)["created"]["title"].endswith(": 5 created (of 5)")
    only_c = dashboard(client, store=second.pk)
    assert bar(only_c, 1)["created"]["title"].endswith(": 3 created (of 3)")
    assert query(bar(only_c, 1)["created"]["href"])[1]["store"] == str(second.pk)


def test_a_viewer_sees_the_dashboard_without_actions(client_for, victor, store_a):
    response = client_for(victor).get(reverse("dashboard"))
    assert response.status_code == 200
    assert "Records synced per day" in response.content.decode()
    assert "Check workers now" not in response.content.decode()
    assert "Add a store" not in response.content.decode()


def test_salesforce_usage_is_shown_once_known(client_for, alice, store_a, org_a):
    client = client_for(alice)
    section = dashboard(client).get_element_by_id("dash-salesforce")
    assert "Org A" in section.text_content()
    assert "not known yet" in section.text_content()

    remember_api_usage(org_a.pk, 12_000, 100_000)

    section = dashboard(client).get_element_by_id("dash-salesforce")
    (meter,) = section.xpath(".//meter")
    assert (meter.get("value"), meter.get("max"), meter.get("high")) == ("12000", "100000", "80000")
    assert "12,000 of 100,000 calls in 24 h (12%)" in section.text_content()
    assert "not known yet" not in section.text_content()


def test_bigcommerce_headroom_is_shown_once_known(client_for, alice, store_a):
    client = client_for(alice)
    section = dashboard(client).get_element_by_id("dash-bigcommerce")
    assert "not known yet" in section.text_content()

    BigCommerceClient.for_store(store_a).limiter.update(left=120, reset_in_ms=20_000, quota=150)

    section = dashboard(client).get_element_by_id("dash-bigcommerce")
    (meter,) = section.xpath(".//meter")
    assert (meter.get("value"), meter.get("max")) == ("120", "150")
    text = " ".join(section.text_content().split())
    assert "120 of 150 requests left, the window resets in 1" in text  # 19 or 20 s


def test_webhook_inbox_depth_lag_and_inactive_hooks(client_for, alice, store_a):
    now = timezone.now()

    def event(status, received, **fields):
        return WebhookEvent.objects.create(
            store=store_a,
            scope="store/customer/updated",
            status=status,
            received_at=received,
            hash=f"{status}-{received.timestamp()}",
            **fields,
        )

    event("pending", now - timedelta(minutes=10))
    event("pending", now - timedelta(minutes=2))
    event("processed", now - timedelta(hours=1), processed_at=now - timedelta(minutes=59))
    event("processed", now - timedelta(minutes=30), processed_at=now - timedelta(seconds=1795))
    for n, active in enumerate([True, False]):
        RegisteredHook.objects.create(
            store=store_a,
            scope=f"store/customer/{n}",
            hook_id=n + 1,
            destination="https://connector.example/webhooks/",
            is_active=active,
            registered_at=now,
        )

    section = dashboard(client_for(alice)).get_element_by_id("dash-webhooks")

    (row,) = section.xpath(".//tbody/tr")
    cells = [" ".join(td.text_content().split()) for td in row.xpath("td")]
    assert cells[0] == "Store A"
    assert cells[1] == "2"
    assert cells[2] in ("10 min 0 s ago", "10 min 1 s ago")
    assert cells[3] == "5 s"  # the newest drained event waited 5 s
    assert cells[5] == "1 of 2 inactive"
    assert set(row.xpath(".//a/@href")) == {reverse("webhook_status", args=[store_a.pk])}


def test_each_schedule_shows_its_last_run_and_links_to_it(client_for, alice, store_a):
    run = SyncRun.objects.create(
        store=store_a, source="order", kind="incremental", trigger="schedule", status="failed"
    )
    ImportSchedule.objects.create(store=store_a, source="order", last_run=run)
    ImportSchedule.objects.create(store=store_a, source="customer", kind="full")

    section = dashboard(client_for(alice)).get_element_by_id("dash-schedules")

    rows = section.xpath(".//tbody/tr")
    assert len(rows) == 2
    customers, orders = rows
    assert "none yet" in customers.text_content()
    assert orders.xpath('.//span[contains(@class, "badge")]/text()') == ["Failed"]
    links = orders.xpath(".//a/@href")
    assert reverse("run_detail", args=[store_a.pk, run.pk]) in links
    path, params = query(orders.xpath("td[2]/a/@href")[0])
    assert path == reverse("run_list", args=[store_a.pk])
    assert params == {
        "source": "order",
        "direction": "import",
        "kind": "incremental",
        "trigger": "schedule",
    }


def test_runs_are_counted_by_status_and_link_to_the_filtered_runs(client_for, alice, store_a):
    SyncRun.objects.create(store=store_a, source="order", kind="full", status="failed")
    SyncRun.objects.create(store=store_a, source="customer", kind="full", status="failed")
    SyncRun.objects.create(store=store_a, source="product", kind="full", status="running")
    SyncRun.objects.create(
        store=store_a, source="product", kind="full", status="failed", direction="export"
    )
    old = SyncRun.objects.create(store=store_a, source="refund", kind="full", status="failed")
    SyncRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))

    section = dashboard(client_for(alice), direction="import").get_element_by_id("dash-runs")

    headers = [th.text_content() for th in section.xpath(".//thead//th")]
    (row,) = section.xpath(".//tbody/tr")
    cells = dict(zip(headers, row.xpath("td"), strict=True))
    assert cells["Failed"].text_content() == "2"
    assert cells["Running"].text_content() == "1"
    assert cells["Succeeded"].text_content() == "0"
    path, params = query(cells["Failed"].xpath("a/@href")[0])
    assert path == reverse("run_list", args=[store_a.pk])
    assert params == {"status": "failed", "direction": "import"}


def test_a_bad_filter_is_named_and_the_page_still_answers(client_for, alice, store_a):
    response = client_for(alice).get(reverse("dashboard"), {"source": "planets"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("stores, days", [(1, 1), (6, 30)])
def test_the_number_of_queries_does_not_grow_with_stores_or_days(
    client_for, django_assert_max_num_queries, stores, days
):
    user = make_user("morgan")
    for n in range(stores):
        org = make_org(f"Org {n}")
        store = make_store(f"Shop {n}", members=[(user, Role.ADMIN)], salesforce_org=org)
        remember_api_usage(org.pk, 10, 100)
        for day in range(days):
            log_rows(store, 1, Outcome.FAILED, at_noon(day), error_code=f"E{day}")
            log_rows(store, 1, Outcome.CREATED, at_noon(day), source="order")
        run = SyncRun.objects.create(store=store, source="order", kind="full", status="failed")
        ImportSchedule.objects.create(store=store, source="order", last_run=run)
    client = client_for(user)

    with django_assert_max_num_queries(17):
        assert client.get(reverse("dashboard")).status_code == 200
    with django_assert_max_num_queries(17):
        assert client.get(reverse("dashboard"), {"store": store.pk}).status_code == 200
